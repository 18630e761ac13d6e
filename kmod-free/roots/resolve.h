/* SPDX-License-Identifier: MIT */
/*
 * Paths inside a stage root.  A root is an O_PATH directory fd; every path
 * below it is interpreted as if the root were "/": absolute symlink targets
 * start at the root and ".." stops there.
 *
 * Resolution happens in two steps.  resolve_root_path() expands symlinks
 * component by component (each lookup a single name under a directory fd,
 * with O_NOFOLLOW), giving a clean path with no symlinks in it; a missing
 * component is kept as written, as continuity's RootPath does, so a DEST may
 * point through a dangling symlink to something that will be created.  Then
 * resolve_open() opens that symlink-free path with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_SYMLINKS): if a symlink appeared in between, the kernel refuses
 * (-ELOOP, or -ENOTDIR where a directory was expected) instead of following
 * it.
 */
#ifndef STAGECP_RESOLVE_H
#define STAGECP_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "seam/report.h"

/*
 * What resolution needs of a copy: where to report, and what it has
 * learned of the kernel.  One per engine context, shared by its workers.
 */
struct resolver {
	struct report *rep;
	bool no_openat2;	/* forced, or openat2 said ENOSYS: flag.h */
};

/* Symlink hops allowed while resolving one path, as the kernel's. */
#define RESOLVE_MAX_HOPS 40

/*
 * Expand the symlinks of path (absolute or relative to the root) inside
 * rootfd.  follow_last: also expand a final symlink.  *out is a malloc'ed
 * clean absolute path.  Returns 0, -ELOOP past RESOLVE_MAX_HOPS, or another
 * negative errno.
 */
int resolve_root_path(struct resolver *rv, int rootfd, const char *path,
		      bool follow_last, char **out);

/*
 * Open a symlink-free clean path inside rootfd with open flags (O_CLOEXEC
 * and O_NOFOLLOW are added).  Returns the fd or a negative errno.
 */
int resolve_open(struct resolver *rv, int rootfd, const char *clean,
		 int flags);

/*
 * A directory that may not exist yet: open every component of a
 * symlink-free clean path, creating the missing ones with mode and, when
 * chown is set, owner uid:gid.  Returns an O_RDONLY|O_DIRECTORY fd.  On
 * failure *failed (when not NULL) is set to a malloc'ed copy of the path
 * that could not be made.
 */
struct mkdir_attr {
	mode_t mode;
	bool chown;
	uid_t uid;
	gid_t gid;
	/*
	 * COPY --link: every component must end up a real directory with
	 * these attributes, existing ones included; a symlink or a file in
	 * the way is replaced.
	 */
	bool replace;
};
int resolve_mkdirs(struct resolver *rv, int rootfd, const char *clean,
		   const struct mkdir_attr *attr, char **failed);

/* Open a directory given by the user, outside any root, as an O_PATH fd. */
int resolve_open_root(const char *path);

#endif
