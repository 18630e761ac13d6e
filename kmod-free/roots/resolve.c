// SPDX-License-Identifier: MIT
/* Paths inside a stage root: see resolve.h. */
#include "roots/resolve.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "seam/flag.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

/* openat2 answers EAGAIN when a rename raced the lookup: retry a while. */
#define RESOLVE_EAGAIN_TRIES 128

#define O_DIR_PATH (O_PATH | O_DIRECTORY | SYS_O_BASE)

/* Split off the first component of *p (no leading slashes) into name. */
static bool next_component(const char **p, char *name)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == '/')
		s++;
	if (!*s)
		return false;
	e = strchr(s, '/');
	n = e ? (size_t)(e - s) : strlen(s);
	*p = s + n;
	if (n > NAME_MAX)
		n = NAME_MAX + 1;	/* too long: the open says ENAMETOOLONG */
	memcpy(name, s, n);
	name[n] = '\0';
	return true;
}

int resolve_root_path(struct resolver *rv, int rootfd, const char *path,
		      bool follow_last, char **out)
{
	char name[NAME_MAX + 2];
	char target[PATH_MAX];
	char *cur = path_clean(path);
	struct pathbuf done = { 0 };
	int hops = 0, r = 0, fd = -1;

	if (!cur)
		return -ENOMEM;
restart:
	if (fd >= 0)
		sys_close(fd);
	fd = sys_openat(rootfd, ".", O_DIR_PATH, 0);
	if (fd < 0) {
		r = fd;
		goto free_cur;
	}
	r = pathbuf_set(&done, "/");
	if (r < 0)
		goto close_fd;
	for (const char *p = cur, *start = cur; next_component(&p, name);
	     start = p) {
		bool last = *p == '\0' || strspn(p, "/") == strlen(p);
		struct stat st;
		size_t old;
		ssize_t n;
		int nfd;
		char *joined;

		nfd = sys_openat(fd, name, O_PATH | SYS_O_BASE, 0);
		if (nfd == -ENOENT || nfd == -ENOTDIR) {
			/* Missing: the rest is kept as written (cur is
			 * clean, so it is a run of plain names). */
			r = pathbuf_push(&done, start + strspn(start, "/"),
					 &old);
			if (r < 0)
				goto close_fd;
			break;
		}
		if (nfd < 0) {
			r = nfd;
			goto close_fd;
		}
		r = sys_fstat(nfd, &st);
		if (r < 0) {
			sys_close(nfd);
			goto close_fd;
		}
		if (!S_ISLNK(st.st_mode) || (last && !follow_last)) {
			sys_close(fd);
			fd = nfd;
			r = pathbuf_push(&done, name, &old);
			if (r < 0)
				goto close_fd;
			continue;
		}
		if (++hops > RESOLVE_MAX_HOPS) {
			sys_close(nfd);
			r = -ELOOP;
			goto close_fd;
		}
		n = sys_readlinkat(nfd, "", target, sizeof(target));
		sys_close(nfd);
		if (n < 0) {
			r = (int)n;
			goto close_fd;
		}
		if ((size_t)n >= sizeof(target)) {
			r = -ENAMETOOLONG;
			goto close_fd;
		}
		target[n] = '\0';
		/* Absolute targets start at the root, relative ones at the
		 * link's directory; ".." is clamped when re-cleaning. */
		joined = path_join_clean(target[0] == '/' ? "/" : done.s,
					 target);
		if (!joined) {
			r = -ENOMEM;
			goto close_fd;
		}
		if (*p) {
			char *rest = path_join_clean(joined, p);

			free(joined);
			joined = rest;
			if (!joined) {
				r = -ENOMEM;
				goto close_fd;
			}
		}
		free(cur);
		cur = joined;
		goto restart;
	}
	*out = done.s;
	done.s = NULL;
close_fd:
	sys_close(fd);
free_cur:
	free(cur);
	pathbuf_free(&done);
	return r;
}

