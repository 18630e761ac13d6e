// SPDX-License-Identifier: MIT
/* One destination entry of each type: see entry.h. */
#include "engine/entry.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dstlayers.h"
#include "engine/engine.h"
#include "engine/meta.h"
#include "engine/remove.h"
#include "roots/resolve.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

/* Tries at replacing an existing destination entry that keeps coming back. */
#define REPLACE_TRIES 3

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
		report(&c->rep, dpath, "stat", r, false);
		return r;
	}
	if (S_ISDIR(st.st_mode) && c->link) {
		/* A merged --link layer replaces the directory whole. */
		r = remove_tree_at(d->fd, name);
		if (r < 0)
			report(&c->rep, dpath, "remove existing directory", r, false);
		return r;
	}
	if (S_ISDIR(st.st_mode))
		return report_type_clash(&c->rep, dpath, "create", false, -EISDIR);
	r = sys_unlinkat(d->fd, name, 0);
	if (r < 0 && r != -ENOENT) {
		report(&c->rep, dpath, "remove existing entry", r, false);
		return r;
	}
	return 0;
}

enum stagecp_entry_type entry_type_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return STAGECP_ENTRY_DIR;
	if (S_ISLNK(mode))
		return STAGECP_ENTRY_SYMLINK;
	if (S_ISFIFO(mode))
		return STAGECP_ENTRY_FIFO;
	if (S_ISCHR(mode))
		return STAGECP_ENTRY_CHR;
	if (S_ISBLK(mode))
		return STAGECP_ENTRY_BLK;
	if (S_ISSOCK(mode))
		return STAGECP_ENTRY_SOCK;
	return STAGECP_ENTRY_FILE;
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
		report(&c->rep, dpath, op, r, false);
	return r;
}

/*
 * The mode a new file is created with: the source's, plus owner write
 * until its metadata is applied, so that a user.* xattr (which needs write
 * permission, whatever the fd) can be set on a file that is read-only in
 * the end; meta_apply() puts the real mode.
 */
static mode_t file_create_mode(const struct src_ent *s)
{
	return (s->st.st_mode & 0777) | S_IWUSR;
}

