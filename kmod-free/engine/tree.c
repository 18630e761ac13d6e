// SPDX-License-Identifier: MIT
/*
 * Copying whole trees by directory fd, with worker threads: see tree.h.
 *
 * Every directory is a task in a queue shared by the workers.  A worker
 * takes a task, makes its destination directory, copies its files,
 * symlinks and nodes itself, and queues a task for each subdirectory.  A
 * directory's metadata is applied when its last task reference goes: its
 * own listing, plus one per subdirectory not yet finished.  The queue is
 * last in, first out, so the walk runs depth first and few directories are
 * open at once; a queued task holds no fd until a worker takes it.
 *
 * A big file whose data must be moved (it cannot be cloned) is a task of
 * its own, holding a reference on its directory: the worker that lists it
 * goes on with the rest, and an idle one copies it.  A worker with no task
 * helps with the ranges of a big read/write copy instead (share.h).
 */
#include "engine/tree.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dstlayers.h"
#include "engine/engine.h"
#include "engine/filter.h"
#include "engine/meta.h"
#include "movers/share.h"
#include "seam/dirnames.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

/* Files at least this big, and not cloned, are tasks of their own. */
#define BIG_FILE (8 << 20)

/* One directory of the copy, or one big file of its listing. */
struct dir_task {
	struct dir_task *parent;	/* NULL for the top */
	struct dir_task *next;		/* in the queue */
	unsigned int refs;		/* under run->lock */
	bool top;		/* top of a directory copy: times only */
	bool file;		/* a big file: src is it, open */
	/*
	 * Walked only for what the filter keeps below it: the destination
	 * directory is made when the first such entry is copied (under
	 * run->materialize).
	 */
	bool pending;
	bool opened;		/* the source directory is open */
	int made;		/* the ring's mkdir of it, or URING_NOT_RUN */
	char *name;		/* in the parent */
	char *spath;		/* inside the source root, for messages */
	char *dpath;		/* inside the destination root */
	struct src_ent src;
	/*
	 * A layer stack source: the layer directories merging into this one,
	 * topmost first (fd[0] is src.fd), and which of the parent's holds
	 * its topmost.
	 */
	struct layer_dir layers;
	unsigned char layer;
	struct dst_dir dst;
	struct layer_dir dst_merged;	/* a destination stack's layers */
	struct meta_now dnow;	/* the destination dir before its metadata */
	struct filter_state fstate;
};

/* One tree copy: the queue and what the workers share. */
struct tree_run {
	struct stagecp_ctx *c;
	const struct filter *filter;	/* NULL: everything is copied */
	size_t rel_off;		/* where the filter's relative path starts */
	pthread_mutex_t lock;	/* the queue, task references, err */
	pthread_cond_t wake;	/* a task was queued, or the run is over */
	pthread_mutex_t materialize;
	struct dir_task *queue;
	unsigned int busy;	/* workers holding a task */
	int err;		/* the first error */
};

