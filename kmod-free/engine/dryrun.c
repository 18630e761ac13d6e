// SPDX-License-Identifier: MIT
/*
 * --dry-run: the walk of a copy that only looks.  The source is walked as
 * the copy would walk it (same filter, same order); the destination is
 * only opened for reading, where it exists, to tell what each entry would
 * do there.  Nothing is created, changed or removed.
 */
#include "engine/dryrun.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "engine/engine.h"
#include "engine/filter.h"
#include "seam/dirnames.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

/* One directory of the walk. */
struct dry_frame {
	int sfd;
	int dfd;		/* -1: the directory does not exist yet */
	bool pending;		/* not reported yet: only if something below */
	const char *name;	/* in the parent's names */
	struct filter_state fstate;
	struct dir_names names;
	size_t next;
	size_t spath_old;
	size_t dpath_old;
	size_t spath_len;	/* this directory's own paths */
	size_t dpath_len;
};

struct dry_walk {
	struct stagecp_ctx *c;
	const struct filter *filter;
	size_t rel_off;
	enum stagecp_method method;
	struct dry_frame *stack;
	size_t depth;
	size_t cap;
	struct pathbuf spath;
	struct pathbuf dpath;
};

static bool reflinks(long f_type)
{
	return f_type == XFS_SUPER_MAGIC || f_type == BTRFS_SUPER_MAGIC;
}

enum stagecp_method dryrun_predict(const struct stagecp_ctx *c, int srcfd,
				   int dstfd)
{
	struct statfs ss, ds;
	struct stat sst, dst;

	switch (c->opt.strategy) {
	case STAGECP_STRATEGY_CLONE:
		return STAGECP_METHOD_CLONE;
	case STAGECP_STRATEGY_COPY:
		return STAGECP_METHOD_COPY_RANGE;
	case STAGECP_STRATEGY_RW:
		return STAGECP_METHOD_READ_WRITE;
	default:
		break;
	}
	if (sys_fstatfs(srcfd, &ss) < 0 || sys_fstatfs(dstfd, &ds) < 0 ||
	    sys_fstat(srcfd, &sst) < 0 || sys_fstat(dstfd, &dst) < 0)
		return STAGECP_METHOD_READ_WRITE;
	if (c->opt.strategy == STAGECP_STRATEGY_HARDLINK &&
	    sst.st_dev == dst.st_dev)
		return STAGECP_METHOD_HARDLINK;
	/* A clone needs one reflinking filesystem; copy_file_range copies
	 * in the kernel within one filesystem type. */
	if (sst.st_dev == dst.st_dev && reflinks(ss.f_type))
		return STAGECP_METHOD_CLONE;
	if (ss.f_type == ds.f_type)
		return STAGECP_METHOD_COPY_RANGE;
	return STAGECP_METHOD_READ_WRITE;
}

/*
 * What an entry of this type would do at dfd/name: create, replace, or
 * merge into a directory; a collision the copy would refuse is reported as
 * the copy would report it.
 */
static int dry_action(struct stagecp_ctx *c, int dfd, const char *name,
		      bool is_dir, const char *dpath,
		      enum stagecp_action *action)
{
	struct stat st;
	int r;

	*action = STAGECP_ACTION_CREATE;
	if (dfd < 0)
		return 0;
	r = sys_fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		report(&c->rep, dpath, "stat", r, false);
		return r;
	}
	if (is_dir && S_ISDIR(st.st_mode)) {
		*action = STAGECP_ACTION_MERGE;
		return 0;
	}
	*action = STAGECP_ACTION_REPLACE;
	/* A type change is refused, except by --link, which replaces. */
	if (c->link || (!is_dir && !S_ISDIR(st.st_mode)))
		return 0;
	report_type_clash(&c->rep, dpath, "copy", is_dir,
			  is_dir ? -ENOTDIR : -EISDIR);
	return -EEXIST;
}

static void dry_note(struct stagecp_ctx *c, const char *spath,
		     const char *dpath, const struct stat *st,
		     enum stagecp_method method, enum stagecp_action action)
{
	enum stagecp_entry_type type = entry_type_of(st->st_mode);

	note_entry_action(c, spath, dpath, type,
			  type == STAGECP_ENTRY_FILE && st->st_size
				  ? method : STAGECP_METHOD_NONE,
			  S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0,
			  action);
}

