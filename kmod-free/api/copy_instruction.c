// SPDX-License-Identifier: MIT
/*
 * One COPY instruction: where each source goes, by Docker's rules.
 *
 * For each source: resolve it inside the source root (every symlink on the
 * path followed, the last one too); make sure the parent of DEST exists
 * (DEST itself when it ends in "/"); resolve DEST inside the destination
 * root; then a file goes to DEST, or into it when DEST is a directory, and a
 * directory has its contents copied into DEST.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>

#include "api/accounts.h"
#include "api/plan.h"
#include "engine/dryrun.h"
#include "engine/dstlayers.h"
#include "engine/engine.h"
#include "engine/filter.h"
#include "engine/tree.h"
#include "engine/unpack.h"
#include "roots/layers.h"
#include "roots/resolve.h"
#include "roots/stageroot.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

/*
 * Directories a copy creates on the way to DEST (dir): 0755 (or as --chmod
 * says), owned by the caller or the --chown owner, unless the owner
 * callback says otherwise.  With --link every directory on the way is made
 * a real one and given these attributes, as a merged layer would.
 */
static int dest_dir_attr(struct stagecp_ctx *c, const char *dir,
			 struct mkdir_attr *a)
{
	*a = (struct mkdir_attr){
		.mode = modespec_created_dir_mode(&c->mode),
		.chown = c->own_set || c->link || c->owner_fn,
		.uid = c->own_set ? c->own_uid : c->euid,
		.gid = c->own_set ? c->own_gid : c->egid,
		.replace = c->link,
	};
	return engine_owner(c, dir, NULL, &a->uid, &a->gid);
}

/*
 * A DEST path inside the destination root: symlinks on it are followed,
 * except with --link, whose layer has only real directories.
 */
static int dest_path(struct stagecp_ctx *c, const char *path, char **res)
{
	int r;

	if (c->link) {
		*res = path_clean(path);
		return *res ? 0 : -ENOMEM;
	}
	if (c->dst_layered)
		r = layers_resolve_path(&c->res, &c->dst_layers, path, true, res);
	else
		r = resolve_root_path(&c->res, c->to_fd, path, true, res);
	if (r < 0)
		report(&c->rep, path, "resolve", r, false);
	return r;
}

/*
 * Open res, a resolved path, in the destination root.  A new layer that is
 * not made yet (a dry run) is empty: nothing in it exists.
 */
static int dst_open(struct stagecp_ctx *c, const char *res, int flags)
{
	if (c->layer_pending)
		return -ENOENT;
	return resolve_open(&c->res, c->to_fd, res, flags);
}

/* An opened top-level source and the O_PATH fd that found it. */
struct top_src {
	struct src_ent ent;
	int pathfd;
	struct layer_dir layers;	/* a layer stack directory source */
};

static void top_src_close(struct top_src *t)
{
	if (t->layers.n)
		layer_dir_close(&t->layers);	/* ent.fd among them */
	else if (t->ent.fd >= 0)
		sys_close(t->ent.fd);
	if (t->pathfd >= 0)
		sys_close(t->pathfd);
}

/*
 * procfs and sysfs are the kernel's view, not a stage: reading them can
 * block or leak the host, so they are never a source.
 */
static int refuse_kernel_fs(int fd)
{
	struct statfs sfs;
	int r = sys_fstatfs(fd, &sfs);

	if (r < 0)
		return r;
	if (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC)
		return -ESTAGECP_KERNEL_FS;
	return 0;
}

/*
 * Open the source at the symlink-free path res.  It is first reached with
 * O_PATH, which opens nothing: a FIFO or a device is never opened for I/O.
 * Files and directories are then opened for reading and must be the same
 * inode.
 */
