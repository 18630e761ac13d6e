/* SPDX-License-Identifier: MIT */
/*
 * A stage root as a builder hands it over: usually a mount point (buildah
 * mount, an overlay snapshot).  What can go wrong with one is outside the
 * tree: the mount is missing (an empty directory where the stage should
 * be), it goes away during the copy (the copy then lands in a detached
 * mount nobody sees), or a second copy writes into it at the same time.
 */
#ifndef STAGECP_STAGEROOT_H
#define STAGECP_STAGEROOT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Which directory, on which mount, a root's fd is. */
struct stage_root_id {
	dev_t dev;
	ino_t ino;
	uint64_t mnt_id;
	bool has_mnt_id;
	bool valid;		/* taken: there is something to check */
};

/* The identity of the root directory fd (O_PATH is enough). */
int stage_root_id_get(int fd, struct stage_root_id *id);

/*
 * 0 when path (as the user gave it, symlinks followed) still names the
 * directory id was taken from, on the same mount, or when id is not valid;
 * -ESTALE when it names another one (unmounted: the bare mount point shows
 * through); the stat's -errno when it names nothing (buildah removes its
 * mount point).
 */
int stage_root_id_check(const char *path, const struct stage_root_id *id);

/*
 * Whether the directory fd has no entries at all: what a stage root
 * looks like when its mount is missing.
 */
bool stage_root_is_empty(int fd);

/*
 * Take the advisory lock (flock, exclusive, not waiting) that tells two
 * copies into one stage root apart.  Returns an fd that holds it (close it
 * to release), or -EWOULDBLOCK when another copy holds it, or -errno.
 * Filesystems without flock (-ENOLCK, -EOPNOTSUPP) give -EOPNOTSUPP: the
 * caller goes on unlocked.
 */
int stage_root_lock(int fd);

#endif
