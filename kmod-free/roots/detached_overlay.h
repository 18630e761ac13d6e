/* SPDX-License-Identifier: MIT */
/*
 * A detached, read-only overlay view of a plain source root, so that its
 * files can be reflinked into a mounted overlay stage.
 *
 * Between a plain directory and an overlay mount, FICLONE and
 * copy_file_range both answer EXDEV, even when both sit on one xfs or
 * btrfs.  Between two overlays they do not: overlayfs hands
 * copy_file_range to the real files below, which share a superblock.  So
 * the source gets an overlay of its own: the source root and an empty
 * read-only tmpfs as its two lower layers (overlayfs wants two lowers when
 * there is no upper), no upper, mounted read-only with fsmount(2) and
 * never attached to any mount point.  Nobody else can see it, it never
 * appears in /proc/self/mountinfo, and closing its fds is all there is
 * to undo: a killed copy leaves nothing mounted.
 *
 * Only the data of regular files is read through the view; the walk, the
 * metadata and the xattrs stay with the real source, where overlayfs
 * cannot hide whiteout devices or trusted.overlay.* keys.
 */
#ifndef STAGECP_DETACHED_OVERLAY_H
#define STAGECP_DETACHED_OVERLAY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct detached_overlay {
	int root;		/* the view's root directory; -1: none */
};

/*
 * Make the view over srcfd, an already-resolved directory (O_PATH is
 * fine).  On failure *op names the step (for the notice) and the view
 * stays closed.  Returns 0 or a negative errno.
 */
int detached_overlay_make(struct detached_overlay *v, int srcfd,
			  const char **op);

/*
 * Errnos of detached_overlay_make() after which the copy goes on by the
 * path it would take without a view:
 *  EPERM       no CAP_SYS_ADMIN in the user namespace that owns our mount
 *              namespace, or a seccomp filter;
 *  EACCES      an LSM refused the mount;
 *  ENOSYS      a kernel without the new mount API, or a seccomp filter;
 *  ENODEV      no overlayfs (or tmpfs) in this kernel;
 *  EINVAL      overlayfs refuses the source's filesystem as a lower layer
 *              (no d_type, case-folding, an unsupported fs), or an option;
 *  EOPNOTSUPP  the same refusal from some filesystems;
 *  ELOOP       the overlay stacking limit.
 * ENOMEM, EMFILE and ENFILE are real errors.
 */
bool detached_overlay_falls_back(int err);

/*
 * Open path (inside the source root) read-only in the view, resolved
 * with RESOLVE_IN_ROOT, and check that it is the file the walk found
 * (want: inode, size, mtime), so a name swapped since is never read.
 * *st gets the view file's stat.  -ESTALE for another file.
 */
int detached_overlay_open(const struct detached_overlay *v, const char *path,
			  const struct stat *want, struct stat *st);

void detached_overlay_close(struct detached_overlay *v);

#endif