static int top_src_open(struct stagecp_ctx *c, const char *res,
			const char *path, struct top_src *t)
{
	struct stat st;
	int flags, r;

	t->ent.fd = -1;
	t->ent.path = path;
	t->pathfd = resolve_open(&c->res, c->from_fd, res, O_PATH);
	if (t->pathfd < 0)
		return t->pathfd;
	r = sys_fstat(t->pathfd, &t->ent.st);
	if (r == 0)
		r = refuse_kernel_fs(t->pathfd);
	if (r < 0)
		goto close_path;
	t->ent.x = (struct node){ .fd = -1, .dirfd = t->pathfd, .name = "",
				  .at_flags = AT_EMPTY_PATH };
	if (S_ISREG(t->ent.st.st_mode))
		flags = SYS_O_SRC;
	else if (S_ISDIR(t->ent.st.st_mode))
		flags = O_RDONLY | O_DIRECTORY | O_NOCTTY;
	else
		return 0;
	t->ent.fd = resolve_open(&c->res, c->from_fd, res, flags);
	if (t->ent.fd < 0) {
		r = t->ent.fd;
		goto close_path;
	}
	r = sys_fstat(t->ent.fd, &st);
	if (r == 0 && (st.st_ino != t->ent.st.st_ino ||
		       st.st_dev != t->ent.st.st_dev))
		r = -ESTALE;
	if (r < 0)
		goto close_fd;
	t->ent.st = st;
	t->ent.x.fd = t->ent.fd;
	return 0;
close_fd:
	sys_close(t->ent.fd);
	t->ent.fd = -1;
close_path:
	sys_close(t->pathfd);
	t->pathfd = -1;
	return r;
}

/*
 * The same for a layer stack source: path is resolved in the merged view,
 * and a directory brings the layer directories that merge into it.
 */
static int top_src_open_layered(struct stagecp_ctx *c, const char *path,
				struct top_src *t)
{
	struct layer_entry e;
	struct stat st;
	int r;

	t->ent.fd = -1;
	t->ent.path = path;
	r = layers_resolve(&c->res, &c->src_layers, path,
			   engine_source_follow(c), &e);
	if (r < 0)
		return r;
	if (e.is_dir) {
		t->layers = e.dir;
		t->ent.fd = e.dir.fd[0];
		t->ent.x = (struct node){ .fd = t->ent.fd, .dirfd = -1 };
		return sys_fstat(t->ent.fd, &t->ent.st);
	}
	t->pathfd = sys_openat(e.dirfd, e.name, O_PATH | SYS_O_BASE, 0);
	r = t->pathfd < 0 ? t->pathfd : sys_fstat(t->pathfd, &t->ent.st);
	t->ent.x = (struct node){ .fd = -1, .dirfd = t->pathfd, .name = "",
				  .at_flags = AT_EMPTY_PATH };
	if (r == 0 && S_ISREG(t->ent.st.st_mode)) {
		t->ent.fd = sys_openat(e.dirfd, e.name, SYS_O_SRC, 0);
		r = t->ent.fd < 0 ? t->ent.fd : sys_fstat(t->ent.fd, &st);
		if (r == 0 && st.st_ino != t->ent.st.st_ino)
			r = -ESTALE;
		if (r == 0 && layers_is_metacopy(&c->src_layers, t->ent.fd))
			r = -EOPNOTSUPP;
		t->ent.x.fd = t->ent.fd;
	}
	layer_entry_close(&e);
	return r;
}

/*
 * Make the directory at the unresolved path dir, with the attributes
 * given, or (given NULL) those of the directories a copy makes on the way
 * to DEST; returns its fd, and for a destination layer stack its merged
 * layers in *merged.
 */
static int make_dirs_attr(struct stagecp_ctx *c, const char *dir,
			  const struct mkdir_attr *given, char **res,
			  struct layer_dir *merged)
{
	struct mkdir_attr attr;
	char *failed = NULL;
	int r = dest_path(c, dir, res);

	memset(merged, 0, sizeof(*merged));
	if (r < 0)
		return r;
	if (given) {
		attr = *given;
	} else {
		r = dest_dir_attr(c, *res, &attr);
		if (r < 0) {
			report(&c->rep, *res, "choose owner", r, false);
			free(*res);
			*res = NULL;
			return r;
		}
	}
	if (c->dst_layered && !c->link)
		r = dstl_mkdirs(c, *res, &attr, &failed, merged);
	else
		r = resolve_mkdirs(&c->res, c->to_fd, *res, &attr, &failed);
	if (r < 0) {
		report(&c->rep, failed ? failed : *res, "mkdir", r, false);
		free(failed);
		free(*res);
		*res = NULL;
	}
	return r;
}

