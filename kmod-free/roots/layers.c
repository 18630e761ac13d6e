// SPDX-License-Identifier: MIT
/* Overlay layer stacks read without mounting them: see layers.h. */
#include "roots/layers.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "roots/resolve.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

#define O_DIR_READ (O_RDONLY | O_DIRECTORY | SYS_O_BASE)

/* "trusted.overlay.<what>", or "user.overlay.<what>" with userxattr. */
static const char *ovl_key(const struct layers *l, const char *what,
			   char *buf, size_t len)
{
	snprintf(buf, len, "%s.overlay.%s", l->user ? "user" : "trusted",
		 what);
	return buf;
}

/* The value of an overlay xattr of an fd: its first byte, or 0. */
static char ovl_xattr(const struct layers *l, int fd, const char *what)
{
	char key[64], val[8];
	ssize_t n = sys_fgetxattr(fd, ovl_key(l, what, key, sizeof(key)), val,
				  sizeof(val));

	if (n == -ERANGE)
		return '?';	/* a value we do not know: present */
	return n > 0 ? val[0] : n == 0 ? '-' : 0;
}

void layer_dir_close(struct layer_dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		sys_close(d->fd[i]);
	free(d->fd);
	free(d->layer);
	d->fd = NULL;
	d->layer = NULL;
	d->n = 0;
}

