/* SPDX-License-Identifier: MIT */
/*
 * A destination directory that entries are created in: its fd, and what
 * new entries inherit from it.  Shared by entry.c and dstlayers.c.
 */
#ifndef STAGECP_DST_DIR_H
#define STAGECP_DST_DIR_H

#include <sys/types.h>

struct stagecp_ctx;
struct layer_dir;

struct dst_dir {
	int fd;
	dev_t dev;
	gid_t child_gid;	/* the group a new entry gets here */
	/* A destination layer stack: the layers merging into this directory
	 * (fd is the upper's); NULL otherwise. */
	const struct layer_dir *merged;
};

/* Fill in dev and child_gid of a destination directory from its fd. */
int dst_dir_init(struct stagecp_ctx *c, struct dst_dir *d, int fd,
		 const char *path);

#endif
