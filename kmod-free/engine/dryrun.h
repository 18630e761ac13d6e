/* SPDX-License-Identifier: MIT */
/*
 * --dry-run: report what a copy would create, replace or merge, and with
 * which mover, without touching the destination.
 */
#ifndef STAGECP_DRYRUN_H
#define STAGECP_DRYRUN_H

#include "engine/entry.h"
#include "stagecp.h"

struct filter;
struct stagecp_ctx;

/*
 * The mover a file from srcfd's filesystem into dstfd's would get: forced
 * by the strategy, else predicted from the filesystems (no file is
 * written to try).
 */
enum stagecp_method dryrun_predict(const struct stagecp_ctx *c, int srcfd,
				   int dstfd);

/* A non-directory source s at dfd/name (dfd -1: the directory is new). */
int dryrun_leaf(struct stagecp_ctx *c, const struct src_ent *s, int dfd,
		const char *name, const char *dpath, enum stagecp_method method);

/* The contents of the source directory s into dfd (-1: new) at dpath. */
int dryrun_contents(struct stagecp_ctx *c, const struct src_ent *s, int dfd,
		    const char *dpath, const struct filter *filter,
		    enum stagecp_method method);

#endif
