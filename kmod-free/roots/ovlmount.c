// SPDX-License-Identifier: MIT
/*
 * A source root that is a mounted overlay: find its layers in the mount
 * table, so the copy can read the layer files themselves (which clone)
 * instead of the overlay's (which do not, across mounts).
 */
#include "roots/ovlmount.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "seam/sys.h"

/* The mount table is text: a bound keeps a wrong one from hurting. */
#define MOUNTINFO_MAX (16u << 20)

static int read_mountinfo(char **text)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd = sys_openat(AT_FDCWD, "/proc/self/mountinfo",
			    O_RDONLY | O_CLOEXEC, 0);
	ssize_t n = 0;

	if (fd < 0)
		return fd;
	do {
		len += (size_t)n;
		if (cap - len < 4096) {
			char *nb = cap < MOUNTINFO_MAX ? realloc(buf, cap + 65536)
						       : NULL;

			if (!nb) {
				n = -ENOMEM;
				break;
			}
			buf = nb;
			cap += 65536;
		}
		n = sys_read(fd, buf + len, cap - len - 1);
	} while (n > 0);
	sys_close(fd);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

/* Undo mountinfo's octal escapes (\040 for a space, \072 for a colon). */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The field after " - " holding the super options, for mount id. */
static char *find_options(char *text, uint64_t mnt_id, char **root)
{
	char *lines = NULL;

	for (char *line = strtok_r(text, "\n", &lines); line;
	     line = strtok_r(NULL, "\n", &lines)) {
		char *sep = strstr(line, " - ");
		char *f[5];
		char *save = NULL;
		int i = 0;

		if (!sep || strtoull(line, NULL, 10) != mnt_id)
			continue;
		for (char *t = strtok_r(line, " ", &save); t && i < 5;
		     t = strtok_r(NULL, " ", &save))
			f[i++] = t;
		if (i < 5)
			return NULL;
		*root = f[3];
		/* " - fstype source options" */
		save = NULL;
		strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save);
		return strtok_r(NULL, " ", &save);
	}
	return NULL;
}

static void ovl_mount_drop_layers(struct ovl_mount *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->layers[i]);
	free(m->layers);
	m->layers = NULL;
	m->n = 0;
}

static int add_layers(struct ovl_mount *m, char *list)
{
	char *save = NULL;

	/* "::" separates data-only layers, which are not modelled. */
	if (strstr(list, "::"))
		return -EOPNOTSUPP;
	for (char *t = strtok_r(list, ":", &save); t;
	     t = strtok_r(NULL, ":", &save)) {
		char **v = realloc(m->layers, (m->n + 2) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->layers = v;
		unescape(t);
		m->layers[m->n] = strdup(t);
		if (!m->layers[m->n])
			return -ENOMEM;
		m->layers[++m->n] = NULL;
	}
	return 0;
}

/* Read the options; say in m->why when the layers cannot be used. */
static int parse_options(struct ovl_mount *m, char *opts)
{
	char *save = NULL, *upper = NULL, *lower = NULL;
	int r;

	for (char *o = strtok_r(opts, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "lowerdir=", 9))
			lower = o + 9;
		else if (!strncmp(o, "upperdir=", 9))
			upper = o + 9;
		else if (!strcmp(o, "userxattr"))
			m->user = true;
		else if (!strcmp(o, "metacopy=on"))
			m->why = "it is mounted with metacopy=on";
		else if (!strncmp(o, "datadir", 7))
			m->why = "it has data-only layers";
		else if (!strncmp(o, "lowerdir+", 9))
			m->why = "its layers are listed one by one";
	}
	/* A writable overlay's upper directory is its own while mounted. */
	if (upper)
		m->why = "it has an upper directory, which only the mount "
			 "may read consistently";
	if (!lower)
		m->why = "its lower layers are not listed";
	if (m->why)
		return 0;
	r = add_layers(m, lower);
	if (r == -EOPNOTSUPP) {
		m->why = "it has data-only layers";
		r = 0;
	}
	/* Layers of another mount namespace, or since removed. */
	for (size_t i = 0; r == 0 && !m->why && i < m->n; i++) {
		int fd = sys_openat(AT_FDCWD, m->layers[i],
				    O_PATH | O_DIRECTORY | O_CLOEXEC, 0);

		if (fd < 0)
			m->why = "its layers cannot be opened from here";
		else
			sys_close(fd);
	}
	if (m->why)
		ovl_mount_drop_layers(m);
	return r;
}

bool ovl_is_overlay(int fd)
{
	struct statfs sfs;

	return sys_fstatfs(fd, &sfs) == 0 &&
	       sfs.f_type == OVERLAYFS_SUPER_MAGIC;
}

int ovl_mount_read(int fd, struct ovl_mount *m)
{
	char *text = NULL, *opts, *root = NULL;
	bool mount_root;
	uint64_t id;
	int r;

	memset(m, 0, sizeof(*m));
	r = sys_statx_mnt_id(fd, "", AT_EMPTY_PATH, &id, &mount_root);
	if (r == 0 && !mount_root) {
		m->why = "the source is a directory inside it, not its root";
		return 0;
	}
	if (r == 0)
		r = read_mountinfo(&text);
	if (r < 0) {
		m->why = "its mount table entry cannot be read";
		return 0;
	}
	opts = find_options(text, id, &root);
	if (!opts)
		m->why = "it is not in the mount table";
	else if (strcmp(root, "/"))
		m->why = "the source is a bind mount of part of it";
	else
		r = parse_options(m, opts);
	free(text);
	return r;
}

/* The upperdir= of an overlay's super options, unescaped in place. */
static char *upper_of(char *opts)
{
	char *save = NULL;

	for (char *o = strtok_r(opts, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "upperdir=", 9)) {
			unescape(o + 9);
			return o + 9;
		}
	}
	return NULL;
}

bool ovl_upper_in_use(int fd)
{
	char *text = NULL, *lines = NULL, *upper;
	struct stat me, st;
	bool used = false;

	if (sys_fstat(fd, &me) < 0 || read_mountinfo(&text) < 0)
		return false;
	for (char *line = strtok_r(text, "\n", &lines); line && !used;
	     line = strtok_r(NULL, "\n", &lines)) {
		char *sep = strstr(line, " - overlay ");
		char *save = NULL, *opts;

		if (!sep)
			continue;
		strtok_r(sep + 3, " ", &save);		/* fstype */
		strtok_r(NULL, " ", &save);		/* source */
		opts = strtok_r(NULL, " ", &save);
		upper = opts ? upper_of(opts) : NULL;
		if (upper &&
		    sys_fstatat(AT_FDCWD, upper, &st, 0) == 0 &&
		    st.st_dev == me.st_dev && st.st_ino == me.st_ino)
			used = true;
	}
	free(text);
	return used;
}

void ovl_mount_free(struct ovl_mount *m)
{
	ovl_mount_drop_layers(m);
	memset(m, 0, sizeof(*m));
}
