// SPDX-License-Identifier: MIT
/* The syscall seam: see sys.h. */
#include "seam/sys.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/fs.h>

/* Linux 6.13 added the *xattrat calls with one number on every arch. */
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_getxattrat
#define SYS_getxattrat 464
#endif
#ifndef SYS_listxattrat
#define SYS_listxattrat 465
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

struct xattr_args_v0 {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

#define RET(expr) return (expr) < 0 ? -errno : 0
#define RETVAL(type, expr)              \
	do {                            \
		type r_ = (expr);       \
		return r_ < 0 ? -errno : r_; \
	} while (0)

int sys_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	RETVAL(int, openat(dirfd, name, flags, mode));
}

int sys_openat2(int dirfd, const char *path, const struct open_how *how)
{
	RETVAL(long, syscall(SYS_openat2, dirfd, path, how, sizeof(*how)));
}

int sys_close(int fd)
{
	/* Linux frees the fd even on EINTR: never retry a close. */
	int r = close(fd);

	return r < 0 && errno != EINTR ? -errno : 0;
}

int sys_getcwd(char **out)
{
	*out = getcwd(NULL, 0);
	return *out ? 0 : -errno;
}

int sys_dup(int fd)
{
	RETVAL(int, fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

int sys_fstat(int fd, struct stat *st)
{
	RET(fstat(fd, st));
}

int sys_flock(int fd, int op)
{
	RET(flock(fd, op));
}

int sys_fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	RET(fstatat(dirfd, name, st, flags));
}

int sys_fstatfs(int fd, struct statfs *st)
{
	RET(fstatfs(fd, st));
}

void sys_stat_from_statx(struct stat *st, const struct statx *stx)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(stx->stx_dev_major, stx->stx_dev_minor);
	st->st_ino = stx->stx_ino;
	st->st_mode = stx->stx_mode;
	st->st_nlink = stx->stx_nlink;
	st->st_uid = stx->stx_uid;
	st->st_gid = stx->stx_gid;
	st->st_rdev = makedev(stx->stx_rdev_major, stx->stx_rdev_minor);
	st->st_size = (off_t)stx->stx_size;
	st->st_blksize = (blksize_t)stx->stx_blksize;
	st->st_blocks = (blkcnt_t)stx->stx_blocks;
	st->st_atim.tv_sec = stx->stx_atime.tv_sec;
	st->st_atim.tv_nsec = stx->stx_atime.tv_nsec;
	st->st_mtim.tv_sec = stx->stx_mtime.tv_sec;
	st->st_mtim.tv_nsec = stx->stx_mtime.tv_nsec;
}

int sys_statx_stat(int dirfd, const char *name, int flags, struct stat *st)
{
	struct statx stx;

	if (statx(dirfd, name, flags, SYS_STATX_MASK, &stx) < 0)
		return -errno;
	sys_stat_from_statx(st, &stx);
	return 0;
}

