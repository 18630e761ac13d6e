// SPDX-License-Identifier: MIT
/* Copying entries and whole trees by directory fd: see tree.h. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "dirnames.h"
#include "engine.h"
#include "filter.h"
#include "meta.h"
#include "pathbuf.h"
#include "remove.h"
#include "resolve.h"
#include "sys.h"

/* One directory being copied: the walker's stack frame. */
struct frame {
	struct src_ent src;
	struct dst_dir dst;
	struct meta_now dnow;	/* the destination dir before its metadata */
	bool top;		/* top of a directory copy: times only */
	/*
	 * Walked only for what the filter keeps below it: the destination
	 * directory is made when the first such entry is copied.
	 */
	bool pending;
	const char *name;	/* in the parent's names, for a pending dir */
	struct filter_state fstate;
	struct dir_names names;
	size_t next;
	size_t spath_old;	/* path lengths to restore when done */
	size_t dpath_old;
	size_t dpath_len;	/* the length of this directory's own path */
};

struct walk {
	struct stagecp_ctx *c;
	const struct filter *filter;	/* NULL: everything is copied */
	size_t rel_off;		/* where the filter's relative path starts */
	struct frame *stack;
	size_t depth;
	size_t cap;
	struct pathbuf spath;
	struct pathbuf dpath;
};

/*
 * Open a name of a source directory: the kernel refuses symlinks and mount
 * crossings itself, so what is opened is what the walk saw.
 */
static int open_beneath(struct stagecp_ctx *c, int dirfd, const char *name,
			int flags, dev_t dir_dev)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | SYS_O_BASE),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	struct stat st;
	int fd, r;

	if (!c->no_openat2) {
		fd = sys_openat2(dirfd, name, &how);
		if (fd != -ENOSYS)
			return fd;
		c->no_openat2 = true;
	}
	/* Without openat2 a different st_dev is the mount check we have. */
	fd = sys_openat(dirfd, name, flags | SYS_O_BASE, 0);
	if (fd < 0)
		return fd;
	r = sys_fstat(fd, &st);
	if (r == 0 && st.st_dev != dir_dev)
		r = -EXDEV;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

/* Look at one name of a source directory and open it if it has data. */
static int src_ent_open(struct walk *w, struct frame *f, unsigned char type,
			const char *name, struct src_ent *s)
{
	struct stagecp_ctx *c = w->c;
	int sfd = f->src.fd;
	struct stat st;
	int r;

	s->fd = -1;
	s->path = w->spath.s;
	s->x = (struct node){ .fd = -1, .dirfd = sfd, .name = name,
			      .at_flags = AT_SYMLINK_NOFOLLOW };
	/* getdents' d_type saves a stat for files and directories. */
	if (type != DT_REG && type != DT_DIR) {
		r = sys_fstatat(sfd, name, &s->st, AT_SYMLINK_NOFOLLOW);
		if (r < 0)
			return r;
		if (!S_ISREG(s->st.st_mode) && !S_ISDIR(s->st.st_mode))
			return 0;
		type = S_ISREG(s->st.st_mode) ? DT_REG : DT_DIR;
	}
	r = open_beneath(c, sfd, name,
			 type == DT_DIR ? O_RDONLY | O_DIRECTORY | O_NOCTTY
					: SYS_O_SRC, f->src.st.st_dev);
	if (r < 0)
		return r;
	s->fd = r;
	r = sys_fstat(s->fd, &st);
	if (r == 0 && (type == DT_REG) != !!S_ISREG(st.st_mode))
		r = -ESTALE;	/* replaced between readdir and open */
	if (r < 0) {
		sys_close(s->fd);
		s->fd = -1;
		return r;
	}
	s->st = st;
	s->x.fd = s->fd;
	return 0;
}

static int walk_push_dir(struct walk *w, struct src_ent *s, int dfd,
			 const struct meta_now *dnow, bool top,
			 const struct filter_state *fstate)
{
	struct frame *f;
	int r;

	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct frame *st = realloc(w->stack, cap * sizeof(*st));

		if (!st)
			return -ENOMEM;
		w->stack = st;
		w->cap = cap;
	}
	f = &w->stack[w->depth];
	memset(f, 0, sizeof(*f));
	f->src = *s;
	f->dnow = *dnow;
	f->top = top;
	f->pending = dfd < 0;
	f->fstate = *fstate;
	f->dpath_len = w->dpath.len;
	f->dst.fd = -1;
	r = f->pending ? 0 : dst_dir_init(w->c, &f->dst, dfd, w->dpath.s);
	if (r == 0) {
		r = dir_names_read(&f->names, s->fd);
		if (r < 0)
			report(w->c, w->spath.s, "read directory", r, false);
	}
	if (r < 0) {
		dir_names_free(&f->names);
		return r;
	}
	w->depth++;
	return 0;
}