static int make_dirs(struct stagecp_ctx *c, const char *dir, char **res,
		     struct layer_dir *merged)
{
	return make_dirs_attr(c, dir, NULL, res, merged);
}

/*
 * Whether the destination directory dfd is the source directory or lies
 * below it: the copy would then walk into its own output.  Walks up by
 * "..", which the kernel resolves, until the filesystem root.
 */
static int dest_in_source(const struct stat *src, int dfd)
{
	struct stat st, up;
	int fd = sys_dup(dfd), r = fd < 0 ? fd : 0;

	while (r == 0) {
		int parent;

		r = sys_fstat(fd, &st);
		if (r < 0)
			break;
		if (st.st_dev == src->st_dev && st.st_ino == src->st_ino) {
			r = 1;
			break;
		}
		parent = sys_openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC,
				    0);
		if (parent < 0) {
			r = parent;
			break;
		}
		r = sys_fstat(parent, &up);
		sys_close(fd);
		fd = parent;
		if (r == 0 && up.st_dev == st.st_dev && up.st_ino == st.st_ino)
			break;	/* the root: ".." is itself */
	}
	if (fd >= 0)
		sys_close(fd);
	return r;
}

/*
 * A directory source: its contents go into target, made if missing.  With
 * STAGECP_F_COPY_DIR a target the copy makes is a copy of the directory
 * itself and takes its metadata.
 */
static int copy_dir_source(struct stagecp_ctx *c, struct top_src *t,
			   const char *target, const struct stat *tst,
			   const struct filter *filter)
{
	bool whole = !tst && (c->opt.flags & STAGECP_F_COPY_DIR);
	struct layer_dir merged;
	struct meta_now now;
	struct dst_dir d;
	struct stat st;
	char *res = NULL;
	int fd, r;

	if (tst && !S_ISDIR(tst->st_mode) && !c->link)
		return report_type_clash(&c->rep, target, "copy", true, -ENOTDIR);
	fd = make_dirs(c, target, &res, &merged);
	if (fd < 0)
		return fd;
	r = dst_dir_init(c, &d, fd, target);
	d.merged = c->dst_layered ? &merged : NULL;
	if (r == 0 && whole) {
		r = sys_fstat(fd, &st);
		now = (struct meta_now){ st.st_uid, st.st_gid,
					 st.st_mode & 07777 };
		if (r < 0)
			report(&c->rep, target, "stat", r, false);
	}
	if (r == 0)
		r = tree_copy_contents(c, &t->ent,
				       t->layers.n ? &t->layers : NULL, &d, res,
				       filter_active(filter) ? filter : NULL,
				       whole ? &now : NULL);
	/* A directory copied as itself is one of the copied entries. */
	if (r == 0 && whole)
		note_entry(c, t->ent.path, target, STAGECP_ENTRY_DIR,
			   STAGECP_METHOD_NONE, 0);
	layer_dir_close(&merged);
	sys_close(fd);
	free(res);
	return r;
}

/* A non-directory source: it becomes target. */
static int copy_leaf_source(struct stagecp_ctx *c, struct top_src *t,
			    const char *target)
{
	char *parent = path_dir(target);
	struct worker w = { .c = c };
	struct layer_dir merged;
	struct dst_dir d;
	char *res = NULL;
	int fd, r;

	if (!parent)
		return -ENOMEM;
	fd = make_dirs(c, parent, &res, &merged);
	free(parent);
	if (fd < 0)
		return fd;
	r = dst_dir_init(c, &d, fd, res);
	d.merged = c->dst_layered ? &merged : NULL;
	if (r == 0)
		r = entry_copy(&w, &t->ent, &d, path_base(target), target,
			       URING_NOT_RUN);
	layer_dir_close(&merged);
	worker_free(&w);
	sys_close(fd);
	free(res);
	return r;
}

