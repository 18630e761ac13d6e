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

#include "engine.h"
#include "meta.h"
#include "pathbuf.h"
#include "resolve.h"
#include "sys.h"

/* Tries at replacing an existing destination entry that keeps coming back. */
#define REPLACE_TRIES 3

/* The names of one source directory, sorted as BuildKit copies them. */
struct dir_names {
	char *arena;		/* d_type byte, then the name and its NUL */
	size_t used;
	size_t cap;
	char **v;		/* pointers to the d_type bytes */
	size_t n;
};

/* One directory being copied: the walker's stack frame. */
struct frame {
	struct src_ent src;
	struct dst_dir dst;
	struct meta_now dnow;	/* the destination dir before its metadata */
	bool top;		/* top of a directory copy: times only */
	struct dir_names names;
	size_t next;
	size_t spath_old;	/* path lengths to restore when done */
	size_t dpath_old;
};

struct walk {
	struct stagecp_ctx *c;
	struct frame *stack;
	size_t depth;
	size_t cap;
	struct pathbuf spath;
	struct pathbuf dpath;
};

static void dir_names_free(struct dir_names *d)
{
	free(d->arena);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int dir_names_add(struct dir_names *d, unsigned char type,
			 const char *name)
{
	size_t n = strlen(name) + 2;

	if (d->used + n > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		char *a;

		while (cap < d->used + n)
			cap *= 2;
		a = realloc(d->arena, cap);
		if (!a)
			return -ENOMEM;
		d->arena = a;
		d->cap = cap;
	}
	d->arena[d->used] = (char)type;
	memcpy(d->arena + d->used + 1, name, n - 1);
	d->used += n;
	d->n++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* Read every name of a directory (getdents64), then sort them. */
static int dir_names_read(struct dir_names *d, int fd)
{
	char buf[32768];
	ssize_t n;
	size_t i = 0;

	while ((n = sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			int r;

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			r = dir_names_add(d, de->d_type, de->d_name);
			if (r < 0)
				return r;
		}
	}
	if (n < 0)
		return (int)n;
	d->v = malloc((d->n ? d->n : 1) * sizeof(*d->v));
	if (!d->v)
		return -ENOMEM;
	for (size_t off = 0; off < d->used; off += strlen(d->arena + off + 1) + 2)
		d->v[i++] = d->arena + off;
	qsort(d->v, d->n, sizeof(*d->v), name_cmp);
	return 0;
}

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
	if (r == 0 && (st.st_ino != h->dst_ino || !S_ISREG(st.st_mode)))
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
	struct hardlink *h = NULL;
	struct ladder_pair *pair;
	struct data_src ds = { .fd = s->fd, .st = &s->st };
	enum stagecp_method used = STAGECP_METHOD_NONE;
	const char *op = "copy";
	struct meta_now now;
	struct node dst;
	size_t buflen;
	void *buf;
	int fd, r;

	if (s->st.st_nlink > 1) {
		h = hardlinks_find(&c->links, s->st.st_dev, s->st.st_ino);
		if (h) {
			r = link_to_first(c, h, s, d, name, dpath);
			if (r == -ECANCELED)
				return r;
			if (r == 0) {
				hardlinks_seen(&c->links, h);
				note_entry(c, s->path, dpath,
					   STAGECP_ENTRY_HARDLINK,
					   STAGECP_METHOD_HARDLINK,
					   (uint64_t)s->st.st_size);
				return 0;
			}
			/* The first copy is gone or moved: copy again. */
			report(c, dpath, "link to earlier copy", r, true);
			h = NULL;
		}
	}
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
	if (s->st.st_nlink > 1) {
		struct stat mine;

		r = sys_fstat(fd, &mine);
		if (r == 0)
			r = hardlinks_add(&c->links, &s->st, mine.st_ino,
					  dpath);
		if (r < 0)
			report(c, dpath, "remember hardlink", r, true);
	}
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
			 const struct meta_now *dnow, bool top)
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
	r = dst_dir_init(w->c, &f->dst, dfd, w->dpath.s);
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

	if (f->top)
		meta_apply_times(w->c, &f->src.st, &dst, w->dpath.s);
	else
		meta_apply(w->c, &f->src.st, &f->src.x, &dst, &f->dnow,
			   w->dpath.s);
	sys_close(f->dst.fd);
	sys_close(f->src.fd);
	dir_names_free(&f->names);
	pathbuf_pop(&w->spath, f->spath_old);
	pathbuf_pop(&w->dpath, f->dpath_old);
	w->depth--;
}

/*
 * A directory entry: create (or merge into) the destination directory and
 * push it.  It is created owner-only, so its children can be made even when
 * its final mode is 0555; walk_pop_dir() sets the real mode.
 */