static int create_file(const struct src_ent *s, const struct dst_dir *d,
		       const char *name, const void *arg)
{
	return sys_openat(d->fd, name, O_WRONLY | O_CREAT | O_EXCL | SYS_O_BASE,
			  file_create_mode(s));
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

/*
 * Link d/name to first, the destination copy (inode first_ino) of an
 * earlier link of s.
 */
static int link_to_first(struct stagecp_ctx *c, const char *first,
			 ino_t first_ino, const struct src_ent *s,
			 const struct dst_dir *d, const char *name,
			 const char *dpath)
{
	char *parent = path_dir(first);
	const char *base = path_base(first);
	struct stat st;
	int pfd, r;

	if (!parent)
		return -ENOMEM;
	pfd = resolve_open(&c->res, c->to_fd, parent, O_PATH | O_DIRECTORY);
	free(parent);
	if (pfd < 0)
		return pfd;
	/* Only link what is still our copy. */
	r = sys_fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW);
	if (r == 0 && (st.st_ino != first_ino ||
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

/*
 * --atomic: a file is written unnamed (O_TMPFILE), or under a hidden
 * temporary name where the filesystem has no O_TMPFILE, and gets its final
 * name only once its data and metadata are complete.  Whatever kills the
 * copy, a final name holds a whole file or the old one.
 */
struct staged_file {
	int fd;
	bool named;			/* under tmp, not O_TMPFILE */
	char tmp[64];
};

static void staged_name(struct stagecp_ctx *c, struct staged_file *f)
{
	snprintf(f->tmp, sizeof(f->tmp), ".stagecp-tmp.%d.%u", c->pid,
		 __atomic_fetch_add(&c->tmp_counter, 1, __ATOMIC_RELAXED));
}

static int stage_file(struct stagecp_ctx *c, const struct src_ent *s,
		      const struct dst_dir *d, const char *dpath,
		      struct staged_file *f)
{
	mode_t perm = file_create_mode(s);
	int fd = sys_openat(d->fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC,
			    perm);

	f->named = false;
	/* Filesystems without O_TMPFILE say so in these ways. */
	for (int i = 0; i < REPLACE_TRIES && (fd == -EOPNOTSUPP ||
		fd == -EISDIR || fd == -EINVAL || fd == -EEXIST); i++) {
		f->named = true;
		staged_name(c, f);
		fd = sys_openat(d->fd, f->tmp,
				O_WRONLY | O_CREAT | O_EXCL | SYS_O_BASE, perm);
	}
	if (fd < 0)
		report(&c->rep, dpath, "create temporary file", fd, false);
	f->fd = fd;
	return fd;
}

static void unstage_file(const struct dst_dir *d, struct staged_file *f)
{
	if (f->named)
		sys_unlinkat(d->fd, f->tmp, 0);
	sys_close(f->fd);
}

/* Give a complete staged file its final name, replacing a non-directory. */
static int publish_file(struct stagecp_ctx *c, const struct dst_dir *d,
			const char *name, const char *dpath,
			struct staged_file *f)
{
	int r = -EEXIST;

	if (!f->named) {
		/* Straight to the name when it is free. */
		r = sys_linkat(f->fd, "", d->fd, name, AT_EMPTY_PATH);
		for (int i = 0; r == -EEXIST && i < REPLACE_TRIES; i++) {
			staged_name(c, f);
			r = sys_linkat(f->fd, "", d->fd, f->tmp,
				       AT_EMPTY_PATH);
			if (r == 0)
				f->named = true;
			else if (r != -EEXIST)
				break;
			else
				r = -EEXIST;
		}
		if (!f->named) {
			if (r < 0)
				report(&c->rep, dpath, "link", r, false);
			return r;
		}
	}
	r = sys_renameat2(d->fd, f->tmp, d->fd, name, 0);
	if (r == -EISDIR || r == -ENOTEMPTY || r == -EEXIST)
		return report_type_clash(&c->rep, dpath, "rename", false, r);
	if (r < 0)
		report(&c->rep, dpath, "rename", r, false);
	else
		f->named = false;	/* the temporary name is gone */
	return r;
}

/*
 * Create the file the data goes into: in place, or staged (--atomic).
 * made is the ring's create, if it made one.
 */
static int open_target(struct stagecp_ctx *c, const struct src_ent *s,
		       const struct dst_dir *d, const char *name,
		       const char *dpath, int made, struct staged_file *f)
{
	if (c->opt.flags & STAGECP_F_ATOMIC)
		return stage_file(c, s, d, dpath, f);
	f->named = false;
	/* A create the ring failed is done again, to replace or report. */
	f->fd = made >= 0 ? made
			  : create_replacing(c, s, d, name, dpath, create_file,
					     NULL, "create");
	return f->fd;
}

static int copy_regular(struct worker *w, struct src_ent *s,
			const struct dst_dir *d, const char *name,
			const char *dpath, int made)
{
	struct stagecp_ctx *c = w->c;
	struct data_src ds = { .fd = s->fd, .st = &s->st,
			       .cancel = c->opt.cancel };
	enum stagecp_method used = STAGECP_METHOD_NONE;
	bool atomic = c->opt.flags & STAGECP_F_ATOMIC;
	const char *op = "copy";
	struct staged_file f;
	struct meta_now now;
	struct node dst;
	int r;

	r = open_target(c, s, d, name, dpath, made, &f);
	if (r < 0)
		return r;
	r = engine_data_copy(w, &ds, d->dev, f.fd, &used, &op);
	if (r < 0) {
		report(&c->rep, r == -ESTAGECP_CHANGED ? s->path : dpath, op, r,
		       false);
		goto remove_file;
	}
	dst = (struct node){ .fd = f.fd, .dirfd = d->fd, .name = name };
	now = fresh(c, d, file_create_mode(s));
	r = meta_apply(c, &s->st, &s->x, &dst, &now, dpath);
	if (r == 0 && atomic)
		r = publish_file(c, d, name, dpath, &f);
	if (r < 0)
		goto remove_file;
	uring_close(&w->ring, f.fd);
	note_entry(c, s->path, dpath, STAGECP_ENTRY_FILE, used,
		   (uint64_t)s->st.st_size);
	return 0;
remove_file:
	if (atomic)
		unstage_file(d, &f);
	else {
		remove_partial(d, name, f.fd);
		sys_close(f.fd);
	}
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
		report(&c->rep, s->path, "read symlink", (int)n, false);
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
	enum stagecp_entry_type type = entry_type_of(s->st.st_mode);
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
		now = fresh(c, d, file_create_mode(s));
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

/*
 * Create (or merge into) the destination directory d/name for the source
 * directory s.  It is created owner-only, so its children can be made even
 * when its final mode is 0555; walk_pop_dir() sets the real mode.
 */
int entry_make_dir(struct stagecp_ctx *c, const struct src_ent *s,
		   const struct dst_dir *d, const char *name, const char *dpath,
		   int made, struct meta_now *now)
{
	struct stat st;
	int r, dfd;

	*now = fresh(c, d, 0700);
	r = dstl_check(c, d, name, true, dpath);
	if (r < 0)
		return r;
	r = made != URING_NOT_RUN ? made : sys_mkdirat(d->fd, name, 0700);
	if (r == -EEXIST && d->merged)
		r = dstl_whiteout_to_dir(c, d, name);
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
		if (r == 0 && !S_ISDIR(st.st_mode))
			return report_type_clash(&c->rep, dpath, "create directory",
						 true, -ENOTDIR);
		*now = (struct meta_now){ st.st_uid, st.st_gid,
					  st.st_mode & 07777 };
	}
	if (r < 0) {
		report(&c->rep, dpath, "create directory", r, false);
		return r;
	}
	dfd = sys_openat(d->fd, name, O_RDONLY | O_DIRECTORY | SYS_O_BASE, 0);
	if (dfd < 0)
		report(&c->rep, dpath, "open directory", dfd, false);
	else
		note_entry(c, s->path, dpath, STAGECP_ENTRY_DIR,
			   STAGECP_METHOD_NONE, 0);
	return dfd;
}

/*
 * --strategy=hardlink: the destination name shares the source's inode, so
 * it is only taken for files whose owner and mode the copy keeps.
 */
static bool links_source(const struct stagecp_ctx *c, const struct src_ent *s)
{
	return c->opt.strategy == STAGECP_STRATEGY_HARDLINK &&
	       S_ISREG(s->st.st_mode) && !meta_changes(c, &s->st);
}

/*
 * Link a file that links_source(); made is the ring's linkat, if it ran.
 * Returns 1 when linked, 0 when the file must be copied, or a negative
 * errno.
 */
static int link_source(struct stagecp_ctx *c, const struct src_ent *s,
		       const struct dst_dir *d, const char *name,
		       const char *dpath, int made)
{
	int flags = s->x.at_flags & AT_EMPTY_PATH;
	int r = made == URING_NOT_RUN ? -EEXIST : made;

	if (!links_source(c, s))
		return 0;
	/* Anything but EEXIST from the ring ends the loop at once. */
	for (int i = 0; r == -EEXIST && i < REPLACE_TRIES; i++) {
		r = sys_linkat(s->x.dirfd, s->x.name, d->fd, name, flags);
		if (r == -EEXIST && make_room(c, d, name, dpath) < 0)
			return -ECANCELED;	/* make_room() reported it */
	}
	if (r < 0) {
		/* A forced method that cannot work is an error. */
		report(&c->rep, dpath, "hardlink to source", r, false);
		return r;
	}
	note_entry(c, s->path, dpath, STAGECP_ENTRY_FILE,
		   STAGECP_METHOD_HARDLINK, (uint64_t)s->st.st_size);
	return 1;
}

void entry_ahead(struct worker *w, const struct src_ent *s,
		 const struct dst_dir *d, const char *name, unsigned int idx)
{
	struct stagecp_ctx *c = w->c;
	struct io_uring_sqe *sqe;

	/* Links to keep and layer stacks take more than one call. */
	if (!S_ISREG(s->st.st_mode) || s->st.st_nlink > 1 || d->merged)
		return;
	if (links_source(c, s)) {
		sqe = uring_batch_sqe(&w->ring, IORING_OP_LINKAT, idx);
		if (sqe)
			io_uring_prep_linkat(sqe, s->x.dirfd, s->x.name, d->fd,
					     name, s->x.at_flags & AT_EMPTY_PATH);
		return;
	}
	if (c->opt.flags & STAGECP_F_ATOMIC)
		return;
	sqe = uring_batch_sqe(&w->ring, IORING_OP_OPENAT, idx);
	if (sqe)
		io_uring_prep_openat(sqe, d->fd, name,
				     O_WRONLY | O_CREAT | O_EXCL | SYS_O_BASE,
				     file_create_mode(s));
}

void entry_ahead_dir(struct worker *w, const struct dst_dir *d,
		     const char *name, unsigned int idx)
{
	struct io_uring_sqe *sqe;

	if (d->merged)
		return;
	sqe = uring_batch_sqe(&w->ring, IORING_OP_MKDIRAT, idx);
	if (sqe)
		io_uring_prep_mkdirat(sqe, d->fd, name, 0700);
}

void entry_discard(struct worker *w, const struct src_ent *s,
		   const struct dst_dir *d, const char *name, int made)
{
	/* A link to the source is whole already; a created file is empty. */
	if (made < 0 || links_source(w->c, s))
		return;
	remove_partial(d, name, made);
	sys_close(made);
}

/*
 * A later name of a source inode with several links becomes a link to the
 * first one's copy.  Returns 1 when linked, 0 when the entry is to be
 * copied, or a negative errno.  *first says this is the first name: the
 * map holds a placeholder for it, which settle_first_name() completes.
 * Workers meeting another name of an inode whose first copy is still being
 * made wait for it, so a group never splits in two.
 */
static int link_later_name(struct stagecp_ctx *c, const struct src_ent *s,
			   const struct dst_dir *d, const char *name,
			   const char *dpath, bool *first)
{
	struct hardlink *h;
	ino_t first_ino = 0;
	char *path = NULL;
	int r = 0;

	*first = false;
	if (s->st.st_nlink < 2)
		return 0;
	pthread_mutex_lock(&c->lock);
	while ((h = hardlinks_find(&c->links, s->st.st_dev, s->st.st_ino)) &&
	       !h->dst_path)
		pthread_cond_wait(&c->link_ready, &c->lock);
	if (!h) {
		r = hardlinks_add(&c->links, &s->st, 0, NULL);
		*first = r == 0;
	} else {
		path = strdup(h->dst_path);
		first_ino = h->dst_ino;
		r = path ? 0 : -ENOMEM;
	}
	pthread_mutex_unlock(&c->lock);
	if (!path) {
		if (r < 0)
			report(&c->rep, dpath, "remember hardlink", r, true);
		return 0;
	}
	r = link_to_first(c, path, first_ino, s, d, name, dpath);
	free(path);
	if (r == -ECANCELED)
		return r;
	if (r < 0) {
		/* The first copy is gone or moved: copy this one again. */
		report(&c->rep, dpath, "link to earlier copy", r, true);
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	h = hardlinks_find(&c->links, s->st.st_dev, s->st.st_ino);
	if (h)
		hardlinks_seen(&c->links, h);
	pthread_mutex_unlock(&c->lock);
	note_entry(c, s->path, dpath, STAGECP_ENTRY_HARDLINK,
		   STAGECP_METHOD_HARDLINK,
		   S_ISREG(s->st.st_mode) ? (uint64_t)s->st.st_size : 0);
	return 1;
}

/*
 * The first name of a multiply linked inode is copied (copied true) or
 * failed: complete its placeholder so later names link to it, or drop it
 * so the next name becomes the first.  Waiting workers are woken either way.
 */
static void settle_first_name(struct stagecp_ctx *c, const struct src_ent *s,
			      const struct dst_dir *d, const char *name,
			      const char *dpath, bool copied)
{
	struct hardlink *h;
	struct stat mine;
	int r = copied ? sys_fstatat(d->fd, name, &mine, AT_SYMLINK_NOFOLLOW)
		       : -ECANCELED;

	pthread_mutex_lock(&c->lock);
	h = hardlinks_find(&c->links, s->st.st_dev, s->st.st_ino);
	if (h && r == 0)
		r = hardlinks_set_first(h, mine.st_ino, dpath);
	if (h && r < 0)
		hardlinks_drop(&c->links, h);
	pthread_cond_broadcast(&c->link_ready);
	pthread_mutex_unlock(&c->lock);
	if (r < 0 && r != -ECANCELED)
		report(&c->rep, dpath, "remember hardlink", r, true);
}

/*
 * Copy one non-directory entry.  Links are kept for every type, as cp -a
 * keeps them: a hardlinked symlink stays one inode too.
 */
int entry_copy(struct worker *w, struct src_ent *s, const struct dst_dir *d,
	       const char *name, const char *dpath, int made)
{
	struct stagecp_ctx *c = w->c;
	bool first;
	int r = dstl_check(c, d, name, false, dpath);

	if (r < 0)
		return r;
	r = link_later_name(c, s, d, name, dpath, &first);
	if (r)
		return r < 0 ? r : 0;
	r = link_source(c, s, d, name, dpath, made);
	if (r == 0 && S_ISREG(s->st.st_mode))
		r = copy_regular(w, s, d, name, dpath, made);
	else if (r == 0 && S_ISLNK(s->st.st_mode))
		r = copy_symlink(c, s, d, name, dpath);
	else if (r == 0)
		r = copy_special(c, s, d, name, dpath);
	if (first)
		settle_first_name(c, s, d, name, dpath, r >= 0);
	return r < 0 ? r : 0;
}