/*
 * Where a source of this type goes for this DEST: into it when the source
 * is not a directory and DEST is one.  *tst tells whether (and as what) the
 * target exists.
 */
/* An O_PATH fd of a destination layer stack entry, in the merged view. */
static int open_in_dst_layers(struct stagecp_ctx *c, const char *path)
{
	struct layer_entry e;
	int r = layers_resolve(&c->res, &c->dst_layers, path, false, &e);

	if (r < 0)
		return r;
	r = e.is_dir ? sys_dup(e.dir.fd[0])
		     : sys_openat(e.dirfd, e.name, O_PATH | SYS_O_BASE, 0);
	layer_entry_close(&e);
	return r;
}

/*
 * STAGECP_F_NO_DEST_PARENTS: the directory dir must exist already.  Returns
 * an O_PATH fd of it (and nothing in *merged) or a reported negative errno.
 */
static int open_dest_dir(struct stagecp_ctx *c, const char *dir,
			 struct layer_dir *merged)
{
	struct stat st;
	char *res;
	int fd, r;

	memset(merged, 0, sizeof(*merged));
	r = dest_path(c, dir, &res);
	if (r < 0)
		return r;
	fd = c->dst_layered ? open_in_dst_layers(c, res)
			    : dst_open(c, res, O_PATH);
	r = fd < 0 ? fd : sys_fstat(fd, &st);
	if (r == 0 && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r < 0) {
		report(&c->rep, res, "open destination directory", r, false);
		if (fd >= 0)
			sys_close(fd);
		fd = r;
	}
	free(res);
	return fd;
}

static int place_source(struct stagecp_ctx *c, const struct top_src *t,
			const char *src, const char *dest, bool dest_is_dir,
			char **target, struct stat *tst, bool *exists)
{
	char *res;
	int fd, r;

	r = dest_path(c, dest, &res);
	if (r < 0)
		return r;
	fd = c->dst_layered ? open_in_dst_layers(c, res)
			    : dst_open(c, res, O_PATH);
	*exists = fd >= 0;
	if (fd >= 0) {
		r = sys_fstat(fd, tst);
		sys_close(fd);
	} else if (fd != -ENOENT) {
		r = fd;
	}
	if (r < 0) {
		report(&c->rep, res, "stat", r, false);
		free(res);
		return r;
	}
	/* A dry run made no directory for a DEST ending in "/". */
	if (!*exists && dest_is_dir && (c->opt.flags & STAGECP_F_DRY_RUN)) {
		tst->st_mode = S_IFDIR;
		*exists = true;
	}
	if ((!S_ISDIR(t->ent.st.st_mode) ||
	     (c->opt.flags & STAGECP_F_COPY_DIR)) &&
	    *exists && S_ISDIR(tst->st_mode)) {
		*target = path_join_clean(res, path_base(src));
		free(res);
		*exists = false;	/* looked up again when created */
		return *target ? 0 : -ENOMEM;
	}
	*target = res;
	return 0;
}

/*
 * The deepest directory on the way to the DEST path that exists already,
 * opened O_PATH (the root when nothing does).
 */
static int open_existing_ancestor(struct stagecp_ctx *c, const char *dest)
{
	char *res, *cut;
	int fd, r;

	/* A new layer to be made: its parent is where it would be. */
	if (c->layer_pending)
		return sys_dup(c->layer_parent_fd);
	r = dest_path(c, dest, &res);
	if (r < 0)
		return r;
	while ((fd = dst_open(c, res, O_PATH | O_DIRECTORY)) ==
		       -ENOENT && strcmp(res, "/")) {
		cut = path_dir(res);
		free(res);
		res = cut;
		if (!res)
			return -ENOMEM;
	}
	free(res);
	return fd;
}

/*
 * Refuse a directory copy into itself before anything is made: check the
 * deepest part of DEST that exists already.
 */
