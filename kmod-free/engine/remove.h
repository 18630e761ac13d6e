/* SPDX-License-Identifier: MIT */
/* Removing a destination subtree by directory fd (COPY --link replaces
 * whatever stands in the way, directories included). */
#ifndef STAGECP_REMOVE_H
#define STAGECP_REMOVE_H

/*
 * Remove dirfd/name and, if it is a directory, everything below it.  The
 * walk never follows a symlink and never leaves the subtree.  Returns 0 or
 * a negative errno.
 */
int remove_tree_at(int dirfd, const char *name);

#endif
