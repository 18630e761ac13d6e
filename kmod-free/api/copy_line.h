/* SPDX-License-Identifier: MIT */
/* A parsed COPY instruction as the public struct stagecp_copy_line. */
#ifndef STAGECP_COPY_LINE_H
#define STAGECP_COPY_LINE_H

#include "semantics/dockerfile.h"
#include "stagecp.h"

/* o points into in: it lives as long as in does.  "" flags are NULL. */
void copy_line_fill(struct stagecp_copy_line *o,
		    const struct copyline_instr *in);

#endif