static int layer_dir_push(struct layer_dir *d, int fd, size_t layer)
{
	int *v = realloc(d->fd, (d->n + 1) * sizeof(*v));
	size_t *k;

	if (!v)
		return -ENOMEM;
	d->fd = v;
	k = realloc(d->layer, (d->n + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	d->layer = k;
	d->fd[d->n] = fd;
	d->layer[d->n++] = layer;
	return 0;
}

/* A redirect points elsewhere in the stack: stagecp does not follow it. */
static int refuse_redirect(struct resolver *rv, const struct layers *l,
			   int fd, const char *path)
{
	if (!ovl_xattr(l, fd, "redirect"))
		return 0;
	/* The caller reads it through the mount instead. */
	if (l->mount_fd >= 0)
		return -EOPNOTSUPP;
	report_errmsg(rv->rep, path, "read layers", -EOPNOTSUPP,
		      "a layer uses redirect_dir, which stagecp does not "
		      "model; copy through the mounted overlay with "
		      "--from=MERGED", false);
	return -EOPNOTSUPP;
}

/* Add the layer directory fd, and say whether the merge stops below it. */
static int add_layer(struct resolver *rv, const struct layers *l,
		     struct layer_dir *out, int fd, size_t layer,
		     const char *path, bool *opaque)
{
	int r = refuse_redirect(rv, l, fd, path);

	if (r == 0)
		r = layer_dir_push(out, fd, layer);
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	*opaque = ovl_xattr(l, fd, "opaque") == 'y';
	return 0;
}

int layers_open(struct resolver *rv, struct layers *l,
		const char *const *paths, size_t n, bool user)
{
	bool opaque = false;
	int r = 0;

	memset(l, 0, sizeof(*l));
	l->user = user;
	l->mount_fd = -1;
	if (n == 0 || n > LAYERS_MAX) {
		report_msg(rv->rep, "--from-layers", "read layers",
			   "expected from 1 to 500 layer directories", false);
		return -EINVAL;
	}
	l->paths = calloc(n + 1, sizeof(*l->paths));
	if (!l->paths)
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < n; i++) {
		int fd;

		l->paths[i] = strdup(paths[i]);
		if (!l->paths[i])
			return -ENOMEM;
		/* A layer root is named by the user: it may be a symlink. */
		fd = sys_openat(AT_FDCWD, paths[i],
				O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
		if (fd < 0) {
			report(rv->rep, paths[i], "open layer", fd, false);
			return fd;
		}
		/* Layers below an opaque root are still checked to exist,
		 * but take no part in the view. */
		if (opaque)
			sys_close(fd);
		else
			r = add_layer(rv, l, &l->root, fd, i, paths[i],
				      &opaque);
	}
	return r;
}

void layers_close(struct layers *l)
{
	if (l->mount_fd >= 0 && l->root.n)
		sys_close(l->mount_fd);
	l->mount_fd = -1;
	layer_dir_close(&l->root);
	for (size_t i = 0; l->paths && l->paths[i]; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
}

/*
 * Whether dirfd/name, of d_type type, is a whiteout.  xwhiteouts: the
 * directory is marked as holding xattr whiteouts (opaque "x").
 */
static bool is_whiteout(const struct layers *l, int dirfd, const char *name,
			unsigned char type, bool xwhiteouts)
{
	struct stat st;
	char key[64];
	bool yes;
	int fd;

	if (type != DT_CHR && type != DT_UNKNOWN &&
	    !(type == DT_REG && xwhiteouts))
		return false;
	if (sys_fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	if (S_ISCHR(st.st_mode))
		return st.st_rdev == makedev(0, 0);
	if (!S_ISREG(st.st_mode) || st.st_size != 0 || !xwhiteouts)
		return false;
	fd = sys_openat(dirfd, name, SYS_O_SRC, 0);
	if (fd < 0)
		return false;
	yes = sys_fgetxattr(fd, ovl_key(l, "whiteout", key, sizeof(key)),
			    NULL, 0) >= 0;
	sys_close(fd);
	return yes;
}

int layers_list(struct resolver *rv, const struct layers *l,
		const struct layer_dir *d, struct dir_names *out,
		const char *path)
{
	struct dir_names all = { 0 };
	bool *xwh = calloc(d->n ? d->n : 1, sizeof(*xwh));
	int r = xwh ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < d->n; i++) {
		xwh[i] = ovl_xattr(l, d->fd[i], "opaque") == 'x';
		r = dir_names_append(&all, d->fd[i], (unsigned char)i);
	}
	if (r == 0)
		r = dir_names_sort(&all);
	/* Sorted by name, then layer: the first of each name is on top. */
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		const char *e = all.v[i];
		const char *name = dir_names_name(e);
		unsigned char k = dir_names_layer(e);

		if (i > 0 && !strcmp(name, dir_names_name(all.v[i - 1])))
			continue;
		if (is_whiteout(l, d->fd[k], name, dir_names_type(e), xwh[k]))
			continue;
		r = dir_names_add(out, dir_names_type(e), k, name);
	}
	if (r == 0)
		r = dir_names_sort(out);
	if (r < 0)
		report(rv->rep, path, "read directory", r, false);
	dir_names_free(&all);
	free(xwh);
	return r;
}

int layers_open_dir(struct resolver *rv, const struct layers *l,
		    const struct layer_dir *d, size_t top, const char *name,
		    struct layer_dir *out, const char *path)
{
	bool opaque = false;
	int r = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = top; r == 0 && !opaque && i < d->n; i++) {
		struct stat st;
		int fd;

		if (i > top) {
			/* Below: a directory merges, anything else ends it. */
			r = sys_fstatat(d->fd[i], name, &st,
					AT_SYMLINK_NOFOLLOW);
			if (r == -ENOENT) {
				r = 0;
				continue;
			}
			if (r < 0 || !S_ISDIR(st.st_mode))
				break;
		}
		fd = sys_openat(d->fd[i], name, O_DIR_READ, 0);
		if (fd < 0) {
			r = i == top ? fd : 0;
			break;
		}
		r = add_layer(rv, l, out, fd, d->layer[i], path, &opaque);
	}
	if (r == -ELOOP)
		r = -ENOTDIR;
	if (r < 0 || out->n == 0) {
		layer_dir_close(out);
		return r < 0 ? r : -ENOENT;
	}
	return 0;
}

int layers_set_opaque(const struct layers *l, int fd)
{
	char key[64];

	return sys_fsetxattr(fd, ovl_key(l, "opaque", key, sizeof(key)), "y",
			     1, 0);
}

int layer_dir_single(struct layer_dir *d, int fd)
{
	int r;

	memset(d, 0, sizeof(*d));
	r = layer_dir_push(d, fd, 0);
	if (r < 0) {
		sys_close(fd);
		layer_dir_close(d);
	}
	return r;
}

int layers_open_in_mount(struct resolver *rv, const struct layers *l,
			 const char *path, int flags)
{
	char *res;
	int r;

	if (l->mount_fd < 0)
		return -EOPNOTSUPP;
	r = resolve_root_path(rv, l->mount_fd, path, true, &res);
	if (r < 0)
		return r;
	r = resolve_open(rv, l->mount_fd, res, flags);
	free(res);
	return r;
}

/*
 * What the layers cannot show, resolved through the mount: the entry is
 * then a directory of the mount, or a name in one.
 */
static int resolve_in_mount(struct resolver *rv, const struct layers *l,
			    const char *path, struct layer_entry *e)
{
	char *clean = path_clean(path), *dir;
	int fd, r;

	if (!clean)
		return -ENOMEM;
	fd = layers_open_in_mount(rv, l, clean, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		e->is_dir = true;
		r = layer_dir_single(&e->dir, fd);
		goto free_clean;
	}
	dir = path_dir(clean);
	fd = dir ? layers_open_in_mount(rv, l, dir, O_RDONLY | O_DIRECTORY)
		 : -ENOMEM;
	free(dir);
	r = fd < 0 ? fd : 0;
	if (r == 0) {
		e->is_dir = false;
		e->dirfd = fd;
		snprintf(e->name, sizeof(e->name), "%s", path_base(clean));
	}
free_clean:
	free(clean);
	return r;
}

bool layers_is_metacopy(const struct layers *l, int fd)
{
	return ovl_xattr(l, fd, "metacopy") != 0;
}

void layer_entry_close(struct layer_entry *e)
{
	if (e->is_dir)
		layer_dir_close(&e->dir);
	else if (e->dirfd >= 0)
		sys_close(e->dirfd);
	e->dirfd = -1;
}

static int dup_dir(const struct layer_dir *in, struct layer_dir *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < in->n; i++) {
		int fd = sys_dup(in->fd[i]), r;

		r = fd < 0 ? fd : layer_dir_push(out, fd, in->layer[i]);
		if (r < 0) {
			if (fd >= 0)
				sys_close(fd);
			layer_dir_close(out);
			return r;
		}
	}
	return 0;
}

