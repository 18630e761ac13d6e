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

/* Tries at replacing an existing destination entry that keeps coming back. */
#define REPLACE_TRIES 3

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

int dst_dir_init(struct stagecp_ctx *c, struct dst_dir *d, int fd,
		 const char *path)
{
	struct stat st;
	int r = sys_fstat(fd, &st);

	if (r < 0) {
		report(c, path, "stat", r, false);
		return r;
	}
	d->fd = fd;
	d->dev = st.st_dev;
	/* A setgid directory hands its group to new entries. */
	d->child_gid = st.st_mode & S_ISGID ? st.st_gid : c->egid;
	return 0;
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

/*
 * Make room for a new entry at d/name: an existing non-directory goes (the
 * new entry is a new inode, as Docker's COPY makes it), a directory is an
 * error.
 */
static int make_room(struct stagecp_ctx *c, const struct dst_dir *d,
		     const char *name, const char *dpath)
{
	struct stat st;
	int r = sys_fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW);

	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		report(c, dpath, "stat", r, false);
		return r;
	}
	if (S_ISDIR(st.st_mode) && c->link) {
		/* A merged --link layer replaces the directory whole. */
		r = remove_tree_at(d->fd, name);
		if (r < 0)
			report(c, dpath, "remove existing directory", r, false);
		return r;
	}
	if (S_ISDIR(st.st_mode)) {
		char msg[PATH_MAX + 64];

		snprintf(msg, sizeof(msg),
			 "cannot replace to directory %s with file", dpath);
		report_msg(c, dpath, "create", msg, false);
		return -EISDIR;
	}
	r = sys_unlinkat(d->fd, name, 0);
	if (r < 0 && r != -ENOENT) {
		report(c, dpath, "remove existing entry", r, false);
		return r;
	}
	return 0;
}

/* The entry types mknod recreates, and what it calls them. */
static enum stagecp_entry_type special_type(mode_t mode)
{
	if (S_ISFIFO(mode))
		return STAGECP_ENTRY_FIFO;
	if (S_ISCHR(mode))
		return STAGECP_ENTRY_CHR;
	if (S_ISBLK(mode))
		return STAGECP_ENTRY_BLK;
	return STAGECP_ENTRY_SOCK;
}

/*
 * Create a non-directory at d/name, replacing what is there.  create() is
 * tried first; on EEXIST the old entry is removed and it is tried again.
 */
typedef int (*create_fn)(const struct src_ent *s, const struct dst_dir *d,
			 const char *name, const void *arg);

static int create_replacing(struct stagecp_ctx *c, const struct src_ent *s,
			    const struct dst_dir *d, const char *name,
			    const char *dpath, create_fn create,
			    const void *arg, const char *op)
{
	int r = -EEXIST;

	for (int i = 0; i < REPLACE_TRIES && r == -EEXIST; i++) {
		r = create(s, d, name, arg);
		if (r != -EEXIST)
			break;
		r = make_room(c, d, name, dpath);
		if (r < 0)
			return r;
		r = -EEXIST;
	}
	if (r < 0)
		report(c, dpath, op, r, false);
	return r;
}

static int create_file(const struct src_ent *s, const struct dst_dir *d,
		       const char *name, const void *arg)
{
	return sys_openat(d->fd, name, O_WRONLY | O_CREAT | O_EXCL | SYS_O_BASE,
			  s->st.st_mode & 0777);
}

static int create_symlink(const struct src_ent *s, const struct dst_dir *d,
			  const char *name, const void *target)
{
	return sys_symlinkat(target, d->fd, name);
}

static int create_node(const struct src_ent *s, const struct dst_dir *d,
		       const char *name, const void *arg)
{
	return sys_mknodat(d->fd, name,
			   (s->st.st_mode & S_IFMT) | (s->st.st_mode & 0777),
			   s->st.st_rdev);
}