/* A later name of a multiply linked inode would become a link. */
static bool dry_later_link(struct stagecp_ctx *c, const struct src_ent *s,
			   const char *dpath)
{
	bool later = false;

	if (s->st.st_nlink < 2)
		return false;
	pthread_mutex_lock(&c->lock);
	if (hardlinks_find(&c->links, s->st.st_dev, s->st.st_ino))
		later = true;
	else
		hardlinks_add(&c->links, &s->st, 0, dpath);
	pthread_mutex_unlock(&c->lock);
	return later;
}

int dryrun_leaf(struct stagecp_ctx *c, const struct src_ent *s, int dfd,
		const char *name, const char *dpath, enum stagecp_method method)
{
	enum stagecp_action action;
	int r = dry_action(c, dfd, name, false, dpath, &action);

	if (r < 0)
		return r;
	if (dry_later_link(c, s, dpath))
		note_entry_action(c, s->path, dpath, STAGECP_ENTRY_HARDLINK,
				  STAGECP_METHOD_HARDLINK,
				  S_ISREG(s->st.st_mode) ? (uint64_t)s->st.st_size
							 : 0, action);
	else
		dry_note(c, s->path, dpath, &s->st, method, action);
	return 0;
}

/* Report the pending directories above the entry about to be reported. */
static int dry_materialize(struct dry_walk *w)
{
	size_t i = w->depth;
	int r = 0;

	while (i > 0 && w->stack[i - 1].pending)
		i--;
	for (; r == 0 && i < w->depth; i++) {
		struct dry_frame *f = &w->stack[i];
		struct dry_frame *p = &w->stack[i - 1];
		char ss = w->spath.s[f->spath_len];
		char ds = w->dpath.s[f->dpath_len];
		enum stagecp_action action;
		struct stat st;

		w->spath.s[f->spath_len] = '\0';
		w->dpath.s[f->dpath_len] = '\0';
		r = sys_fstat(f->sfd, &st);
		if (r == 0)
			r = dry_action(w->c, p->dfd, f->name, true,
				       w->dpath.s, &action);
		if (r == 0)
			dry_note(w->c, w->spath.s, w->dpath.s, &st,
				 STAGECP_METHOD_NONE, action);
		w->spath.s[f->spath_len] = ss;
		w->dpath.s[f->dpath_len] = ds;
		f->pending = false;
	}
	return r;
}

static int dry_push(struct dry_walk *w, int sfd, int dfd, bool pending,
		    const char *name, struct filter_state *fstate)
{
	struct dry_frame *f;
	int r;

	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct dry_frame *st = realloc(w->stack, cap * sizeof(*st));

		if (!st)
			return -ENOMEM;
		w->stack = st;
		w->cap = cap;
	}
	f = &w->stack[w->depth];
	memset(f, 0, sizeof(*f));
	f->sfd = sfd;
	f->dfd = dfd;
	f->pending = pending;
	f->name = name;
	f->fstate = *fstate;
	f->spath_len = w->spath.len;
	f->dpath_len = w->dpath.len;
	r = dir_names_read(&f->names, sfd);
	if (r < 0) {
		report(&w->c->rep, w->spath.s, "read directory", r, false);
		dir_names_free(&f->names);
		return r;
	}
	memset(fstate, 0, sizeof(*fstate));	/* now the frame's */
	w->depth++;
	return 0;
}

static void dry_pop(struct dry_walk *w)
{
	struct dry_frame *f = &w->stack[--w->depth];

	sys_close(f->sfd);
	if (f->dfd >= 0)
		sys_close(f->dfd);
	filter_state_free(&f->fstate);
	dir_names_free(&f->names);
	pathbuf_pop(&w->spath, f->spath_old);
	pathbuf_pop(&w->dpath, f->dpath_old);
}