/* The walk that stands in for openat2 where the kernel lacks it. */
static int open_by_components(int rootfd, const char *clean, int flags)
{
	char name[NAME_MAX + 2];
	const char *p = clean;
	int fd = sys_openat(rootfd, ".", O_DIR_PATH, 0);

	while (fd >= 0 && next_component(&p, name)) {
		bool last = strspn(p, "/") == strlen(p);
		int nfd = sys_openat(fd, name,
				     last ? flags | SYS_O_BASE : O_DIR_PATH,
				     0);

		sys_close(fd);
		fd = nfd;
	}
	if (fd >= 0 && (clean[0] == '\0' || !strcmp(clean, "/"))) {
		/* The root itself, opened with the caller's flags. */
		int nfd = sys_openat(fd, ".", (flags & ~O_NOFOLLOW) |
					      O_CLOEXEC, 0);

		sys_close(fd);
		fd = nfd;
	}
	return fd;
}

int resolve_open(struct resolver *rv, int rootfd, const char *clean,
		 int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | SYS_O_BASE),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = clean;
	int r = -EAGAIN;

	while (*rel == '/')
		rel++;
	if (!*rel) {
		rel = ".";
		how.flags &= ~(uint64_t)O_NOFOLLOW;
	}
	if (flag_get(&rv->no_openat2))
		return open_by_components(rootfd, clean, flags);
	for (int i = 0; i < RESOLVE_EAGAIN_TRIES && r == -EAGAIN; i++)
		r = sys_openat2(rootfd, rel, &how);
	if (r == -ENOSYS) {
		flag_set(&rv->no_openat2);
		return open_by_components(rootfd, clean, flags);
	}
	return r;
}

static int dir_attr_apply(int fd, const struct mkdir_attr *attr)
{
	int r = sys_fchmod(fd, attr->mode);

	if (r == 0 && attr->chown)
		r = sys_fchown(fd, attr->uid, attr->gid);
	return r;
}

/* Open the directory fd/name, making it when it is missing. */
static int mkdir_step(int fd, const char *name, const struct mkdir_attr *attr)
{
	const int flags = O_RDONLY | O_DIRECTORY | SYS_O_BASE;
	bool made = false;
	int nfd = sys_openat(fd, name, flags, 0), r;

	if (attr->replace && (nfd == -ENOTDIR || nfd == -ELOOP)) {
		/* A symlink or a file: --link puts a directory here. */
		r = sys_unlinkat(fd, name, 0);
		if (r < 0)
			return r;
		nfd = -ENOENT;
	}
	if (nfd == -ENOENT) {
		r = sys_mkdirat(fd, name, attr->mode);
		/* EEXIST: someone made it meanwhile; open theirs. */
		if (r < 0 && r != -EEXIST)
			return r;
		made = r == 0;
		nfd = sys_openat(fd, name, flags, 0);
	}
	/* A new directory's mode may have been cut by the umask. */
	if (nfd >= 0 && (made || attr->replace)) {
		r = dir_attr_apply(nfd, attr);
		if (r < 0) {
			sys_close(nfd);
			return r;
		}
	}
	/* A symlink that appeared here fails the open: never followed. */
	return nfd;
}

int resolve_mkdirs(struct resolver *rv, int rootfd, const char *clean,
		   const struct mkdir_attr *attr, char **failed)
{
	char name[NAME_MAX + 2];
	struct pathbuf done = { 0 };
	const char *p = clean;
	size_t old;
	int fd;

	/* Most destinations exist: one lookup settles it. */
	fd = attr->replace ? -ENOENT
			   : resolve_open(rv, rootfd, clean,
					  O_RDONLY | O_DIRECTORY);
	/* The walk below makes what is missing and names what is not a
	 * directory. */
	if (fd != -ENOENT && fd != -ENOTDIR)
		goto out;
	fd = pathbuf_set(&done, "/");
	if (fd == 0)
		fd = sys_openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				0);
	while (fd >= 0 && next_component(&p, name)) {
		int nfd = pathbuf_push(&done, name, &old);

		if (nfd == 0)
			nfd = mkdir_step(fd, name, attr);
		sys_close(fd);
		fd = nfd;
	}
out:
	if (fd < 0 && failed)
		*failed = strdup(done.s ? done.s : clean);
	pathbuf_free(&done);
	return fd;
}

int resolve_open_root(const char *path)
{
	/* The root itself is named by the user: it may be a symlink. */
	return sys_openat(AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}