int layers_lookup(const struct layers *l, const struct layer_dir *d,
		  const char *name, struct stat *st)
{
	for (size_t i = 0; i < d->n; i++) {
		bool xwh;
		int r = sys_fstatat(d->fd[i], name, st, AT_SYMLINK_NOFOLLOW);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		xwh = ovl_xattr(l, d->fd[i], "opaque") == 'x';
		if (is_whiteout(l, d->fd[i], name,
				S_ISCHR(st->st_mode) ? DT_CHR : DT_REG, xwh))
			return -ENOENT;
		return (int)i;
	}
	return -ENOENT;
}

/* The target of the symlink dirfd/name, one more hop of a resolution. */
static int read_link_hop(int dirfd, const char *name, char target[PATH_MAX],
			 int *hops)
{
	ssize_t n = sys_readlinkat(dirfd, name, target, PATH_MAX);

	if (n < 0)
		return (int)n;
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	target[n] = '\0';
	return ++*hops > RESOLVE_MAX_HOPS ? -ELOOP : 0;
}

int layers_resolve(struct resolver *rv, const struct layers *l,
		   const char *path, bool follow_last, struct layer_entry *e)
{
	char *cur = path_clean(path), *next;
	char target[PATH_MAX];
	int hops = 0, r;

	memset(e, 0, sizeof(*e));
	e->dirfd = -1;
	if (!cur)
		return -ENOMEM;
restart:
	e->is_dir = true;
	r = dup_dir(&l->root, &e->dir);
	for (char *p = cur + 1, *slash; r == 0 && *p; p = slash + 1) {
		struct layer_dir child;
		struct stat st;
		bool last;
		int k;

		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		last = !slash;
		if (strlen(p) > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		k = layers_lookup(l, &e->dir, p, &st);
		if (k < 0) {
			r = k;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			r = layers_open_dir(rv, l, &e->dir, (size_t)k, p,
					    &child, cur);
			layer_dir_close(&e->dir);
			e->dir = child;
		} else if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
			r = read_link_hop(e->dir.fd[k], p, target, &hops);
			if (r < 0)
				break;
			/* The link's directory, then its target, then the
			 * rest: cleaned, ".." stops at the merged root. */
			if (slash)
				*slash = '/';
			p[-1] = '\0';
			next = target[0] == '/'
				       ? path_join_clean(target,
							 slash ? slash + 1 : "")
				       : NULL;
			if (target[0] != '/') {
				char *dir = path_join_clean(cur, target);

				next = dir ? path_join_clean(
						     dir, slash ? slash + 1 : "")
					   : NULL;
				free(dir);
			}
			free(cur);
			cur = next;
			layer_dir_close(&e->dir);
			if (!cur)
				return -ENOMEM;
			goto restart;
		} else if (last) {
			int fd = sys_dup(e->dir.fd[k]);

			if (fd < 0) {
				r = fd;
				break;
			}
			layer_dir_close(&e->dir);
			e->is_dir = false;
			e->dirfd = fd;
			snprintf(e->name, sizeof(e->name), "%s", p);
		} else {
			r = -ENOTDIR;
		}
		if (!slash)
			break;
	}
	free(cur);
	if (r < 0)
		layer_entry_close(e);
	if (r == -EOPNOTSUPP && l->mount_fd >= 0)
		r = resolve_in_mount(rv, l, path, e);
	return r;
}

