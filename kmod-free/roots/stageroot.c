// SPDX-License-Identifier: MIT
/* Stage roots: identity across a copy, emptiness, the writers' lock. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "roots/stageroot.h"
#include "seam/dirnames.h"
#include "seam/sys.h"

int stage_root_id_get(int fd, struct stage_root_id *id)
{
	struct stat st;
	bool top;
	int r = sys_fstat(fd, &st);

	if (r < 0)
		return r;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	/* Two mounts of one filesystem share st_dev: the mount id tells a
	 * bind mount from the directory under it. */
	r = sys_statx_mnt_id(fd, "", AT_EMPTY_PATH, &id->mnt_id, &top);
	id->has_mnt_id = r == 0;
	if (r < 0 && r != -EOPNOTSUPP)
		return r;
	id->valid = true;
	return 0;
}

int stage_root_id_check(const char *path, const struct stage_root_id *id)
{
	struct stat st;
	uint64_t mnt;
	bool top;
	int r;

	if (!id->valid)
		return 0;
	r = sys_fstatat(AT_FDCWD, path, &st, 0);
	if (r < 0)
		return r;
	if (st.st_dev != id->dev || st.st_ino != id->ino)
		return -ESTALE;
	if (!id->has_mnt_id)
		return 0;
	r = sys_statx_mnt_id(AT_FDCWD, path, 0, &mnt, &top);
	if (r < 0)
		return r;
	return mnt == id->mnt_id ? 0 : -ESTALE;
}

bool stage_root_is_empty(int fd)
{
	struct dir_names names = { 0 };
	int dfd = sys_openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	bool empty;

	if (dfd < 0)
		return false;
	empty = dir_names_read(&names, dfd) == 0 && names.n == 0;
	dir_names_free(&names);
	sys_close(dfd);
	return empty;
}

int stage_root_lock(int fd)
{
	/* flock wants an open file, not the O_PATH root. */
	int lfd = sys_openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	int r;

	if (lfd < 0)
		return lfd;
	r = sys_flock(lfd, LOCK_EX | LOCK_NB);
	if (r == 0)
		return lfd;
	sys_close(lfd);
	if (r == -ENOLCK || r == -EOPNOTSUPP)
		return -EOPNOTSUPP;
	return r;
}
