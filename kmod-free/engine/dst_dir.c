// SPDX-License-Identifier: MIT
/* A destination directory: see dst_dir.h. */
#include "engine/dst_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "seam/dirnames.h"
#include "seam/sys.h"


/* The pid in a name staged_name() made, or 0 when it is not one. */
static pid_t staged_pid(const char *name)
{
	const char *p = name + strlen(STAGED_PREFIX);
	size_t digits = strspn(p, "0123456789");
	long pid;

	if (strncmp(name, STAGED_PREFIX, strlen(STAGED_PREFIX)) ||
	    digits == 0 || digits > 10 || p[digits] != '.' ||
	    p[digits + 1] == '\0' ||
	    strspn(p + digits + 1, "0123456789") != strlen(p + digits + 1))
		return 0;
	pid = strtol(p, NULL, 10);
	return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

/*
 * --atomic where a file cannot be written unnamed leaves it under a hidden
 * name while it is written, and a run killed by SIGKILL leaves that name
 * behind.  Remove such leftovers from a directory this run writes: a name
 * staged_name() makes, a regular file with no other link, owned by the
 * user this run creates files as, named after a pid that is not running.
 * A file anything else made fails one of these, and stays.
 */
static void sweep_staged(struct stagecp_ctx *c, int fd, const char *path)
{
	struct dir_names names = { 0 };
	int dfd = sys_openat(fd, ".", O_RDONLY | O_DIRECTORY | SYS_O_BASE, 0);

	if (dfd < 0 || dir_names_read(&names, dfd) < 0)
		goto close_dir;
	for (size_t i = 0; i < names.n; i++) {
		const char *name = dir_names_name(names.v[i]);
		pid_t pid = staged_pid(name);
		struct stat st;

		if (!pid || pid == c->pid || sys_kill(pid, 0) != -ESRCH ||
		    sys_fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != c->euid ||
		    st.st_nlink != 1)
			continue;
		if (sys_unlinkat(dfd, name, 0) == 0) {
			char msg[96];

			snprintf(msg, sizeof(msg), "removed %s, left by a "
				 "killed copy", name);
			report_msg(&c->rep, path, "--atomic", msg, true);
		}
	}
close_dir:
	dir_names_free(&names);
	if (dfd >= 0)
		sys_close(dfd);
}

int dst_dir_init(struct stagecp_ctx *c, struct dst_dir *d, int fd,
		 const char *path)
{
	struct stat st;
	int r = sys_fstat(fd, &st);

	if (r < 0) {
		report(&c->rep, path, "stat", r, false);
		return r;
	}
	d->fd = fd;
	d->dev = st.st_dev;
	/* A setgid directory hands its group to new entries. */
	d->child_gid = st.st_mode & S_ISGID ? st.st_gid : c->egid;
	if (c->opt.flags & STAGECP_F_ATOMIC)
		sweep_staged(c, fd, path);
	return 0;
}
