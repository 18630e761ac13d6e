// SPDX-License-Identifier: MIT
/* A detached read-only overlay view of a source root: see the header. */
#include "roots/detached_overlay.h"

#include <errno.h>
#include <stdio.h>
#include <linux/mount.h>

#include "seam/sys.h"

/* "/proc/self/fd/N:/proc/self/fd/M" */
#define LOWERDIR_MAX 64

bool detached_overlay_falls_back(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
	case EACCES:
	case ENOSYS:
	case ENODEV:
	case EINVAL:
	case EOPNOTSUPP:
	case ELOOP:
		return true;
	default:
		return false;
	}
}

/* Create the filesystem configured on fsfd and take a read-only mount. */
static int fs_mount_rdonly(int fsfd, const char **op)
{
	int r;

	*op = "fsconfig create";
	r = sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	if (r < 0)
		return r;
	*op = "fsmount";
	return sys_fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY |
			   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID |
			   MOUNT_ATTR_NOEXEC);
}

/* The bottom layer: an empty read-only tmpfs, detached like the view. */
static int empty_layer(const char **op)
{
	int fsfd, r;

	*op = "fsopen tmpfs";
	fsfd = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return fsfd;
	*op = "fsconfig tmpfs";
	r = sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "4k", 0);
	if (r == 0)
		r = fs_mount_rdonly(fsfd, op);
	sys_close(fsfd);
	return r;
}

/*
 * The two lowers, by fd where overlayfs takes fds (Linux 6.13), else by
 * /proc/self/fd paths: either way the directories we hold, not a name
 * that could be swapped meanwhile.
 */
static int set_lowers(int fsfd, int srcfd, int emptyfd, const char **op)
{
	char lower[LOWERDIR_MAX];
	int r;

	*op = "fsconfig lowerdir+";
	r = sys_fsconfig(fsfd, FSCONFIG_SET_FD, "lowerdir+", NULL, srcfd);
	if (r == 0)
		return sys_fsconfig(fsfd, FSCONFIG_SET_FD, "lowerdir+", NULL,
				    emptyfd);
	if (r != -EINVAL)
		return r;
	*op = "fsconfig lowerdir";
	snprintf(lower, sizeof(lower), "/proc/self/fd/%d:/proc/self/fd/%d",
		 srcfd, emptyfd);
	return sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lower, 0);
}

int detached_overlay_make(struct detached_overlay *v, int srcfd,
			  const char **op)
{
	int emptyfd, fsfd, r;

	v->root = -1;
	emptyfd = empty_layer(op);
	if (emptyfd < 0)
		return emptyfd;
	*op = "fsopen overlay";
	fsfd = sys_fsopen("overlay", FSOPEN_CLOEXEC);
	r = fsfd;
	if (fsfd < 0)
		goto close_empty;
	r = set_lowers(fsfd, srcfd, emptyfd, op);
	/*
	 * The real inode numbers, so the walk's file can be recognised in
	 * the view; the layers are on two filesystems, where xino would
	 * change them.  A kernel without xino has them already.
	 */
	if (r == 0)
		sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "xino", "off", 0);
	if (r == 0)
		r = fs_mount_rdonly(fsfd, op);
	if (r >= 0) {
		v->root = r;
		r = 0;
	}
	sys_close(fsfd);
close_empty:
	/* The overlay holds its layers itself. */
	sys_close(emptyfd);
	return r;
}

int detached_overlay_open(const struct detached_overlay *v, const char *path,
			  const struct stat *want, struct stat *st)
{
	const struct open_how how = {
		.flags = (uint64_t)SYS_O_SRC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	int fd, r;

	while (*path == '/')
		path++;
	fd = sys_openat2(v->root, *path ? path : ".", &how);
	if (fd < 0)
		return fd;
	r = sys_fstat(fd, st);
	if (r == 0 && (!S_ISREG(st->st_mode) || st->st_ino != want->st_ino ||
		       st->st_size != want->st_size ||
		       st->st_mtim.tv_sec != want->st_mtim.tv_sec ||
		       st->st_mtim.tv_nsec != want->st_mtim.tv_nsec))
		r = -ESTALE;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

void detached_overlay_close(struct detached_overlay *v)
{
	if (v->root >= 0)
		sys_close(v->root);
	v->root = -1;
}