/* All children are done: the directory's own metadata, then close it. */
static void walk_pop_dir(struct walk *w)
{
	struct frame *f = &w->stack[w->depth - 1];
	struct node dst = { .fd = f->dst.fd };

	if (f->pending)
		;	/* nothing below it was copied: it was never made */
	else if (f->top)
		meta_apply_times(w->c, &f->src.st, &dst, w->dpath.s);
	else
		meta_apply(w->c, &f->src.st, &f->src.x, &dst, &f->dnow,
			   w->dpath.s);
	if (f->dst.fd >= 0)
		sys_close(f->dst.fd);
	sys_close(f->src.fd);
	filter_state_free(&f->fstate);
	dir_names_free(&f->names);
	pathbuf_pop(&w->spath, f->spath_old);
	pathbuf_pop(&w->dpath, f->dpath_old);
	w->depth--;
}

/*
 * Make the destination directories of the pending frames, top down, before
 * the first entry below them is copied.  dpath holds the path of the entry
 * being copied: each frame's own path is a prefix of it.
 */
static int walk_materialize(struct walk *w)
{
	size_t i = w->depth;
	int r = 0;

	while (i > 0 && w->stack[i - 1].pending)
		i--;
	for (; r == 0 && i < w->depth; i++) {
		struct frame *f = &w->stack[i];
		char saved = w->dpath.s[f->dpath_len];
		int fd;

		w->dpath.s[f->dpath_len] = '\0';
		fd = entry_make_dir(w->c, &f->src, &w->stack[i - 1].dst,
				   f->name, w->dpath.s, &f->dnow);
		r = fd < 0 ? fd : dst_dir_init(w->c, &f->dst, fd, w->dpath.s);
		w->dpath.s[f->dpath_len] = saved;
		if (fd >= 0 && r < 0)
			sys_close(fd);
		f->pending = r < 0;
	}
	return r;
}

/* A directory entry: make its destination (or defer it) and push it. */
static int enter_dir(struct walk *w, struct src_ent *s,
		     const struct dst_dir *d, const char *name, bool pending,
		     const struct filter_state *fstate)
{
	struct meta_now now = { 0 };
	int r, dfd = -1;

	if (!pending) {
		dfd = entry_make_dir(w->c, s, d, name, w->dpath.s, &now);
		if (dfd < 0)
			return dfd;
	}
	r = walk_push_dir(w, s, dfd, &now, false, fstate);
	if (r < 0 && dfd >= 0)
		sys_close(dfd);
	if (r == 0)
		w->stack[w->depth - 1].name = name;
	return r;
}

/*
 * What the filter says of an entry.  The walk's relative path starts after
 * the copied source's own path.
 */
static enum filter_verdict walk_filter(struct walk *w, const struct frame *f,
				       unsigned char type, const char *name,
				       struct filter_state *fstate)
{
	struct stat st;
	bool is_dir = type == DT_DIR;