int sys_statx_mnt_id(int dirfd, const char *name, int flags, uint64_t *id,
		     bool *mount_root)
{
	struct statx stx;

	if (statx(dirfd, name, flags, STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID) ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -EOPNOTSUPP;
	*id = stx.stx_mnt_id;
	*mount_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return 0;
}

int sys_mkdirat(int dirfd, const char *name, mode_t mode)
{
	RET(mkdirat(dirfd, name, mode));
}

int sys_mknodat(int dirfd, const char *name, mode_t mode, dev_t dev)
{
	RET(mknodat(dirfd, name, mode, dev));
}

int sys_symlinkat(const char *target, int dirfd, const char *name)
{
	RET(symlinkat(target, dirfd, name));
}

ssize_t sys_readlinkat(int dirfd, const char *name, char *buf, size_t len)
{
	RETVAL(ssize_t, readlinkat(dirfd, name, buf, len));
}

int sys_linkat(int odirfd, const char *oname, int ndirfd, const char *nname,
	       int flags)
{
	RET(linkat(odirfd, oname, ndirfd, nname, flags));
}

int sys_unlinkat(int dirfd, const char *name, int flags)
{
	RET(unlinkat(dirfd, name, flags));
}

int sys_renameat2(int odirfd, const char *oname, int ndirfd,
		  const char *nname, unsigned int flags)
{
	RET(renameat2(odirfd, oname, ndirfd, nname, flags));
}

int sys_fchown(int fd, uid_t uid, gid_t gid)
{
	RET(fchown(fd, uid, gid));
}

int sys_fchownat(int dirfd, const char *name, uid_t uid, gid_t gid, int flags)
{
	RET(fchownat(dirfd, name, uid, gid, flags));
}

int sys_fchmod(int fd, mode_t mode)
{
	RET(fchmod(fd, mode));
}

int sys_futimens(int fd, const struct timespec ts[2])
{
	RET(futimens(fd, ts));
}

int sys_utimensat(int dirfd, const char *name, const struct timespec ts[2],
		  int flags)
{
	RET(utimensat(dirfd, name, ts, flags));
}

ssize_t sys_getdents64(int fd, void *buf, size_t len)
{
	RETVAL(ssize_t, getdents64(fd, buf, len));
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	ssize_t r;

	do
		r = read(fd, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	ssize_t r;

	do
		r = write(fd, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t sys_pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, len, off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t sys_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t r;

	do
		r = pwrite(fd, buf, len, off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

off_t sys_lseek(int fd, off_t off, int whence)
{
	RETVAL(off_t, lseek(fd, off, whence));
}

int sys_ftruncate(int fd, off_t len)
{
	RET(ftruncate(fd, len));
}

int sys_ficlone(int dstfd, int srcfd)
{
	RET(ioctl(dstfd, FICLONE, srcfd));
}

ssize_t sys_copy_file_range(int infd, off_t *inoff, int outfd, off_t *outoff,
			    size_t len)
{
	ssize_t r;

	do
		r = copy_file_range(infd, inoff, outfd, outoff, len, 0);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

ssize_t sys_flistxattr(int fd, char *list, size_t len)
{
	RETVAL(ssize_t, flistxattr(fd, list, len));
}

ssize_t sys_fgetxattr(int fd, const char *key, void *val, size_t len)
{
	RETVAL(ssize_t, fgetxattr(fd, key, val, len));
}

int sys_fsetxattr(int fd, const char *key, const void *val, size_t len,
		  int flags)
{
	RET(fsetxattr(fd, key, val, len, flags));
}

ssize_t sys_listxattrat(int dirfd, const char *name, int at_flags, char *list,
			size_t len)
{
	RETVAL(long, syscall(SYS_listxattrat, dirfd, name, at_flags, list, len));
}

ssize_t sys_getxattrat(int dirfd, const char *name, int at_flags,
		       const char *key, void *val, size_t len)
{
	struct xattr_args_v0 args = {
		.value = (uintptr_t)val,
		.size = (uint32_t)len,
	};

	RETVAL(long, syscall(SYS_getxattrat, dirfd, name, at_flags, key, &args,
			     sizeof(args)));
}

int sys_setxattrat(int dirfd, const char *name, int at_flags, const char *key,
		   const void *val, size_t len, int flags)
{
	struct xattr_args_v0 args = {
		.value = (uintptr_t)val,
		.size = (uint32_t)len,
		.flags = (uint32_t)flags,
	};

	RET(syscall(SYS_setxattrat, dirfd, name, at_flags, key, &args,
		    sizeof(args)));
}

int sys_fchmodat_nofollow(int dirfd, const char *name, mode_t mode)
{
	long r = syscall(SYS_fchmodat2, dirfd, name, mode, AT_SYMLINK_NOFOLLOW);

	/* Before Linux 6.6 there is no fchmodat2: the plain call follows a
	 * final symlink, which the callers exclude by checking the type
	 * through their own fd first. */
	if (r < 0 && errno == ENOSYS)
		r = fchmodat(dirfd, name, mode, 0);
	return r < 0 ? -errno : 0;
}
