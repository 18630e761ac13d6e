/* SPDX-License-Identifier: MIT */
/* stagecp exec: Dockerfile COPY instructions, run in order. */
#ifndef STAGECP_TOOL_EXEC_H
#define STAGECP_TOOL_EXEC_H

#include <stddef.h>

#include "invocation.h"

/*
 * Run the instructions of file (when not NULL) and of lines[0..n), in
 * order; the first failure stops the run.  Returns 0 or a negative errno.
 */
int cli_exec(struct cli *cli, const char *file, const char *const *lines,
	     size_t n);

/*
 * Before anything runs: check the capabilities the --chown of every
 * instruction needs (stagecp_drop_capabilities() per line).  A text that
 * does not parse is left to cli_exec() to report.
 */
int cli_exec_check_caps(struct cli *cli, const char *file,
			const char *const *lines, size_t n, char *msg,
			size_t msglen);

#endif
