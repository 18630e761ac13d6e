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

#include "node.h"

struct stagecp_ctx;
struct filter;

/* A source entry that has been looked at (and opened, if it is a file or a
 * directory). */
struct src_ent {
	struct stat st;
	int fd;			/* O_RDONLY for files and dirs, else -1 */
	struct node x;		/* reaches its xattrs and symlink target */
	const char *path;	/* inside the source root, for messages */
};

/* A destination directory that entries are created in. */
struct dst_dir {
	int fd;
	dev_t dev;
	gid_t child_gid;	/* the group a new entry gets here */
};

/* Fill in dev and child_gid of a destination directory from its fd. */
int dst_dir_init(struct stagecp_ctx *c, struct dst_dir *d, int fd,
		 const char *path);

/*
 * Copy one source entry that is not a directory to d/name (dpath for
 * messages).  Failures are reported; returns 0 or the first negative errno.
 */
int tree_copy_entry(struct stagecp_ctx *c, struct src_ent *s,
		    const struct dst_dir *d, const char *name,
		    const char *dpath);

/*
 * Copy the contents of the source directory s into the existing destination
 * directory d (dpath), the top of a directory copy: d keeps its owner and
 * mode and takes only the source's times, after its children.  filter, when
 * not NULL, decides which entries are copied.
 */
int tree_copy_contents(struct stagecp_ctx *c, struct src_ent *s,
		       const struct dst_dir *d, const char *dpath,
		       const struct filter *filter);

#endif