/* One entry of the top frame, at w->spath and w->dpath. */
static int dry_entry(struct dry_walk *w, const char *ent, size_t sold,
		     size_t dold)
{
	struct dry_frame *f = &w->stack[w->depth - 1];
	struct stagecp_ctx *c = w->c;
	const char *name = dir_names_name(ent);
	struct filter_state fstate = { 0 };
	enum filter_verdict v = FILTER_COPY;
	enum stagecp_action action;
	struct src_ent s = { .path = w->spath.s, .fd = -1 };
	int r, sfd, dfd = -1;

	r = sys_fstatat(f->sfd, name, &s.st, AT_SYMLINK_NOFOLLOW);
	if (r < 0) {
		report(&c->rep, w->spath.s, "stat", r, false);
		return r;
	}
	if (w->filter)
		v = filter_check(w->filter, w->spath.s + w->rel_off,
				 S_ISDIR(s.st.st_mode), &f->fstate, &fstate);
	if (v == FILTER_SKIP || (v == FILTER_TRAVERSE &&
				 !S_ISDIR(s.st.st_mode))) {
		filter_state_free(&fstate);
		return 0;
	}
	if (v == FILTER_COPY) {
		r = dry_materialize(w);
		f = &w->stack[w->depth - 1];
	}
	if (r == 0 && !S_ISDIR(s.st.st_mode)) {
		filter_state_free(&fstate);
		return dryrun_leaf(c, &s, f->dfd, name, w->dpath.s, w->method);
	}
	if (r == 0 && v == FILTER_COPY) {
		r = dry_action(c, f->dfd, name, true, w->dpath.s, &action);
		if (r == 0)
			dry_note(c, w->spath.s, w->dpath.s, &s.st,
				 STAGECP_METHOD_NONE, action);
	}
	sfd = r < 0 ? r : sys_openat(f->sfd, name, O_RDONLY | O_DIRECTORY |
						 SYS_O_BASE, 0);
	if (sfd < 0) {
		filter_state_free(&fstate);
		if (r == 0)
			report(&c->rep, w->spath.s, "open", sfd, false);
		return sfd;
	}
	if (f->dfd >= 0)
		dfd = sys_openat(f->dfd, name, O_RDONLY | O_DIRECTORY |
					       SYS_O_BASE, 0);
	r = dry_push(w, sfd, dfd < 0 ? -1 : dfd, v == FILTER_TRAVERSE, name,
		     &fstate);
	if (r < 0) {
		sys_close(sfd);
		if (dfd >= 0)
			sys_close(dfd);
		filter_state_free(&fstate);
		return r;
	}
	w->stack[w->depth - 1].spath_old = sold;
	w->stack[w->depth - 1].dpath_old = dold;
	return 1;
}

int dryrun_contents(struct stagecp_ctx *c, const struct src_ent *s, int dfd,
		    const char *dpath, const struct filter *filter,
		    enum stagecp_method method)
{
	struct dry_walk w = {
		.c = c,
		.filter = filter,
		.rel_off = strlen(s->path) + (strcmp(s->path, "/") != 0),
		.method = method,
	};
	struct filter_state top = { 0 };
	int err = 0, sfd, r;

	sfd = sys_dup(s->fd);
	if (sfd < 0 || pathbuf_set(&w.spath, s->path) < 0 ||
	    pathbuf_set(&w.dpath, dpath) < 0) {
		r = sfd < 0 ? sfd : -ENOMEM;
		goto free_walk;
	}
	if (dfd >= 0)
		dfd = sys_dup(dfd);
	r = dry_push(&w, sfd, dfd, false, NULL, &top);
	if (r < 0)
		goto free_walk;
	sfd = -1;
	while (w.depth && !engine_cancelled(c)) {
		struct dry_frame *f = &w.stack[w.depth - 1];
		size_t sold, dold;
		const char *ent;

		if (f->next == f->names.n) {
			dry_pop(&w);
			continue;
		}
		ent = f->names.v[f->next++];
		if (pathbuf_push(&w.spath, dir_names_name(ent), &sold) < 0 ||
		    pathbuf_push(&w.dpath, dir_names_name(ent), &dold) < 0) {
			err = -ENOMEM;
			break;
		}
		r = dry_entry(&w, ent, sold, dold);
		if (r == 1)
			continue;
		if (r < 0 && !err)
			err = r;
		pathbuf_pop(&w.spath, sold);
		pathbuf_pop(&w.dpath, dold);
	}
	while (w.depth)
		dry_pop(&w);
	r = err;
free_walk:
	if (sfd >= 0)
		sys_close(sfd);
	free(w.stack);
	pathbuf_free(&w.spath);
	pathbuf_free(&w.dpath);
	return r;
}
