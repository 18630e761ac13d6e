// SPDX-License-Identifier: MIT
/*
 * A destination given as an unmounted snapshot (--to-layers=UPPER:LOWER...):
 * paths are resolved against the merged view of the stack, and only UPPER
 * is written.  A directory that exists only in a lower layer is copied up
 * into UPPER (with its metadata) before anything goes into it, as overlayfs
 * does on the first write; a directory made where UPPER holds a whiteout is
 * made opaque, so the lower entry it hid stays hidden.
 */
#include "engine/dstlayers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/meta.h"
#include "engine/xattr.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

#define O_DIR_READ (O_RDONLY | O_DIRECTORY | SYS_O_BASE)

/* The upper layer is the stack's first. */
static bool in_upper(const struct layer_dir *d, size_t i)
{
	return d->layer[i] == 0;
}

/*
 * Copy up: the new upper directory fd takes the owner, mode, xattrs and
 * times of the lower one it covers, whatever --chown or --chmod say.
 */
static int copy_up_meta(struct stagecp_ctx *c, int lower, int fd,
			const char *path)
{
	struct node src = { .fd = lower, .dirfd = -1 };
	struct node dst = { .fd = fd, .dirfd = -1 };
	struct stat st;
	bool has_cap;
	int r = sys_fstat(lower, &st);

	if (r == 0)
		r = sys_fchown(fd, st.st_uid, st.st_gid);
	if (r == 0)
		r = sys_fchmod(fd, st.st_mode & 07777);
	if (r == 0)
		xattr_copy(c, &src, &dst, path, &has_cap);
	if (r == 0)
		r = meta_apply_times(c, &st, &dst, path);
	if (r < 0)
		report(&c->rep, path, "copy up", r, false);
	return r;
}

static void restore_times(int fd, const struct stat *st)
{
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };

	sys_futimens(fd, ts);
}

/*
 * Make dir/name in the upper layer, where the merged view m shows a lower
 * directory (k its index), nothing (k < 0), or a whiteout in the upper.
 */