static int enter_dir(struct walk *w, struct src_ent *s,
		     const struct dst_dir *d, const char *name)
{
	struct stagecp_ctx *c = w->c;
	const char *dpath = w->dpath.s;
	struct meta_now now = fresh(c, d, 0700);
	struct stat st;
	int r, dfd;

	r = sys_mkdirat(d->fd, name, 0700);
	if (r == -EEXIST) {
		r = sys_fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW);
		if (r == 0 && !S_ISDIR(st.st_mode)) {
			char msg[PATH_MAX + 64];

			snprintf(msg, sizeof(msg),
				 "cannot copy to non-directory: %s", dpath);
			report_msg(c, dpath, "create directory", msg, false);
			return -ENOTDIR;
		}
		now = (struct meta_now){ st.st_uid, st.st_gid,
					 st.st_mode & 07777 };
	}
	if (r < 0) {
		report(c, dpath, "create directory", r, false);
		return r;
	}
	dfd = sys_openat(d->fd, name, O_RDONLY | O_DIRECTORY | SYS_O_BASE, 0);
	if (dfd < 0) {
		report(c, dpath, "open directory", dfd, false);
		return dfd;
	}
	r = walk_push_dir(w, s, dfd, &now, false);
	if (r < 0) {
		sys_close(dfd);
		return r;
	}
	note_entry(c, s->path, dpath, STAGECP_ENTRY_DIR, STAGECP_METHOD_NONE,
		   0);
	return 0;
}

/* Copy one non-directory entry. */
static int copy_leaf(struct stagecp_ctx *c, struct src_ent *s,
		     const struct dst_dir *d, const char *name,
		     const char *dpath)
{
	if (S_ISREG(s->st.st_mode))
		return copy_regular(c, s, d, name, dpath);
	if (S_ISLNK(s->st.st_mode))
		return copy_symlink(c, s, d, name, dpath);
	return copy_special(c, s, d, name, dpath);
}

/* Take the next name of the top frame; false when it has none left. */
static bool walk_step(struct walk *w, int *err)
{
	struct frame *f = &w->stack[w->depth - 1];
	struct stagecp_ctx *c = w->c;
	struct src_ent s;
	const char *ent, *name;
	size_t sold, dold;
	int r;

	if (f->next == f->names.n)
		return false;
	ent = f->names.v[f->next++];
	name = ent + 1;
	if (pathbuf_push(&w->spath, name, &sold) < 0 ||
	    pathbuf_push(&w->dpath, name, &dold) < 0) {
		report(c, w->spath.s, "copy", -ENOMEM, false);
		*err = -ENOMEM;
		return true;
	}
	r = src_ent_open(w, f, (unsigned char)ent[0], name, &s);
	if (r == -ENOENT || r == -ESTALE) {
		/* Gone or replaced since readdir: skip it, never follow. */
		report(c, w->spath.s, "changed during the copy, skipped", r,
		       true);
		r = 0;
		goto pop_paths;
	}
	if (r == -EXDEV) {
		report_msg(c, w->spath.s, "copy",
			   "mount point not crossed, skipped", true);
		r = 0;
		goto pop_paths;
	}
	if (r < 0) {
		report(c, w->spath.s, "open", r, false);
		goto pop_paths;
	}
	if (S_ISDIR(s.st.st_mode)) {
		/* Both frames may move when the stack grows: keep copies. */
		struct dst_dir d = f->dst;

		r = enter_dir(w, &s, &d, name);
		if (r == 0) {
			w->stack[w->depth - 1].spath_old = sold;
			w->stack[w->depth - 1].dpath_old = dold;
			return true;
		}
		sys_close(s.fd);
		goto pop_paths;
	}
	r = copy_leaf(c, &s, &f->dst, name, w->dpath.s);
	if (s.fd >= 0)
		sys_close(s.fd);
pop_paths:
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

static int walk_init(struct walk *w, struct stagecp_ctx *c, const char *spath,
		     const char *dpath)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	if (pathbuf_set(&w->spath, spath) < 0 ||
	    pathbuf_set(&w->dpath, dpath) < 0) {
		walk_free(w);
		return -ENOMEM;
	}
	return 0;
}

int tree_copy_contents(struct stagecp_ctx *c, struct src_ent *s,
		       const struct dst_dir *d, const char *dpath)
{
	struct meta_now unused = { 0 };
	struct walk w;
	int r, dfd;

	r = walk_init(&w, c, s->path, dpath);
	if (r < 0)
		return r;
	/* The walk closes what it is given: hand it its own fds. */
	dfd = sys_dup(d->fd);
	if (dfd < 0) {
		r = dfd;
		report(c, dpath, "dup", r, false);
		goto free_walk;
	}
	r = walk_push_dir(&w, s, dfd, &unused, true);
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
	struct walk w;
	int r;

	if (!S_ISDIR(s->st.st_mode))
		return copy_leaf(c, s, d, name, dpath);
	r = walk_init(&w, c, s->path, dpath);
	if (r < 0)
		return r;
	r = enter_dir(&w, s, d, name);
	if (r == 0) {
		s->fd = -1;	/* now owned by the walk */
		r = walk_run(&w);
	}
	walk_free(&w);
	return r;
}