/* Remove a file we created and failed to fill, if the name is still ours. */
static void remove_partial(const struct dst_dir *d, const char *name, int fd)
{
	struct stat mine, there;

	if (sys_fstat(fd, &mine) < 0 ||
	    sys_fstatat(d->fd, name, &there, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (mine.st_ino == there.st_ino && mine.st_dev == there.st_dev)
		sys_unlinkat(d->fd, name, 0);
}

/* The owner and mode a new entry has before meta_apply(). */
static struct meta_now fresh(struct stagecp_ctx *c, const struct dst_dir *d,
			     mode_t perm)
{
	return (struct meta_now){
		.uid = c->euid,
		.gid = d->child_gid,
		.mode = perm & ~c->umask,
	};
}

/* Link d/name to the destination copy of an earlier link of s. */
static int link_to_first(struct stagecp_ctx *c, struct hardlink *h,
			 const struct src_ent *s, const struct dst_dir *d,
			 const char *name, const char *dpath)
{
	char *parent = path_dir(h->dst_path);
	const char *base = path_base(h->dst_path);
	struct stat st;
	int pfd, r;

	if (!parent)
		return -ENOMEM;
	pfd = resolve_open(c, c->to_fd, parent, O_PATH | O_DIRECTORY);
	free(parent);
	if (pfd < 0)
		return pfd;
	/* Only link what is still our copy. */
	r = sys_fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW);
	if (r == 0 && (st.st_ino != h->dst_ino ||
		       (st.st_mode & S_IFMT) != (s->st.st_mode & S_IFMT)))
		r = -ESTALE;
	for (int i = 0; r == 0; i++) {
		r = sys_linkat(pfd, base, d->fd, name, 0);
		if (r != -EEXIST || i + 1 == REPLACE_TRIES)
			break;
		r = make_room(c, d, name, dpath);
		if (r < 0)
			r = -ECANCELED;	/* make_room() reported it */
	}
	sys_close(pfd);
	return r;
}

static int copy_regular(struct stagecp_ctx *c, struct src_ent *s,
			const struct dst_dir *d, const char *name,
			const char *dpath)
{
	struct ladder_pair *pair;
	struct data_src ds = { .fd = s->fd, .st = &s->st,
			       .cancel = c->opt.cancel };
	enum stagecp_method used = STAGECP_METHOD_NONE;
	const char *op = "copy";
	struct meta_now now;
	struct node dst;
	size_t buflen;
	void *buf;
	int fd, r;

	pair = ladder_pair_get(&c->ladder, s->st.st_dev, d->dev);
	r = engine_rw_buffer(c, &buf, &buflen);
	if (!pair || r < 0) {
		report(c, dpath, "copy", -ENOMEM, false);
		return -ENOMEM;
	}
	fd = create_replacing(c, s, d, name, dpath, create_file, NULL,
			      "create");
	if (fd < 0)
		return fd;
	r = data_copy(pair, c->opt.strategy, &ds, fd, buf, buflen, &used,
		      &op);
	if (r < 0) {
		report(c, r == -ESTAGECP_CHANGED ? s->path : dpath, op, r,
		       false);
		goto remove_file;
	}
	dst = (struct node){ .fd = fd, .dirfd = d->fd, .name = name };
	now = fresh(c, d, s->st.st_mode & 0777);
	r = meta_apply(c, &s->st, &s->x, &dst, &now, dpath);
	if (r < 0)
		goto remove_file;
	sys_close(fd);
	note_entry(c, s->path, dpath, STAGECP_ENTRY_FILE, used,
		   (uint64_t)s->st.st_size);
	return 0;
remove_file:
	remove_partial(d, name, fd);
	sys_close(fd);
	return r;
}

static int copy_symlink(struct stagecp_ctx *c, struct src_ent *s,
			const struct dst_dir *d, const char *name,
			const char *dpath)
{
	char target[PATH_MAX];
	struct meta_now now;
	struct node dst = { .fd = -1, .dirfd = d->fd, .name = name,
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	ssize_t n = sys_readlinkat(s->x.dirfd, s->x.name, target,
				   sizeof(target));
	int r;

	/* A target that fills the buffer may have been cut short. */
	if (n >= (ssize_t)sizeof(target))
		n = -ENAMETOOLONG;
	if (n < 0) {
		report(c, s->path, "read symlink", (int)n, false);
		return (int)n;
	}
	target[n] = '\0';
	r = create_replacing(c, s, d, name, dpath, create_symlink, target,
			     "create symlink");
	if (r < 0)
		return r;
	now = fresh(c, d, 0777);
	r = meta_apply(c, &s->st, &s->x, &dst, &now, dpath);
	if (r == 0)
		note_entry(c, s->path, dpath, STAGECP_ENTRY_SYMLINK,
			   STAGECP_METHOD_NONE, 0);
	return r;
}

/*
 * FIFOs and devices are made with mknod and never opened.  A socket cannot
 * be recreated meaningfully: it becomes an empty file with its permission
 * bits, as BuildKit does.
 */
static int copy_special(struct stagecp_ctx *c, struct src_ent *s,
			const struct dst_dir *d, const char *name,
			const char *dpath)
{
	enum stagecp_entry_type type = special_type(s->st.st_mode);
	struct node dst = { .fd = -1, .dirfd = d->fd, .name = name,
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	struct meta_now now = fresh(c, d, s->st.st_mode & 0777);
	struct stat as_file;
	int r;

	if (type == STAGECP_ENTRY_SOCK) {
		r = create_replacing(c, s, d, name, dpath, create_file, NULL,
				     "create");
		if (r < 0)
			return r;
		dst.fd = r;
		/* Its metadata is a file's: the socket type bit is gone. */
		as_file = s->st;
		as_file.st_mode = S_IFREG | (s->st.st_mode & 07777);
		r = meta_apply(c, &as_file, &s->x, &dst, &now, dpath);
		sys_close(dst.fd);
	} else {
		r = create_replacing(c, s, d, name, dpath, create_node, NULL,
				     "mknod");
		if (r < 0)
			return r;
		r = meta_apply(c, &s->st, &s->x, &dst, &now, dpath);
	}
	if (r == 0)
		note_entry(c, s->path, dpath, type, STAGECP_METHOD_NONE, 0);
	return r;
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
 * Create (or merge into) the destination directory d/name for the source
 * directory s.  It is created owner-only, so its children can be made even
 * when its final mode is 0555; walk_pop_dir() sets the real mode.
 */
static int make_dest_dir(struct stagecp_ctx *c, const struct src_ent *s,
			 const struct dst_dir *d, const char *name,
			 const char *dpath, struct meta_now *now)
{
	struct stat st;
	int r, dfd;

	*now = fresh(c, d, 0700);
	r = sys_mkdirat(d->fd, name, 0700);
	if (r == -EEXIST && c->link &&
	    sys_fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISDIR(st.st_mode)) {
		/* A merged --link layer replaces what is in the way. */
		r = sys_unlinkat(d->fd, name, 0);
		if (r == 0)
			r = sys_mkdirat(d->fd, name, 0700);
	}
	if (r == -EEXIST) {
		r = sys_fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW);
		if (r == 0 && !S_ISDIR(st.st_mode)) {
			char msg[PATH_MAX + 64];

			snprintf(msg, sizeof(msg),
				 "cannot copy to non-directory: %s", dpath);
			report_msg(c, dpath, "create directory", msg, false);
			return -ENOTDIR;
		}
		*now = (struct meta_now){ st.st_uid, st.st_gid,
					  st.st_mode & 07777 };
	}
	if (r < 0) {
		report(c, dpath, "create directory", r, false);
		return r;
	}
	dfd = sys_openat(d->fd, name, O_RDONLY | O_DIRECTORY | SYS_O_BASE, 0);
	if (dfd < 0)
		report(c, dpath, "open directory", dfd, false);
	else
		note_entry(c, s->path, dpath, STAGECP_ENTRY_DIR,
			   STAGECP_METHOD_NONE, 0);
	return dfd;
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
		fd = make_dest_dir(w->c, &f->src, &w->stack[i - 1].dst,
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
		dfd = make_dest_dir(w->c, s, d, name, w->dpath.s, &now);
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
 * A later name of a source inode with several links becomes a link to the
 * first one's copy.  Returns 1 when linked, 0 when the entry is to be
 * copied, or a negative errno.
 */
static int link_later_name(struct stagecp_ctx *c, const struct src_ent *s,
			   const struct dst_dir *d, const char *name,
			   const char *dpath)
{
	struct hardlink *h;
	int r;

	if (s->st.st_nlink < 2)
		return 0;
	h = hardlinks_find(&c->links, s->st.st_dev, s->st.st_ino);
	if (!h)
		return 0;
	r = link_to_first(c, h, s, d, name, dpath);
	if (r == -ECANCELED)
		return r;
	if (r < 0) {
		/* The first copy is gone or moved: copy this one again. */
		report(c, dpath, "link to earlier copy", r, true);
		return 0;
	}
	hardlinks_seen(&c->links, h);
	note_entry(c, s->path, dpath, STAGECP_ENTRY_HARDLINK,
		   STAGECP_METHOD_HARDLINK,
		   S_ISREG(s->st.st_mode) ? (uint64_t)s->st.st_size : 0);
	return 1;
}

/* The first copy of a source inode with several links, for later names. */
static void remember_first_name(struct stagecp_ctx *c, const struct src_ent *s,
				const struct dst_dir *d, const char *name,
				const char *dpath)
{
	struct stat mine;
	int r;

	if (s->st.st_nlink < 2)
		return;
	r = sys_fstatat(d->fd, name, &mine, AT_SYMLINK_NOFOLLOW);
	if (r == 0)
		r = hardlinks_add(&c->links, &s->st, mine.st_ino, dpath);
	if (r < 0)
		report(c, dpath, "remember hardlink", r, true);
}

/*
 * Copy one non-directory entry.  Links are kept for every type, as cp -a
 * keeps them: a hardlinked symlink stays one inode too.
 */
static int copy_leaf(struct stagecp_ctx *c, struct src_ent *s,
		     const struct dst_dir *d, const char *name,
		     const char *dpath)
{
	int r = link_later_name(c, s, d, name, dpath);

	if (r)
		return r < 0 ? r : 0;
	if (S_ISREG(s->st.st_mode))
		r = copy_regular(c, s, d, name, dpath);
	else if (S_ISLNK(s->st.st_mode))
		r = copy_symlink(c, s, d, name, dpath);
	else
		r = copy_special(c, s, d, name, dpath);
	if (r == 0)
		remember_first_name(c, s, d, name, dpath);
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
	r = copy_leaf(c, &s, &f->dst, name, w->dpath.s);
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

int tree_copy_entry(struct stagecp_ctx *c, struct src_ent *s,
		    const struct dst_dir *d, const char *name,
		    const char *dpath)
{
	return copy_leaf(c, s, d, name, dpath);
}
