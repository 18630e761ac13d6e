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

struct ovl_mount {
	char **layers;		/* topmost first, NULL-terminated */
	size_t n;
	bool user;		/* mounted with userxattr */
	const char *why;	/* not NULL: the layers cannot be used */
};

/* Whether fd lies on an overlayfs mount. */
bool ovl_is_overlay(int fd);

/*
 * The layers of the overlay whose root is fd.  When they cannot be used
 * (an upper directory, metacopy, data-only layers, not the mount's root)
 * m->why says why and m->n is 0.  Returns 0 or a negative errno.
 */
int ovl_mount_read(int fd, struct ovl_mount *m);
void ovl_mount_free(struct ovl_mount *m);

/*
 * Whether the directory fd is the upper directory of a mounted overlay:
 * writing into it behind the mount's back is undefined.
 */
bool ovl_upper_in_use(int fd);

#endif