static int check_not_inside(struct stagecp_ctx *c, const struct top_src *t,
			    const char *dest)
{
	int fd, r;

	if (!S_ISDIR(t->ent.st.st_mode))
		return 0;
	fd = open_existing_ancestor(c, dest);
	if (fd < 0)
		return 0;	/* what cannot be opened is reported later */
	r = dest_in_source(&t->ent.st, fd);
	sys_close(fd);
	if (r <= 0)
		return r;
	report_errmsg(&c->rep, dest, "copy", -ELOOP, "the destination is inside "
		      "the source directory", false);
	return -ELOOP;
}

/*
 * --dry-run: tell what the copy of t to target would do.  Directories that
 * do not exist yet are reported as created; nothing is.
 */
static int dry_run_item(struct stagecp_ctx *c, struct top_src *t,
			const char *target, const struct filter *filter)
{
	bool is_dir = S_ISDIR(t->ent.st.st_mode);
	char *parent = is_dir ? strdup(target) : path_dir(target);
	enum stagecp_method method = STAGECP_METHOD_NONE;
	char *res;
	int dfd, anc, r;

	if (!parent)
		return -ENOMEM;
	anc = open_existing_ancestor(c, target);
	if (anc >= 0) {
		int probe = t->ent.fd >= 0 ? t->ent.fd : t->pathfd;

		method = dryrun_predict(c, probe, anc);
		sys_close(anc);
	}
	r = dest_path(c, parent, &res);
	if (r < 0)
		goto free_parent;
	dfd = dst_open(c, res, O_RDONLY | O_DIRECTORY);
	free(res);
	if (is_dir) {
		if (dfd < 0)
			note_entry_action(c, t->ent.path, target,
					  STAGECP_ENTRY_DIR,
					  STAGECP_METHOD_NONE, 0,
					  STAGECP_ACTION_CREATE);
		r = dryrun_contents(c, &t->ent, dfd < 0 ? -1 : dfd, target,
				    filter_active(filter) ? filter : NULL,
				    method);
	} else {
		r = dryrun_leaf(c, &t->ent, dfd < 0 ? -1 : dfd,
				path_base(target), target, method);
	}
	if (dfd >= 0)
		sys_close(dfd);
free_parent:
	free(parent);
	return r;
}

static int copy_item(struct stagecp_ctx *c, const struct plan_item *it,
		     const char *dest, bool dest_is_dir)
{
	struct top_src t = { .ent.fd = -1, .pathfd = -1 };
	char *sres = NULL, *ensure = NULL, *eres = NULL, *target = NULL;
	struct layer_dir merged;
	struct filter filter;
	struct stat tst;
	bool exists;
	int r, fd;

	r = filter_init(&filter, c, it->include);
	if (r < 0)
		return r;
	if (c->layered)
		r = top_src_open_layered(c, it->path, &t);
	else
		r = resolve_root_path(&c->res, c->from_fd, it->path,
				      engine_source_follow(c), &sres);
	if (r == 0 && !c->layered)
		r = top_src_open(c, sres, it->path, &t);
	if (r < 0) {
		report(&c->rep, it->path, "open source", r, false);
		goto free_paths;
	}
	r = check_not_inside(c, &t, dest);
	if (r < 0)
		goto close_src;
	if ((c->opt.flags & STAGECP_F_DRY_RUN) &&
	    (c->layered || c->dst_layered)) {
		/* The dry walk reads plain directories only. */
		report_errmsg(&c->rep, it->path, "dry run", -EOPNOTSUPP,
			      "a dry run of a layer stack is not supported",
			      false);
		r = -EOPNOTSUPP;
		goto close_src;
	}
	if (c->opt.flags & STAGECP_F_DRY_RUN) {
		r = place_source(c, &t, it->path, dest, dest_is_dir, &target,
				 &tst, &exists);
		if (r == 0)
			r = dry_run_item(c, &t, target, &filter);
		goto close_src;
	}
	/* The parent of DEST always exists after a copy, and so does DEST
	 * itself when it names a directory. */
	ensure = dest_is_dir ? strdup(dest) : path_dir(dest);
	if (!ensure) {
		r = -ENOMEM;
		goto close_src;
	}
	if (c->opt.flags & STAGECP_F_NO_DEST_PARENTS)
		fd = open_dest_dir(c, ensure, &merged);
	else
		fd = make_dirs(c, ensure, &eres, &merged);
	if (fd < 0) {
		r = fd;
		goto close_src;
	}
	layer_dir_close(&merged);
	sys_close(fd);
	r = place_source(c, &t, it->path, dest, dest_is_dir, &target, &tst,
			 &exists);
	if (r < 0)
		goto close_src;
	if (S_ISDIR(t.ent.st.st_mode))
		r = copy_dir_source(c, &t, target, exists ? &tst : NULL,
				    &filter);
	else
		r = copy_leaf_source(c, &t, target);
close_src:
	top_src_close(&t);
free_paths:
	filter_free(&filter);
	free(sres);
	free(ensure);
	free(eres);
	free(target);
	return r;
}

