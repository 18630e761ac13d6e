/* SPDX-License-Identifier: MIT */
/*
 * The one syscall seam.  Every wrapper returns a non-negative result or a
 * negative errno; nothing above this file reads errno.
 */
#ifndef STAGECP_SYS_H
#define STAGECP_SYS_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <linux/openat2.h>

/* The flags every open of ours carries. */
#define SYS_O_BASE (O_CLOEXEC | O_NOFOLLOW)
/* Source opens: never block on a FIFO, never take a terminal. */
#define SYS_O_SRC (SYS_O_BASE | O_RDONLY | O_NONBLOCK | O_NOCTTY)

int sys_openat(int dirfd, const char *name, int flags, mode_t mode);
int sys_openat2(int dirfd, const char *path, const struct open_how *how);
int sys_close(int fd);
/* The current directory, malloc'ed. */
int sys_getcwd(char **out);
/* A duplicate with FD_CLOEXEC set. */
int sys_dup(int fd);
int sys_fstat(int fd, struct stat *st);
int sys_fstatat(int dirfd, const char *name, struct stat *st, int flags);
int sys_fstatfs(int fd, struct statfs *st);
/* flock(2): LOCK_EX|LOCK_NB and LOCK_UN. */
int sys_flock(int fd, int op);
/*
 * What the copy reads of an entry: everything fstat() gives but ctime,
 * which is never copied and costs some filesystems extra work.
 */
#define SYS_STATX_MASK (STATX_BASIC_STATS & ~STATX_CTIME)
struct statx;
/* A struct stat from what statx() filled in of SYS_STATX_MASK. */
void sys_stat_from_statx(struct stat *st, const struct statx *stx);
/* statx() with SYS_STATX_MASK, as a struct stat. */
int sys_statx_stat(int dirfd, const char *name, int flags, struct stat *st);
/* The mount id, and whether the entry is the root of its mount. */
int sys_statx_mnt_id(int dirfd, const char *name, int flags, uint64_t *id,
		     bool *mount_root);
int sys_mkdirat(int dirfd, const char *name, mode_t mode);
int sys_mknodat(int dirfd, const char *name, mode_t mode, dev_t dev);
int sys_symlinkat(const char *target, int dirfd, const char *name);
ssize_t sys_readlinkat(int dirfd, const char *name, char *buf, size_t len);
int sys_linkat(int odirfd, const char *oname, int ndirfd, const char *nname,
	       int flags);
int sys_unlinkat(int dirfd, const char *name, int flags);
int sys_renameat2(int odirfd, const char *oname, int ndirfd,
		  const char *nname, unsigned int flags);
int sys_fchown(int fd, uid_t uid, gid_t gid);
int sys_fchownat(int dirfd, const char *name, uid_t uid, gid_t gid, int flags);
int sys_fchmod(int fd, mode_t mode);
int sys_futimens(int fd, const struct timespec ts[2]);
int sys_utimensat(int dirfd, const char *name, const struct timespec ts[2],
		  int flags);
ssize_t sys_getdents64(int fd, void *buf, size_t len);

ssize_t sys_read(int fd, void *buf, size_t len);
ssize_t sys_write(int fd, const void *buf, size_t len);
ssize_t sys_pread(int fd, void *buf, size_t len, off_t off);
ssize_t sys_pwrite(int fd, const void *buf, size_t len, off_t off);
off_t sys_lseek(int fd, off_t off, int whence);
int sys_ftruncate(int fd, off_t len);
int sys_ficlone(int dstfd, int srcfd);
ssize_t sys_copy_file_range(int infd, off_t *inoff, int outfd, off_t *outoff,
			    size_t len);

/* Extended attributes through an open fd (files, directories). */
ssize_t sys_flistxattr(int fd, char *list, size_t len);
ssize_t sys_fgetxattr(int fd, const char *key, void *val, size_t len);
int sys_fsetxattr(int fd, const char *key, const void *val, size_t len,
		  int flags);
/*
 * The same for a name under a directory fd (Linux 6.13 *xattrat calls);
 * at_flags takes AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH.  -ENOSYS where the
 * kernel lacks them.
 */
ssize_t sys_listxattrat(int dirfd, const char *name, int at_flags, char *list,
			size_t len);
ssize_t sys_getxattrat(int dirfd, const char *name, int at_flags,
		       const char *key, void *val, size_t len);
int sys_setxattrat(int dirfd, const char *name, int at_flags, const char *key,
		   const void *val, size_t len, int flags);
/* fchmodat2(2) with AT_SYMLINK_NOFOLLOW where the kernel has it. */
int sys_fchmodat_nofollow(int dirfd, const char *name, mode_t mode);

#endif
