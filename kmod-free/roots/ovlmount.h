/* SPDX-License-Identifier: MIT */
/*
 * A source root that is a mounted overlay: its layers, read from
 * /proc/self/mountinfo (the mount's own configuration, not a source
 * tree), when the mount's options let the engine read them directly.
 */
#ifndef STAGECP_OVLMOUNT_H
#define STAGECP_OVLMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ovl_mount {
	char **layers;		/* topmost first, NULL-terminated */
	size_t n;
	bool user;		/* mounted with userxattr */
	bool upper;		/* layers[0] is its upper directory */
	const char *why;	/* not NULL: the layers cannot be used */
};

/* Whether fd lies on an overlayfs mount. */
bool ovl_is_overlay(int fd);

/*
 * The layers of the overlay whose root is fd, its upper directory first
 * when it has one.  When they cannot be used (metacopy, redirect_dir,
 * data-only layers, not the mount's root)
 * m->why says why and m->n is 0.  Returns 0 or a negative errno.
 */
int ovl_mount_read(int fd, struct ovl_mount *m);
void ovl_mount_free(struct ovl_mount *m);

/*
 * The st_dev of the upper directory of the overlay mount that fd lies in:
 * the filesystem its new files are written to.  -ENOENT without one.
 */
int ovl_upper_dev(int fd, dev_t *dev);

/*
 * Whether the directory fd is the upper directory of a mounted overlay:
 * writing into it behind the mount's back is undefined.
 */
bool ovl_upper_in_use(int fd);

#endif
