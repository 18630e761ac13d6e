/* SPDX-License-Identifier: MIT */
/*
 * Copying entries and whole trees, by directory fd.  Directories are walked
 * with an explicit stack, so depth costs heap, not C stack; each level
 * holds one source and one destination fd.  A directory's metadata is
 * applied after all of its children.
 */
#ifndef STAGECP_TREE_H
#define STAGECP_TREE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "engine/entry.h"
#include "roots/layers.h"

struct stagecp_ctx;
struct filter;

/*
 * Copy the contents of the source directory s into the existing destination
 * directory d (dpath), the top of a directory copy: d keeps its owner and
 * mode and takes only the source's times, after its children; with now
 * (what d holds), d takes all of the source's metadata instead, as a copy
 * of the directory itself.  filter, when not NULL, decides which entries
 * are copied.  layers, for a layer stack source, holds the layer
 * directories of s (fd[0] is s->fd); the walk takes them over.
 */
struct meta_now;
int tree_copy_contents(struct stagecp_ctx *c, struct src_ent *s,
		       struct layer_dir *layers, const struct dst_dir *d,
		       const char *dpath, const struct filter *filter,
		       const struct meta_now *now);

#endif