static void run_error(struct tree_run *run, int r)
{
	pthread_mutex_lock(&run->lock);
	if (!run->err)
		run->err = r;
	pthread_mutex_unlock(&run->lock);
}

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

	if (!flag_get(&c->res.no_openat2)) {
		fd = sys_openat2(dirfd, name, &how);
		if (fd != -ENOSYS)
			return fd;
		flag_set(&c->res.no_openat2);
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

/* The struct stat of an entry that the ring or a plain call looked at. */
static int src_ent_stat(int looked, const struct statx *stx, struct stat *st,
			int dirfd, const char *name, int at_flags)
{
	if (looked == URING_NOT_RUN)
		return sys_statx_stat(dirfd, name, at_flags, st);
	if (looked == 0)
		sys_stat_from_statx(st, stx);
	return looked;
}

/*
 * Look at one name of a source directory that is not a directory, and open
 * it if it is a regular file; getdents' d_type saves a stat for files.
 * looked is the ring's open of a DT_REG name, or its lstat of another,
 * and fstated its statx of the opened fd, both in *stx (URING_NOT_RUN:
 * the plain call is made here).
 */
static int src_ent_open(struct stagecp_ctx *c, const struct dir_task *t,
			int sfd, unsigned char type, const char *name,
			int looked, int fstated, const struct statx *stx,
			struct src_ent *s)
{
	struct stat st;
	int r;

	s->fd = -1;
	s->x = (struct node){ .fd = -1, .dirfd = sfd, .name = name,
			      .at_flags = AT_SYMLINK_NOFOLLOW };
	if (type != DT_REG) {
		r = src_ent_stat(looked, stx, &s->st, sfd, name,
				 AT_SYMLINK_NOFOLLOW);
		if (r < 0)
			return r;
		if (!S_ISREG(s->st.st_mode))
			return 0;
		looked = fstated = URING_NOT_RUN;
	}
	/* The ring's openat2 may be missing where the syscall is not. */
	if (looked == URING_NOT_RUN || looked == -ENOSYS)
		looked = open_beneath(c, sfd, name, SYS_O_SRC,
				      t->src.st.st_dev);
	if (looked < 0)
		return looked;
	s->fd = looked;
	/* Kernels whose io_uring statx wants a path say so in these ways. */
	if (fstated == -EINVAL || fstated == -ENOENT || fstated == -EBADF) {
		flag_set(&c->no_ring_fd_statx);
		fstated = URING_NOT_RUN;
	}
	r = src_ent_stat(fstated, stx, &st, s->fd, "", AT_EMPTY_PATH);
	if (r == 0 && !S_ISREG(st.st_mode))
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

/* An entry that is gone, replaced or behind a mount is skipped, not an
 * error; returns 0 for those after the warning, else r. */
static int skip_changed(struct stagecp_ctx *c, const char *path, int r)
{
	if (r == -ENOENT || r == -ESTALE) {
		/* Gone or replaced since readdir: skip it, never follow. */
		report(&c->rep, path, "changed during the copy, skipped", r, true);
		return 0;
	}
	if (r == -EXDEV) {
		report_msg(&c->rep, path, "copy", "mount point not crossed, skipped",
			   true);
		return 0;
	}
	report(&c->rep, path, "open", r, false);
	return r;
}

static void task_free(struct dir_task *t)
{
	filter_state_free(&t->fstate);
	free(t->name);
	free(t->spath);
	free(t->dpath);
	free(t);
}

/*
 * Make (or merge into) a task's destination directory under its parent's;
 * a destination layer stack also needs the layers merging into it.
 */
static int make_task_dir(struct stagecp_ctx *c, struct dir_task *t)
{
	struct dir_task *p = t->parent;
	int fd, r;

	fd = entry_make_dir(c, &t->src, &p->dst, t->name, t->dpath, t->made,
			    &t->dnow);
	if (fd < 0)
		return fd;
	r = dst_dir_init(c, &t->dst, fd, t->dpath);
	if (r == 0 && p->dst.merged) {
		r = dstl_child(c, &p->dst, t->name, t->dpath, &t->dst_merged);
		t->dst.merged = &t->dst_merged;
	}
	if (r < 0 && t->dst.fd < 0)
		sys_close(fd);
	return r;
}

/*
 * Make the destination directories of t and its pending ancestors, top
 * down, before the first entry below them is copied.  A task only ever
 * goes from pending to made, so a task seen made needs no lock.
 */
static int materialize(struct tree_run *run, struct dir_task *t)
{
	int r = 0;

	if (!__atomic_load_n(&t->pending, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&run->materialize);
	while (r == 0 && t->pending) {
		/* The top is never pending: every pending task has a parent. */
		struct dir_task *x = t;

		while (x->parent->pending)
			x = x->parent;
		r = make_task_dir(run->c, x);
		if (r == 0)
			__atomic_store_n(&x->pending, false, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&run->materialize);
	return r;
}

/* All of a directory's entries are done: its metadata, then close it. */
static void finish_dir(struct tree_run *run, struct dir_task *t)
{
	struct node dst = { .fd = t->dst.fd };

	/* Only a directory that was made gets metadata. */
	if (t->opened && !t->pending && t->dst.fd >= 0) {
		if (t->top)
			meta_apply_times(run->c, &t->src.st, &dst, t->dpath);
		else
			meta_apply(run->c, &t->src.st, &t->src.x, &dst,
				   &t->dnow, t->dpath);
	}
	if (t->dst.fd >= 0)
		sys_close(t->dst.fd);
	layer_dir_close(&t->dst_merged);
	if (t->layers.n)
		layer_dir_close(&t->layers);	/* src.fd among them */
	else if (t->src.fd >= 0)
		sys_close(t->src.fd);
}

/* Drop one reference of t; the last one finishes it, then its parent. */
static void task_release(struct tree_run *run, struct dir_task *t)
{
	while (t) {
		struct dir_task *parent = t->parent;
		unsigned int left;

		pthread_mutex_lock(&run->lock);
		left = --t->refs;
		pthread_mutex_unlock(&run->lock);
		if (left)
			return;
		finish_dir(run, t);
		task_free(t);
		t = parent;
	}
}

static void task_queue(struct tree_run *run, struct dir_task *t)
{
	pthread_mutex_lock(&run->lock);
	if (t->parent)
		t->parent->refs++;
	t->next = run->queue;
	run->queue = t;
	pthread_cond_signal(&run->wake);
	pthread_mutex_unlock(&run->lock);
}

/* A task for the entry name of t's listing, with no fds yet. */
static struct dir_task *task_new(struct dir_task *t, const char *name,
				 const char *spath, const char *dpath,
				 int made)
{
	struct dir_task *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->parent = t;
	n->refs = 1;
	n->made = made;
	n->src.fd = n->dst.fd = -1;
	n->name = strdup(name);
	n->spath = strdup(spath);
	n->dpath = strdup(dpath);
	if (!n->name || !n->spath || !n->dpath) {
		task_free(n);
		return NULL;
	}
	return n;
}

/* A subdirectory found in t's listing becomes a task of its own. */
static int queue_subdir(struct tree_run *run, struct dir_task *t,
			const char *name, unsigned char layer,
			const char *spath, const char *dpath, bool pending,
			int made, struct filter_state *fstate)
{
	struct dir_task *sub = task_new(t, name, spath, dpath, made);

	if (!sub)
		return -ENOMEM;
	sub->layer = layer;
	sub->pending = pending;
	sub->fstate = *fstate;
	memset(fstate, 0, sizeof(*fstate));	/* now the task's */
	task_queue(run, sub);
	return 0;
}

/*
 * A file of t's listing that is worth a task of its own: big, with data
 * to move, no links to keep together, and another worker to take it.
 */
static bool hand_off(struct tree_run *run, const struct dir_task *t,
		     const struct src_ent *s)
{
	return run->c->jobs > 1 && S_ISREG(s->st.st_mode) &&
	       s->st.st_nlink == 1 && s->st.st_size >= BIG_FILE &&
	       engine_moves_data(run->c, s->st.st_dev, t->dst.dev);
}

/* Queue the file s of t's listing (made: what the ring created for it). */
static int queue_file(struct tree_run *run, struct dir_task *t,
		      struct src_ent *s, const char *name, const char *spath,
		      const char *dpath, int made)
{
	struct dir_task *f = task_new(t, name, spath, dpath, made);

	if (!f)
		return -ENOMEM;
	f->file = true;
	/* The fd, and the names it is reached by, are now the task's. */
	f->src = *s;
	f->src.x.name = f->name;
	f->src.path = f->spath;
	s->fd = -1;
	task_queue(run, f);
	return 0;
}

/* Copy a file task into its directory. */
static void copy_file_task(struct tree_run *run, struct worker *w,
			   struct dir_task *f)
{
	struct dir_task *t = f->parent;
	int r = 0;

	if (engine_cancelled(run->c))
		entry_discard(w, &f->src, &t->dst, f->name, f->made);
	else
		r = entry_copy(w, &f->src, &t->dst, f->name, f->dpath,
			       f->made);
	uring_close(&w->ring, f->src.fd);
	f->src.fd = -1;
	if (r < 0)
		run_error(run, r);
}

/*
 * Open a subdirectory task's source and, unless it waits for the filter,
 * make its destination.  It is opened only now, beneath its parent (which
 * stays open until all its subdirectories are done).
 */
static int open_task(struct tree_run *run, struct worker *w,
		     struct dir_task *t)
{
	struct stagecp_ctx *c = run->c;
	struct dir_task *p = t->parent;
	int pfd = p->src.fd, fd, r;

	if (c->layered) {
		pfd = p->layers.fd[t->layer];
		r = layers_open_dir(&c->res, &c->src_layers, &p->layers, t->layer,
				    t->name, &t->layers, t->spath);
		/* What the layers cannot show, the mount can. */
		if (r == -EOPNOTSUPP && c->src_layers.mount_fd >= 0) {
			fd = layers_open_in_mount(&c->res, &c->src_layers, t->spath,
						  O_RDONLY | O_DIRECTORY);
			r = fd < 0 ? fd : layer_dir_single(&t->layers, fd);
		}
		fd = r < 0 ? r : t->layers.fd[0];
	} else {
		fd = open_beneath(c, pfd, t->name,
				  O_RDONLY | O_DIRECTORY | O_NOCTTY,
				  p->src.st.st_dev);
	}
	/* The ring made its destination ahead: take it back. */
	if (fd < 0 && t->made == 0)
		sys_unlinkat(p->dst.fd, t->name, AT_REMOVEDIR);
	if (fd == -EOPNOTSUPP)
		return fd;	/* a refused layer feature, reported */
	if (fd < 0)
		return skip_changed(c, t->spath, fd) ?: -ECANCELED;
	t->src.fd = fd;
	t->src.path = t->spath;
	t->src.x = (struct node){ .fd = fd, .dirfd = pfd,
				  .name = t->name,
				  .at_flags = AT_SYMLINK_NOFOLLOW };
	r = sys_fstat(fd, &t->src.st);
	if (r < 0) {
		report(&c->rep, t->spath, "stat", r, false);
		return r;
	}
	t->opened = true;
	if (t->pending)
		return 0;
	r = materialize(run, p);
	if (r < 0)
		return r;
	return make_task_dir(c, t);
}

/*
 * What the filter says of an entry; its path relative to the copied source
 * starts at run->rel_off of its source path.
 */
static enum filter_verdict check_filter(struct tree_run *run,
					const struct dir_task *t,
					const char *spath, bool is_dir,
					struct filter_state *fstate)
{
	if (!run->filter)
		return FILTER_COPY;
	return filter_check(run->filter, spath + run->rel_off, is_dir,
			    &t->fstate, fstate);
}

/*
 * A listing is copied a window of entries at a time.  The ring takes each
 * step of the whole window as one batch: the sources' opens (or lstats),
 * then their statx, then the destinations' creates, links and mkdirs.
 * What remains per file (the clone or copy, its metadata) follows entry by
 * entry, and the closes ride along with the next window's batches.
 */
#define WINDOW 64

enum ahead_kind { AHEAD_SKIP, AHEAD_DIR, AHEAD_FILE };

/* One entry of a window. */
struct ahead {
	enum ahead_kind kind;
	bool pending;		/* a directory walked only for the filter */
	unsigned char type;	/* d_type */
	unsigned char layer;
	int sfd;		/* the source directory holding it */
	const char *name;
	struct filter_state fstate;	/* a directory's, for its task */
	struct src_ent s;	/* a file's, once looked at */
};

struct window {
	unsigned int n;
	struct ahead a[WINDOW];
	/* The ring's results: open or lstat, statx of the opened file,
	 * and create, link or mkdir. */
	int looked[WINDOW];
	int fstated[WINDOW];
	int made[WINDOW];
	struct statx stx[WINDOW];
};

/* Put entry i's name on both paths; paths_pop() takes it off again. */
static int paths_push(struct pathbuf *sp, struct pathbuf *dp,
		      const char *name, size_t old[2])
{
	if (pathbuf_push(sp, name, &old[0]) < 0)
		return -ENOMEM;
	if (pathbuf_push(dp, name, &old[1]) < 0) {
		pathbuf_pop(sp, old[0]);
		return -ENOMEM;
	}
	return 0;
}

static void paths_pop(struct pathbuf *sp, struct pathbuf *dp,
		      const size_t old[2])
{
	pathbuf_pop(sp, old[0]);
	pathbuf_pop(dp, old[1]);
}

/* What an entry of t's listing is, and whether the filter keeps it. */
static int window_look(struct tree_run *run, struct dir_task *t,
		       const char *ent, const char *spath, struct ahead *a)
{
	struct stagecp_ctx *c = run->c;
	enum filter_verdict v;
	struct stat st;
	int r;

	*a = (struct ahead){ .kind = AHEAD_SKIP, .type = dir_names_type(ent),
			     .layer = dir_names_layer(ent),
			     .name = dir_names_name(ent) };
	a->s.fd = -1;
	a->sfd = c->layered ? t->layers.fd[a->layer] : t->src.fd;
	if (a->type == DT_UNKNOWN) {
		r = sys_fstatat(a->sfd, a->name, &st, AT_SYMLINK_NOFOLLOW);
		if (r < 0)
			return skip_changed(c, spath, r);
		a->type = S_ISDIR(st.st_mode) ? DT_DIR : DT_UNKNOWN;
	}
	v = check_filter(run, t, spath, a->type == DT_DIR, &a->fstate);
	if (v == FILTER_SKIP || (v == FILTER_TRAVERSE && a->type != DT_DIR)) {
		/* Only directories are walked through. */
		filter_state_free(&a->fstate);
		return 0;
	}
	a->kind = a->type == DT_DIR ? AHEAD_DIR : AHEAD_FILE;
	a->pending = v == FILTER_TRAVERSE;
	return 0;
}

/* Queue the sources' opens and lstats of a window, and run them. */
static void window_open_sources(struct stagecp_ctx *c, struct worker *w,
				struct window *win)
{
	const struct open_how how = {
		.flags = (uint64_t)(SYS_O_SRC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	bool openat2 = !flag_get(&c->res.no_openat2);
	struct io_uring_sqe *sqe;

	uring_batch_start(&w->ring, win->looked, win->n);
	for (unsigned int i = 0; i < win->n; i++) {
		struct ahead *a = &win->a[i];

		if (a->kind != AHEAD_FILE)
			continue;
		if (a->type == DT_REG && openat2) {
			sqe = uring_batch_sqe(&w->ring, IORING_OP_OPENAT2, i);
			if (sqe)
				io_uring_prep_openat2(sqe, a->sfd, a->name,
						      (struct open_how *)&how);
		} else if (a->type != DT_REG) {
			sqe = uring_batch_sqe(&w->ring, IORING_OP_STATX, i);
			if (sqe)
				io_uring_prep_statx(sqe, a->sfd, a->name,
						    AT_SYMLINK_NOFOLLOW,
						    SYS_STATX_MASK,
						    &win->stx[i]);
		}
	}
	uring_batch_run(&w->ring);
	uring_batch_start(&w->ring, win->fstated, win->n);
	for (unsigned int i = 0; i < win->n; i++) {
		struct ahead *a = &win->a[i];

		if (a->kind != AHEAD_FILE || a->type != DT_REG ||
		    win->looked[i] < 0 || flag_get(&c->no_ring_fd_statx))
			continue;
		sqe = uring_batch_sqe(&w->ring, IORING_OP_STATX, i);
		if (sqe)
			io_uring_prep_statx(sqe, win->looked[i], "",
					    AT_EMPTY_PATH, SYS_STATX_MASK,
					    &win->stx[i]);
	}
	uring_batch_run(&w->ring);
}

/*
 * A source file whose data lives in another layer (overlayfs metacopy) is
 * read through the mounted overlay, or refused where there is none.
 */
static int src_ent_metacopy(struct stagecp_ctx *c, struct src_ent *s)
{
	int r;

	if (!c->layered || s->fd < 0 ||
	    !layers_is_metacopy(&c->src_layers, s->fd))
		return 0;
	if (c->src_layers.mount_fd >= 0) {
		/* Its data is elsewhere: read it through the mount. */
		sys_close(s->fd);
		s->fd = layers_open_in_mount(&c->res, &c->src_layers, s->path,
					     SYS_O_SRC);
		r = s->fd < 0 ? s->fd : sys_fstat(s->fd, &s->st);
		s->x.fd = s->fd;
		if (r < 0 || !layers_is_metacopy(&c->src_layers, s->fd))
			return r;
	}
	report_errmsg(&c->rep, s->path, "read layers", -EOPNOTSUPP,
		      "a layer holds a metacopy file, which stagecp does not "
		      "model; copy through the mounted overlay with "
		      "--from=MERGED", false);
	return -EOPNOTSUPP;
}

/* Finish looking at a window's files: what the ring did not, plainly. */
static void window_check_sources(struct tree_run *run, struct dir_task *t,
				 struct window *win, struct pathbuf *spath,
				 struct pathbuf *dpath)
{
	struct stagecp_ctx *c = run->c;

	for (unsigned int i = 0; i < win->n; i++) {
		struct ahead *a = &win->a[i];
		size_t old[2];
		int r;

		if (a->kind != AHEAD_FILE)
			continue;
		if (paths_push(spath, dpath, a->name, old) < 0) {
			if (win->looked[i] >= 0 && a->type == DT_REG)
				sys_close(win->looked[i]);
			a->kind = AHEAD_SKIP;
			run_error(run, -ENOMEM);
			continue;
		}
		a->s.path = spath->s;
		r = src_ent_open(c, t, a->sfd, a->type, a->name,
				 win->looked[i], win->fstated[i],
				 &win->stx[i], &a->s);
		if (r < 0) {
			r = skip_changed(c, spath->s, r);
		} else if (S_ISDIR(a->s.st.st_mode)) {
			/* A directory swapped in since readdir: not followed. */
			r = skip_changed(c, spath->s, -ESTALE);
			a->kind = AHEAD_SKIP;
		} else {
			r = src_ent_metacopy(c, &a->s);
		}
		if (r < 0 || a->kind == AHEAD_SKIP) {
			if (a->s.fd >= 0)
				sys_close(a->s.fd);
			a->s.fd = -1;
			a->kind = AHEAD_SKIP;
		}
		if (r < 0)
			run_error(run, r);
		paths_pop(spath, dpath, old);
	}
}

/*
 * Make t's destination if the filter left it pending, then queue the
 * window's creates, links and mkdirs and run them.
 */
static int window_make(struct tree_run *run, struct worker *w,
		       struct dir_task *t, struct window *win)
{
	bool any = false;
	int r;

	for (unsigned int i = 0; i < win->n; i++)
		any |= win->a[i].kind == AHEAD_FILE ||
		       (win->a[i].kind == AHEAD_DIR && !win->a[i].pending);
	uring_batch_start(&w->ring, win->made, win->n);
	if (!any)
		return 0;
	r = materialize(run, t);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < win->n; i++) {
		struct ahead *a = &win->a[i];

		if (a->kind == AHEAD_FILE)
			entry_ahead(w, &a->s, &t->dst, a->name, i);
		else if (a->kind == AHEAD_DIR && !a->pending)
			entry_ahead_dir(w, &t->dst, a->name, i);
	}
	uring_batch_run(&w->ring);
	return 0;
}

/* Queue the window's directories and copy its files, in listing order. */
static void window_copy(struct tree_run *run, struct worker *w,
			struct dir_task *t, struct window *win,
			struct pathbuf *spath, struct pathbuf *dpath)
{
	struct stagecp_ctx *c = run->c;

	for (unsigned int i = 0; i < win->n; i++) {
		struct ahead *a = &win->a[i];
		bool stop = engine_cancelled(c);
		size_t old[2];
		int r = 0;

		if (a->kind == AHEAD_SKIP)
			continue;
		if (!stop && paths_push(spath, dpath, a->name, old) < 0) {
			run_error(run, -ENOMEM);
			stop = true;
		}
		if (stop) {
			/* Stopped: nothing made ahead stays behind. */
			if (a->kind == AHEAD_FILE) {
				entry_discard(w, &a->s, &t->dst, a->name,
					      win->made[i]);
				if (a->s.fd >= 0)
					sys_close(a->s.fd);
			} else if (win->made[i] == 0) {
				sys_unlinkat(t->dst.fd, a->name, AT_REMOVEDIR);
			}
			filter_state_free(&a->fstate);
			continue;
		}
		if (a->kind == AHEAD_DIR) {
			r = queue_subdir(run, t, a->name, a->layer, spath->s,
					 dpath->s, a->pending, win->made[i],
					 &a->fstate);
			filter_state_free(&a->fstate);
		} else if (hand_off(run, t, &a->s)) {
			r = queue_file(run, t, &a->s, a->name, spath->s,
				       dpath->s, win->made[i]);
			if (r < 0) {
				entry_discard(w, &a->s, &t->dst, a->name,
					      win->made[i]);
				sys_close(a->s.fd);
			}
		} else {
			a->s.path = spath->s;
			r = entry_copy(w, &a->s, &t->dst, a->name, dpath->s,
				       win->made[i]);
			uring_close(&w->ring, a->s.fd);
		}
		if (r < 0)
			run_error(run, r);
		paths_pop(spath, dpath, old);
	}
}

/* Copy entries ents[0..n-1] of t's listing. */
static int copy_window(struct tree_run *run, struct worker *w,
		       struct dir_task *t, struct window *win,
		       char *const *ents, unsigned int n,
		       struct pathbuf *spath, struct pathbuf *dpath)
{
	int r = 0;

	win->n = n;
	for (unsigned int i = 0; i < n; i++) {
		size_t old[2];

		win->a[i] = (struct ahead){ .kind = AHEAD_SKIP };
		if (r == 0 && paths_push(spath, dpath,
					 dir_names_name(ents[i]), old) < 0)
			r = -ENOMEM;
		if (r < 0)
			continue;
		r = window_look(run, t, ents[i], spath->s, &win->a[i]);
		if (r < 0) {
			run_error(run, r);
			r = 0;
		}
		paths_pop(spath, dpath, old);
	}
	if (r == 0) {
		window_open_sources(run->c, w, win);
		window_check_sources(run, t, win, spath, dpath);
		r = window_make(run, w, t, win);
	}
	if (r < 0) {
		/* Nothing is copied: close what was opened. */
		for (unsigned int i = 0; i < n; i++) {
			if (win->a[i].kind == AHEAD_FILE &&
			    win->a[i].s.fd >= 0)
				sys_close(win->a[i].s.fd);
			filter_state_free(&win->a[i].fstate);
		}
		return r;
	}
	window_copy(run, w, t, win, spath, dpath);
	return 0;
}

/* List t and copy or queue each of its entries, a window at a time. */
static void copy_dir(struct tree_run *run, struct worker *w,
		     struct dir_task *t)
{
	struct stagecp_ctx *c = run->c;
	struct dir_names names = { 0 };
	struct pathbuf spath = { 0 }, dpath = { 0 };
	struct window *win = NULL;
	int r = 0;

	if (!t->top)
		r = open_task(run, w, t);
	if (r == 0 && c->layered) {
		r = layers_list(&c->res, &c->src_layers, &t->layers, &names,
				t->spath);
	} else if (r == 0) {
		r = dir_names_read(&names, t->src.fd);
		if (r < 0)
			report(&c->rep, t->spath, "read directory", r, false);
	}
	if (r == 0 && names.n) {
		win = malloc(sizeof(*win));
		if (!win || pathbuf_set(&spath, t->spath) < 0 ||
		    pathbuf_set(&dpath, t->dpath) < 0)
			r = -ENOMEM;
	}
	for (size_t i = 0; r >= 0 && i < names.n; i += WINDOW) {
		size_t n = names.n - i < WINDOW ? names.n - i : WINDOW;

		/* Stop: the open directories still get their metadata. */
		if (engine_cancelled(c))
			break;
		r = copy_window(run, w, t, win, names.v + i, (unsigned int)n,
				&spath, &dpath);
	}
	if (r == -ENOMEM)
		report(&c->rep, t->spath, "copy", r, false);
	if (r < 0 && r != -ECANCELED)
		run_error(run, r);
	free(win);
	pathbuf_free(&spath);
	pathbuf_free(&dpath);
	dir_names_free(&names);
}

/* A big read/write copy was published: wake the idle workers to help. */
static void run_wake(void *arg)
{
	struct tree_run *run = arg;

	pthread_mutex_lock(&run->lock);
	pthread_cond_broadcast(&run->wake);
	pthread_mutex_unlock(&run->lock);
}

/*
 * A worker: take tasks until the queue is empty and nobody can add more.
 * While the queue is empty but others are busy, it helps with their big
 * read/write copies (share.h).
 */
static void *worker_main(void *arg)
{
	struct tree_run *run = arg;
	struct share_list *shares = &run->c->shares;
	bool can_help = true;
	struct worker w;

	worker_init(&w, run->c);
	for (;;) {
		struct dir_task *t;
		size_t len;
		void *buf;

		pthread_mutex_lock(&run->lock);
		while (!run->queue && run->busy &&
		       !(can_help && share_list_has_work(shares)))
			pthread_cond_wait(&run->wake, &run->lock);
		t = run->queue;
		if (!t && run->busy) {
			pthread_mutex_unlock(&run->lock);
			/* Without a buffer it cannot help: it waits instead. */
			can_help = worker_rw_buffer(&w, &buf, &len) == 0;
			if (can_help)
				share_help(shares, buf, len);
			continue;
		}
		if (!t) {
			pthread_cond_broadcast(&run->wake);
			pthread_mutex_unlock(&run->lock);
			break;
		}
		run->queue = t->next;
		run->busy++;
		pthread_mutex_unlock(&run->lock);
		if (t->file)
			copy_file_task(run, &w, t);
		else
			copy_dir(run, &w, t);
		task_release(run, t);
		pthread_mutex_lock(&run->lock);
		if (--run->busy == 0 && !run->queue)
			pthread_cond_broadcast(&run->wake);
		pthread_mutex_unlock(&run->lock);
	}
	worker_free(&w);
	return NULL;
}

/* Run the workers: this thread is one of them. */
static void run_workers(struct tree_run *run, unsigned int jobs)
{
	pthread_t *tids = jobs > 1 ? calloc(jobs - 1, sizeof(*tids)) : NULL;
	unsigned int started = 0;

	for (unsigned int i = 0; tids && i < jobs - 1; i++) {
		if (pthread_create(&tids[i], NULL, worker_main, run) != 0)
			break;	/* fewer workers: slower, not wrong */
		started++;
	}
	worker_main(run);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
}

int tree_copy_contents(struct stagecp_ctx *c, struct src_ent *s,
		       struct layer_dir *layers, const struct dst_dir *d,
		       const char *dpath, const struct filter *filter)
{
	struct tree_run run = {
		.c = c,
		.filter = filter,
		/* Relative paths skip the source's path and its slash. */
		.rel_off = strlen(s->path) + (strcmp(s->path, "/") != 0),
	};
	struct dir_task *top = calloc(1, sizeof(*top));
	int r;

	if (!top)
		return -ENOMEM;
	top->refs = 1;
	top->made = URING_NOT_RUN;
	top->top = true;
	top->opened = true;
	top->spath = strdup(s->path);
	top->dpath = strdup(dpath);
	top->src = *s;
	top->src.path = top->spath;
	/* The run closes what it is given: hand it its own fd. */
	top->dst = *d;
	top->dst.fd = sys_dup(d->fd);
	if (!top->spath || !top->dpath || top->dst.fd < 0) {
		r = top->dst.fd < 0 ? top->dst.fd : -ENOMEM;
		report(&c->rep, dpath, "copy", r, false);
		if (top->dst.fd >= 0)
			sys_close(top->dst.fd);
		top->src.fd = -1;	/* still the caller's */
		task_free(top);
		return r;
	}
	s->fd = -1;		/* now the run's */
	if (layers) {
		top->layers = *layers;	/* fd[0] is s->fd */
		memset(layers, 0, sizeof(*layers));
	}
	if (filter)
		filter_start(filter, &top->fstate);
	pthread_mutex_init(&run.lock, NULL);
	pthread_mutex_init(&run.materialize, NULL);
	pthread_cond_init(&run.wake, NULL);
	task_queue(&run, top);
	c->shares.wake = run_wake;
	c->shares.wake_arg = &run;
	run_workers(&run, c->jobs);
	c->shares.wake = NULL;
	pthread_cond_destroy(&run.wake);
	pthread_mutex_destroy(&run.materialize);
	pthread_mutex_destroy(&run.lock);
	return run.err;
}