	if (!w->filter)
		return FILTER_COPY;
	if (type == DT_UNKNOWN &&
	    sys_fstatat(f->src.fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		is_dir = S_ISDIR(st.st_mode);
	return filter_check(w->filter, w->spath.s + w->rel_off, is_dir,
			    &f->fstate, fstate);
}

/* Copy the entry of the top frame at w->spath, w->dpath. */
static int walk_entry(struct walk *w, struct frame *f, unsigned char type,
		      const char *name, size_t sold, size_t dold)
{
	struct stagecp_ctx *c = w->c;
	struct filter_state fstate = { 0 };
	enum filter_verdict v = walk_filter(w, f, type, name, &fstate);
	struct src_ent s;
	int r;

	if (v == FILTER_SKIP)
		goto free_state;
	r = src_ent_open(w, f, type, name, &s);
	if (r == -ENOENT || r == -ESTALE) {
		/* Gone or replaced since readdir: skip it, never follow. */
		report(c, w->spath.s, "changed during the copy, skipped", r,
		       true);
		goto free_state;
	}
	if (r == -EXDEV) {
		report_msg(c, w->spath.s, "copy",
			   "mount point not crossed, skipped", true);
		goto free_state;
	}
	if (r < 0) {
		report(c, w->spath.s, "open", r, false);
		filter_state_free(&fstate);
		return r;
	}
	if (v == FILTER_TRAVERSE && !S_ISDIR(s.st.st_mode))
		goto close_src;	/* only directories are walked through */
	if (v == FILTER_COPY) {
		r = walk_materialize(w);
		if (r < 0)
			goto close_src;
		f = &w->stack[w->depth - 1];
	}
	if (S_ISDIR(s.st.st_mode)) {
		/* Both frames may move when the stack grows: keep a copy. */
		struct dst_dir d = f->dst;

		r = enter_dir(w, &s, &d, name, v == FILTER_TRAVERSE, &fstate);
		if (r == 0) {
			w->stack[w->depth - 1].spath_old = sold;
			w->stack[w->depth - 1].dpath_old = dold;
			return 1;	/* the paths and the state stay */
		}
		goto close_src;
	}
	r = entry_copy(c, &s, &f->dst, name, w->dpath.s);
close_src:
	if (s.fd >= 0)
		sys_close(s.fd);
	filter_state_free(&fstate);
	return r;
free_state:
	filter_state_free(&fstate);
	return 0;
}

/* Take the next name of the top frame; false when it has none left. */
static bool walk_step(struct walk *w, int *err)
{
	struct frame *f = &w->stack[w->depth - 1];
	const char *ent;
	size_t sold, dold;
	int r;

	if (f->next == f->names.n)
		return false;
	if (engine_cancelled(w->c)) {
		/* Stop here: the directories still open get their metadata
		 * as the stack unwinds, and nothing new is made. */
		f->next = f->names.n;
		return true;
	}
	ent = f->names.v[f->next++];
	if (pathbuf_push(&w->spath, dir_names_name(ent), &sold) < 0 ||
	    pathbuf_push(&w->dpath, dir_names_name(ent), &dold) < 0) {
		report(w->c, w->spath.s, "copy", -ENOMEM, false);
		*err = -ENOMEM;
		return true;
	}
	r = walk_entry(w, f, dir_names_type(ent), dir_names_name(ent), sold,
		       dold);
	if (r == 1)
		return true;
	if (r < 0 && !*err)
		*err = r;
	pathbuf_pop(&w->spath, sold);
	pathbuf_pop(&w->dpath, dold);
	return true;
}

static int walk_run(struct walk *w)
{
	int err = 0;

	while (w->depth) {
		if (!walk_step(w, &err))
			walk_pop_dir(w);
	}
	return err;
}

static void walk_free(struct walk *w)
{
	free(w->stack);
	pathbuf_free(&w->spath);
	pathbuf_free(&w->dpath);
}

static int walk_init(struct walk *w, struct stagecp_ctx *c,
		     const struct filter *filter, const char *spath,
		     const char *dpath)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->filter = filter;
	/* Relative paths skip the source's path and the slash after it. */
	w->rel_off = strlen(spath) + (strcmp(spath, "/") != 0);
	if (pathbuf_set(&w->spath, spath) < 0 ||
	    pathbuf_set(&w->dpath, dpath) < 0) {
		walk_free(w);
		return -ENOMEM;
	}
	return 0;
}

int tree_copy_contents(struct stagecp_ctx *c, struct src_ent *s,
		       const struct dst_dir *d, const char *dpath,
		       const struct filter *filter)
{
	struct meta_now unused = { 0 };
	struct filter_state top = { 0 };
	struct walk w;
	int r, dfd;

	r = walk_init(&w, c, filter, s->path, dpath);
	if (r < 0)
		return r;
	/* The walk closes what it is given: hand it its own fds. */
	dfd = sys_dup(d->fd);
	if (dfd < 0) {
		r = dfd;
		report(c, dpath, "dup", r, false);
		goto free_walk;
	}
	if (filter)
		filter_start(filter, &top);
	r = walk_push_dir(&w, s, dfd, &unused, true, &top);
	if (r < 0) {
		sys_close(dfd);
		goto free_walk;
	}
	s->fd = -1;		/* now owned by the walk */
	r = walk_run(&w);
free_walk:
	walk_free(&w);
	return r;
}
