/* SPDX-License-Identifier: MIT */
/*
 * A destination layer stack (--to-layers=UPPER:LOWER...): resolved in the
 * merged view, written in UPPER only.  See dstlayers.c.
 */
#ifndef STAGECP_DSTLAYERS_H
#define STAGECP_DSTLAYERS_H

#include <stdbool.h>

#include "engine/dst_dir.h"
#include "roots/layers.h"
#include "roots/resolve.h"

struct stagecp_ctx;

/*
 * The directory at the symlink-free path clean, in UPPER: components the
 * merged view lacks are made (opaque where they replace a whiteout), lower
 * ones copied up.  Returns the upper directory's fd and, in *merged, the
 * layer directories merging into it.
 */
int dstl_mkdirs(struct stagecp_ctx *c, const char *clean,
		const struct mkdir_attr *attr, char **failed,
		struct layer_dir *merged);

/*
 * Whether an entry (a directory or not) may be made at d/name when a lower
 * layer holds something there: the usual type-change errors, reported.
 */
int dstl_check(struct stagecp_ctx *c, const struct dst_dir *d,
	       const char *name, bool is_dir, const char *dpath);

/*
 * A directory where the upper holds a whiteout: the whiteout goes and the
 * new directory is opaque.  -EEXIST when what stands there is not one.
 */
int dstl_whiteout_to_dir(struct stagecp_ctx *c, const struct dst_dir *d,
			 const char *name);

/* The merged directory of the new or existing upper directory d/name. */
int dstl_child(struct stagecp_ctx *c, const struct dst_dir *parent,
	       const char *name, const char *dpath, struct layer_dir *out);

#endif
