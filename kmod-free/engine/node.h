/* SPDX-License-Identifier: MIT */
/*
 * One filesystem entry as the metadata code reaches it: through an open fd
 * where the entry has one (files, directories), otherwise as a name under a
 * directory fd (symlinks, FIFOs, devices), never by a path string.
 */
#ifndef STAGECP_NODE_H
#define STAGECP_NODE_H

struct node {
	int fd;			/* an fd the f*() calls accept, or -1 */
	int dirfd;		/* with name and at_flags: the *at() calls */
	const char *name;
	int at_flags;		/* AT_SYMLINK_NOFOLLOW, or AT_EMPTY_PATH */
};

#endif