static int make_upper_dir(struct stagecp_ctx *c, int dir,
			  const struct layer_dir *m, int k, const char *name,
			  const struct mkdir_attr *attr, const char *path)
{
	struct stat st;
	bool over_whiteout = false;
	int fd, r;

	/* Only a whiteout can stand in the upper where the view is empty. */
	if (k < 0 && sys_fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		r = sys_unlinkat(dir, name, 0);
		if (r < 0)
			return r;
		over_whiteout = true;
	}
	r = sys_mkdirat(dir, name, 0700);
	if (r < 0)
		return r;
	fd = sys_openat(dir, name, O_DIR_READ, 0);
	if (fd < 0)
		return fd;
	if (k >= 0) {
		/* The lower directory this one covers, in its own layer. */
		int lower = sys_openat(m->fd[k], name, O_DIR_READ, 0);

		r = lower < 0 ? lower : copy_up_meta(c, lower, fd, path);
		if (lower >= 0)
			sys_close(lower);
	} else {
		r = sys_fchmod(fd, attr->mode);
		if (r == 0 && attr->chown)
			r = sys_fchown(fd, attr->uid, attr->gid);
		if (r == 0 && over_whiteout)
			r = layers_set_opaque(&c->dst_layers, fd);
	}
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

int dstl_mkdirs(struct stagecp_ctx *c, const char *clean,
		const struct mkdir_attr *attr, char **failed,
		struct layer_dir *merged)
{
	struct layer_dir m = { 0 };
	struct pathbuf done = { 0 };
	const char *p = clean;
	struct stat up;		/* a copied-up directory's lower times */
	bool copied = false;
	size_t old;
	int fd, r;

	r = layers_open_dir(&c->res, &c->dst_layers, &c->dst_layers.root, 0, ".",
			    &m, "/");
	fd = r < 0 ? r : sys_openat(c->to_fd, ".", O_DIR_READ, 0);
	if (fd >= 0)
		r = pathbuf_set(&done, "/");
	while (fd >= 0 && r == 0 && *p) {
		const char *e = strchrnul(p + strspn(p, "/"), '/');
		char name[NAME_MAX + 1];
		struct layer_dir child;
		struct stat st;
		int k, nfd;

		p += strspn(p, "/");
		if (!*p)
			break;
		if ((size_t)(e - p) > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		memcpy(name, p, (size_t)(e - p));
		name[e - p] = '\0';
		p = e;
		r = pathbuf_push(&done, name, &old);
		if (r < 0)
			break;
		k = layers_lookup(&c->dst_layers, &m, name, &st);
		if (k >= 0 && !S_ISDIR(st.st_mode)) {
			r = -ENOTDIR;
			break;
		}
		if (k >= 0 && in_upper(&m, (size_t)k)) {
			nfd = sys_openat(fd, name, O_DIR_READ, 0);
		} else {
			nfd = make_upper_dir(c, fd, &m, k, name, attr, done.s);
			/* A copy-up keeps the lower's times, as overlayfs
			 * does: making its child must not change them. */
			if (nfd >= 0 && copied)
				restore_times(fd, &up);
		}
		if (nfd < 0) {
			r = nfd;
			break;
		}
		sys_close(fd);
		fd = nfd;
		copied = k >= 0 && !in_upper(&m, (size_t)k) &&
			 sys_fstat(fd, &up) == 0;
		/* Now in the upper: the merged directory from there down. */
		k = layers_lookup(&c->dst_layers, &m, name, &st);
		r = k < 0 ? k : layers_open_dir(&c->res, &c->dst_layers, &m,
						(size_t)k, name, &child,
						done.s);
		layer_dir_close(&m);
		m = child;
	}
	if (r < 0 && fd >= 0) {
		sys_close(fd);
		fd = r;
	}
	if (fd < 0) {
		if (failed)
			*failed = strdup(done.s ? done.s : clean);
		layer_dir_close(&m);
	} else {
		*merged = m;
	}
	pathbuf_free(&done);
	return fd;
}

int dstl_check(struct stagecp_ctx *c, const struct dst_dir *d,
	       const char *name, bool is_dir, const char *dpath)
{
	struct stat st;
	int k;

	if (!d->merged || c->link)
		return 0;
	k = layers_lookup(&c->dst_layers, d->merged, name, &st);
	/* Nothing there, or the upper's own: the usual rules apply. */
	if (k < 0 || in_upper(d->merged, (size_t)k) ||
	    is_dir == !!S_ISDIR(st.st_mode))
		return 0;
	return report_type_clash(&c->rep, dpath, "copy", is_dir,
				 is_dir ? -ENOTDIR : -EISDIR);
}

int dstl_whiteout_to_dir(struct stagecp_ctx *c, const struct dst_dir *d,
			 const char *name)
{
	struct stat st;
	int fd, r;

	if (!d->merged)
		return -EEXIST;
	/* A name the merged view hides, standing in the upper: a whiteout. */
	if (layers_lookup(&c->dst_layers, d->merged, name, &st) != -ENOENT)
		return -EEXIST;
	r = sys_unlinkat(d->fd, name, 0);
	if (r == 0)
		r = sys_mkdirat(d->fd, name, 0700);
	if (r < 0)
		return r;
	fd = sys_openat(d->fd, name, O_DIR_READ, 0);
	if (fd < 0)
		return fd;
	r = layers_set_opaque(&c->dst_layers, fd);
	sys_close(fd);
	return r;
}

int dstl_child(struct stagecp_ctx *c, const struct dst_dir *parent,
	       const char *name, const char *dpath, struct layer_dir *out)
{
	struct stat st;
	int k;

	memset(out, 0, sizeof(*out));
	if (!parent->merged)
		return 0;
	k = layers_lookup(&c->dst_layers, parent->merged, name, &st);
	if (k < 0)
		return k;
	return layers_open_dir(&c->res, &c->dst_layers, parent->merged, (size_t)k,
			       name, out, dpath);
}