/*
 * stagecp's decision: several sources need a directory DEST, or the later
 * ones would silently replace the earlier.
 */
static int check_many_sources(struct stagecp_ctx *c, const struct plan *p,
			      const char *dest, bool dest_is_dir)
{
	char *res;
	int fd, r;

	if (p->n < 2 || dest_is_dir)
		return 0;
	/* A new layer to be made holds its root directory alone. */
	r = c->layer_pending ? (strcmp(dest, "/") ? -ENOENT : 1)
			     : resolve_root_path(&c->res, c->to_fd, dest, true,
						 &res);
	if (r == 1)
		return 0;
	if (r == 0) {
		fd = dst_open(c, res, O_PATH | O_DIRECTORY);
		free(res);
		if (fd >= 0) {
			sys_close(fd);
			return 0;
		}
	}
	report_errmsg(&c->rep, dest, "copy", -ENOTDIR, "When using COPY with more "
		      "than one source file, the destination must be a "
		      "directory and end with a /", false);
	return -EINVAL;
}

/* The time spent and the result of one stagecp_copy() or stagecp_add(). */
static int copy_end(struct stagecp_ctx *c, uint64_t start, int r)
{
	c->stats.elapsed_ns = c->elapsed_base + (engine_now_ns() - start);
	if (engine_cancelled(c))
		return -ECANCELED;
	return c->rep.first_err ? c->rep.first_err : r;
}

/*
 * Two copies writing into one stage root at once would interleave their
 * replacements of the same names: the second one is refused before it
 * writes.  Only a root the caller names is locked, --to or a stack's upper
 * directory: a copy into "/" or the current directory is cp-like and
 * stays unlocked.
 */
static int lock_destination(struct stagecp_ctx *c, int *lock_fd)
{
	const char *name = c->dst_layered ? "upper directory" : c->to_root;
	int r;

	*lock_fd = -1;
	if ((c->opt.flags & STAGECP_F_DRY_RUN) || !name)
		return 0;
	r = stage_root_lock(c->to_fd);
	if (r >= 0) {
		*lock_fd = r;
		return 0;
	}
	if (r == -EOPNOTSUPP)
		return 0;
	if (r == -EWOULDBLOCK)
		report_errmsg(&c->rep, name, "lock stage root", r,
			      "another copy is writing into this stage root: "
			      "wait for it, or copy into another stage", false);
	else
		report(&c->rep, name, "lock stage root", r, false);
	return r;
}

/*
 * The copy has been checked: make a new layer's directory (not in a dry
 * run) and lock the destination.  A layer made here is removed again if
 * the lock fails.
 */
static int start_writing(struct stagecp_ctx *c, int *lock_fd)
{
	int r = 0;

	*lock_fd = -1;
	if (!(c->opt.flags & STAGECP_F_DRY_RUN))
		r = engine_new_layer_make(c);
	if (r == 0)
		r = lock_destination(c, lock_fd);
	if (r < 0)
		engine_new_layer_undo(c);
	return r;
}

