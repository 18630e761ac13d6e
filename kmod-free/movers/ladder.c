// SPDX-License-Identifier: MIT
/*
 * The fallback ladder's knowledge: which errnos send a file from one data
 * mover to the next, which of them hold for a whole pair of filesystems,
 * and the per-pair memory of those answers.
 *
 * Why remember at all: on ext4 or tmpfs FICLONE can never work, and a tree
 * of 50,000 files would otherwise pay 50,000 failing ioctls.  Only answers
 * that are a property of the filesystems (or of the process, like a
 * seccomp filter) are remembered; answers that depend on the one file fall
 * back for that file only.
 */
#include "movers/ladder.h"

#include <errno.h>
#include <stdlib.h>

/* Most copies touch one or two pairs; growth covers the rest. */
#define LADDER_INITIAL_PAIRS 4

/* The classifiers take the negative errno of a sys_ wrapper, or its value. */
static int errno_of(int err)
{
	return err < 0 ? -err : err;
}

/*
 * ioctl(FICLONE) answers that mean "this file cannot be cloned here, try
 * copying it instead":
 *  EXDEV       source and destination are different superblocks.
 *  EOPNOTSUPP  the filesystem has no remap_file_range (ext4, tmpfs, FUSE,
 *              xfs without reflink, NFS servers without CLONE).
 *  ENOTTY      the kernel does not know FICLONE (before 4.5) and handed it
 *              to a filesystem ioctl that does not either.
 *  ENOSYS      a seccomp filter refuses ioctl this way.
 *  EINVAL      the filesystem refuses this particular pair of inodes:
 *              btrfs with a NODATACOW file on one side only, xfs with DAX
 *              or realtime on one side only.
 * Everything else is a real error of this file, notably:
 *  EPERM       the destination is immutable (chattr +i after our open):
 *              copying would fail too, and must not look like success.
 *  EBADF       one of our fds is wrong for the job (destination O_APPEND or
 *              not writable): a bug to report, not a reason to go on.
 *  ETXTBSY     an active swap file: copy_file_range refuses it the same way.
 *  EIO, ENOSPC, EDQUOT, ENOMEM: the filesystem failed, copying would too.
 */
bool ladder_clone_falls_back(int err)
{
	switch (errno_of(err)) {
	case EXDEV:
	case EOPNOTSUPP:
	case ENOTTY:
	case ENOSYS:
	case EINVAL:
		return true;
	default:
		return false;
	}
}

/*
 * EXDEV, EOPNOTSUPP and ENOTTY describe the two filesystems and the kernel,
 * ENOSYS the process: none of them can change for the next file of the same
 * pair.  EINVAL is not remembered: it comes from attributes of the inodes
 * (NODATACOW, DAX, realtime), and the next file may clone fine.
 */
bool ladder_clone_remembered(int err)
{
	switch (errno_of(err)) {
	case EXDEV:
	case EOPNOTSUPP:
	case ENOTTY:
	case ENOSYS:
		return true;
	default:
		return false;
	}
}

/*
 * copy_file_range(2) answers, on the first call for a file only (once data
 * has moved, every error is a real one), that mean "use read/write":
 *  EXDEV       the filesystems differ and cannot copy between each other
 *              (before 5.3 always; since 5.19 unless both share one
 *              ->copy_file_range).
 *  EOPNOTSUPP  the filesystem refuses in-kernel copies.
 *  EINVAL      this file cannot be spliced (no splice_read/splice_write)
 *              or the kernel rejects the request for it.
 *  ENOSYS      a kernel before 4.5, or a seccomp filter.
 *  EPERM       a seccomp filter (older container runtimes' default
 *              profiles do this); an immutable or append-only destination
 *              cannot reach here since our open for writing would have
 *              failed, so read/write is the honest next step.
 *  EIO         some network filesystems (CIFS, NFS server-side copy) fail
 *              the offload this way while plain reads still work; if the
 *              disk is really failing, read/write reports the error.
 */
bool ladder_copy_range_falls_back(int err)
{
	switch (errno_of(err)) {
	case EXDEV:
	case EOPNOTSUPP:
	case EINVAL:
	case ENOSYS:
	case EPERM:
	case EIO:
		return true;
	default:
		return false;
	}
}

/*
 * EXDEV and EOPNOTSUPP describe the filesystem pair, ENOSYS the kernel or
 * seccomp, EPERM seccomp (the process's filter applies to every file).
 * EINVAL and EIO depend on the file or on a transient failure: the next
 * file tries again.
 */
bool ladder_copy_range_remembered(int err)
{
	switch (errno_of(err)) {
	case EXDEV:
	case EOPNOTSUPP:
	case ENOSYS:
	case EPERM:
		return true;
	default:
		return false;
	}
}

/*
 * The entries live in one array that may move when it grows: the pointer
 * returned is valid until the next ladder_pair_get() on the same ladder.
 * A linear search is right for the handful of pairs one copy meets.
 */
struct ladder_pair *ladder_pair_get(struct ladder *l, dev_t src, dev_t dst)
{
	struct ladder_pair *p;
	size_t i;

	for (i = 0; i < l->n; i++) {
		p = &l->pairs[i];
		if (p->src_dev == src && p->dst_dev == dst)
			return p;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : LADDER_INITIAL_PAIRS;

		p = reallocarray(l->pairs, cap, sizeof(*p));
		if (!p)
			return NULL;
		l->pairs = p;
		l->cap = cap;
	}
	p = &l->pairs[l->n++];
	*p = (struct ladder_pair){
		.src_dev = src,
		.dst_dev = dst,
		.clone = LADDER_UNKNOWN,
		.copy_range = LADDER_UNKNOWN,
		.last = STAGECP_METHOD_NONE,
	};
	return p;
}

void ladder_free(struct ladder *l)
{
	free(l->pairs);
	l->pairs = NULL;
	l->n = 0;
	l->cap = 0;
}