int layers_resolve_path(struct resolver *rv, const struct layers *l,
			const char *path, bool follow_last, char **out)
{
	char *cur = path_clean(path), *done = NULL, *next;
	char target[PATH_MAX];
	struct layer_dir d = { 0 };
	int hops = 0, r;

	if (!cur)
		return -ENOMEM;
restart:
	free(done);
	done = strdup("/");
	r = done ? dup_dir(&l->root, &d) : -ENOMEM;
	for (char *p = cur + 1, *slash; r == 0 && *p; p = slash + 1) {
		struct layer_dir child;
		struct stat st;
		int k;

		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		k = d.n ? layers_lookup(l, &d, p, &st) : -ENOENT;
		if (k >= 0 && S_ISLNK(st.st_mode) && (slash || follow_last)) {
			r = read_link_hop(d.fd[k], p, target, &hops);
			if (r < 0)
				break;
			next = path_join_clean(target[0] == '/' ? "/" : done,
					       target);
			if (next && slash) {
				char *rest = path_join_clean(next, slash + 1);

				free(next);
				next = rest;
			}
			free(cur);
			cur = next;
			layer_dir_close(&d);
			if (!cur)
				r = -ENOMEM;
			if (r == 0)
				goto restart;
			break;
		}
		next = path_join_clean(done, p);
		free(done);
		done = next;
		if (!done) {
			r = -ENOMEM;
			break;
		}
		/* Missing, or not a directory: the rest is kept as written. */
		if (k >= 0 && S_ISDIR(st.st_mode)) {
			r = layers_open_dir(rv, l, &d, (size_t)k, p, &child,
					    done);
			layer_dir_close(&d);
			d = child;
		} else {
			layer_dir_close(&d);
		}
		if (!slash)
			break;
		*slash = '/';
	}
	layer_dir_close(&d);
	free(cur);
	if (r < 0) {
		free(done);
		return r;
	}
	*out = done;
	return 0;
}