/* One root, still the directory the copy used? */
static int check_root(struct stagecp_ctx *c, const char *path,
		      const struct stage_root_id *id, const char *what)
{
	char msg[160];
	int r = stage_root_id_check(path, id);

	if (r == 0)
		return 0;
	snprintf(msg, sizeof(msg), "the %s root was unmounted or replaced "
		 "during the copy (%s): the copy is not in the stage", what,
		 r == -ESTALE ? "it names another directory now"
			      : "it is gone");
	report_errmsg(&c->rep, path, "check stage root", -ESTALE, msg, false);
	return -ESTALE;
}

/*
 * A stage unmounted while we copied: our fds kept the detached mount
 * alive, so the copy went on there, out of the builder's sight.
 */
static int check_roots(struct stagecp_ctx *c)
{
	int r = 0;

	if (c->from_root && check_root(c, c->from_root, &c->from_id,
				       "source") < 0)
		r = -ESTALE;
	if (c->to_root && check_root(c, c->to_root, &c->to_id,
				     "destination") < 0)
		r = -ESTALE;
	return r;
}

int stagecp_copy(struct stagecp_ctx *c, const char *const *srcs,
		 size_t nsrcs, const char *dest)
{
	uint64_t start = engine_now_ns();
	struct plan plan = { 0 };
	bool dest_is_dir;
	int lock_fd = -1, r;
	char *dabs;

	c->rep.first_err = 0;
	c->copy_start = start;
	c->elapsed_base = c->stats.elapsed_ns;
	/* A relative DEST starts at the workdir; "" and "." name it. */
	dest_is_dir = path_names_dir(dest);
	dabs = dest[0] == '/' ? path_clean(dest)
			      : path_join_clean(c->workdir, dest);
	if (!dabs)
		return -ENOMEM;
	/* Everything that can be found wrong is found before writing. */
	r = accounts_resolve_owner(c);
	if (r == 0)
		r = plan_build(c, srcs, nsrcs, &plan);
	if (r == 0)
		r = check_many_sources(c, &plan, dabs, dest_is_dir);
	r = r < 0 ? r : start_writing(c, &lock_fd);
	for (size_t i = 0; r == 0 && i < plan.n && !engine_cancelled(c); i++)
		copy_item(c, &plan.v[i], dabs, dest_is_dir);
	if (r == 0 && !engine_cancelled(c))
		r = check_roots(c);
	if (lock_fd >= 0)
		sys_close(lock_fd);
	plan_free(&plan);
	free(dabs);
	return copy_end(c, start, r);
}

/*
 * ADD: is the source at path a regular file holding a tar archive?  Then
 * *fd is open on it.  Anything else, failures included, is left to the
 * copy, which reports them.
 */
static int open_archive(struct stagecp_ctx *c, const char *path, int *fd)
{
	struct stat st;
	char *res;
	int pfd, r;

	*fd = -1;
	if (c->layered)
		return 0;	/* a layer stack's files are copied as files */
	r = resolve_root_path(&c->res, c->from_fd, path, true, &res);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	/* O_PATH first: a FIFO or a device is never opened for I/O. */
	pfd = resolve_open(&c->res, c->from_fd, res, O_PATH);
	r = pfd < 0 ? pfd : sys_fstat(pfd, &st);
	if (r == 0 && S_ISREG(st.st_mode)) {
		*fd = resolve_open(&c->res, c->from_fd, res, SYS_O_SRC);
		r = *fd < 0 ? 0 : unpack_probe(*fd);
		if (*fd >= 0)
			sys_close(*fd);
		*fd = -1;
		/* A second open: libarchive read the first one's offset. */
		if (r == 1)
			*fd = resolve_open(&c->res, c->from_fd, res, SYS_O_SRC);
	}
	if (pfd >= 0)
		sys_close(pfd);
	free(res);
	return r == -ENOMEM ? r : 0;
}

static int add_archive(struct stagecp_ctx *c, int fd, const char *src,
		       const char *dest)
{
	struct layer_dir merged;
	char *res = NULL;
	int dfd, r;

	if (c->dst_layered) {
		report_msg(&c->rep, src, "extract", "ADD of an archive into a "
			   "layer stack destination is not supported", false);
		return -EOPNOTSUPP;
	}
	if (c->opt.flags & STAGECP_F_DRY_RUN) {
		res = path_clean(dest);
		r = res ? unpack_archive(c, fd, src, -1, res) : -ENOMEM;
		free(res);
		return r;
	}
	dfd = make_dirs(c, dest, &res, &merged);
	if (dfd < 0)
		return dfd;
	r = unpack_archive(c, fd, src, dfd, res);
	sys_close(dfd);
	free(res);
	return r;
}

int stagecp_add(struct stagecp_ctx *c, const char *const *srcs, size_t nsrcs,
		const char *dest)
{
	uint64_t start = engine_now_ns();
	struct plan plan = { 0 };
	bool dest_is_dir, any = false;
	int *fds = NULL, lock_fd = -1;
	char *dabs;
	size_t i;
	int r;

	c->rep.first_err = 0;
	r = accounts_resolve_owner(c);
	if (r == 0)
		r = plan_build(c, srcs, nsrcs, &plan);
	if (r == 0) {
		fds = calloc(plan.n + 1, sizeof(*fds));
		r = fds ? 0 : -ENOMEM;
	}
	for (i = 0; r == 0 && i < plan.n; i++) {
		r = open_archive(c, plan.v[i].path, &fds[i]);
		any |= fds[i] >= 0;
	}
	if (r || !any) {
		for (i = 0; fds && i < plan.n; i++)
			if (fds[i] >= 0)
				sys_close(fds[i]);
		free(fds);
		plan_free(&plan);
		return r ? r : stagecp_copy(c, srcs, nsrcs, dest);
	}
	c->copy_start = start;
	c->elapsed_base = c->stats.elapsed_ns;
	dest_is_dir = path_names_dir(dest);
	dabs = dest[0] == '/' ? path_clean(dest)
			      : path_join_clean(c->workdir, dest);
	r = dabs ? check_many_sources(c, &plan, dabs, dest_is_dir) : -ENOMEM;
	if (r == 0)
		r = start_writing(c, &lock_fd);
	for (i = 0; r == 0 && i < plan.n && !engine_cancelled(c); i++) {
		if (fds[i] < 0)
			copy_item(c, &plan.v[i], dabs, dest_is_dir);
		else if (add_archive(c, fds[i], plan.v[i].path, dabs) < 0 &&
			 !c->rep.first_err)
			c->rep.first_err = -EIO;
	}
	if (r == 0 && !engine_cancelled(c))
		r = check_roots(c);
	if (lock_fd >= 0)
		sys_close(lock_fd);
	for (i = 0; i < plan.n; i++)
		if (fds[i] >= 0)
			sys_close(fds[i]);
	free(fds);
	plan_free(&plan);
	free(dabs);
	return copy_end(c, start, r);
}

int stagecp_make_workdir(struct stagecp_ctx *c, const char *path)
{
	struct mkdir_attr attr = { .mode = 0755 };
	struct layer_dir merged;
	char *dabs, *res = NULL;
	int fd, anc;

	c->rep.first_err = 0;
	dabs = path[0] == '/' ? path_clean(path)
			      : path_join_clean(c->workdir, path);
	if (!dabs)
		return -ENOMEM;
	if (c->opt.flags & STAGECP_F_DRY_RUN) {
		/* Only tell whether it would be made. */
		fd = dest_path(c, dabs, &res);
		anc = fd < 0 ? -1 : dst_open(c, res,
						 O_PATH | O_DIRECTORY);
		if (anc >= 0)
			sys_close(anc);
		else if (fd == 0)
			note_entry_action(c, dabs, dabs, STAGECP_ENTRY_DIR,
					  STAGECP_METHOD_NONE, 0,
					  STAGECP_ACTION_CREATE);
		free(res);
		free(dabs);
		return fd < 0 ? fd : 0;
	}
	fd = engine_new_layer_make(c);
	if (fd == 0)
		fd = make_dirs_attr(c, dabs, &attr, &res, &merged);
	free(dabs);
	free(res);
	if (fd < 0)
		return fd;
	layer_dir_close(&merged);
	sys_close(fd);
	return 0;
}
