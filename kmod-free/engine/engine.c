// SPDX-License-Identifier: MIT
/* The engine context: options, roots, stats and error reporting. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/engine.h"
#include "roots/ovlmount.h"
#include "roots/resolve.h"
#include "seam/dirnames.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

/* The read/write loop's buffer: big enough to amortise the syscalls. */
#define RW_BUFLEN (1u << 20)

void stagecp_options_init(struct stagecp_options *o)
{
	memset(o, 0, sizeof(*o));
	o->strategy = STAGECP_STRATEGY_AUTO;
}

static int dup_opt(const char *in, char **out)
{
	if (!in) {
		*out = NULL;
		return 0;
	}
	*out = strdup(in);
	return *out ? 0 : -ENOMEM;
}

/*
 * Open a root; which is what it is to the user ("the destination root
 * (--to)").  A root is never created: one that is missing says so.
 */
static int open_root(struct stagecp_ctx *c, const char *path,
		     const char *which, int *fd)
{
	char op[96], msg[128];

	*fd = resolve_open_root(path);
	if (*fd >= 0)
		return 0;
	snprintf(op, sizeof(op), "open %s", which);
	if (*fd == -ENOENT || *fd == -ENOTDIR) {
		snprintf(msg, sizeof(msg), "%s; a stage root must be an "
			 "existing directory", *fd == -ENOENT ?
			 "no such directory" : "not a directory");
		report_errmsg(&c->rep, path, op, *fd, msg, false);
	} else {
		report(&c->rep, path, op, *fd, false);
	}
	return *fd;
}

/*
 * The workdir when none is given: "/" for an explicit destination root, and
 * otherwise the current directory, so that `stagecp build/ dist/` works in
 * a shell with the root at "/".
 */
static int default_workdir(struct stagecp_ctx *c)
{
	char *cwd;
	int r;

	if (c->opt.to_root || c->opt.nto_layers) {
		c->workdir = strdup("/");
		return c->workdir ? 0 : -ENOMEM;
	}
	r = sys_getcwd(&cwd);
	if (r < 0) {
		report(&c->rep, ".", "get current directory", r, false);
		return r;
	}
	c->workdir = path_clean(cwd);
	free(cwd);
	return c->workdir ? 0 : -ENOMEM;
}

/* A malformed option, named with its value: "--chmod=u+q". */
static void report_option(struct stagecp_ctx *c, const char *name,
			  const char *value, const char *op, const char *err)
{
	char *path;

	if (asprintf(&path, "%s=%s", name, value) < 0) {
		report_msg(&c->rep, name, op, err, false);
		return;
	}
	report_msg(&c->rep, path, op, err, false);
	free(path);
}

/*
 * A source root that is a mounted overlay is read from its layers when it
 * can be: their files clone, the overlay's do not across mounts.  Between
 * two overlay mounts, though, copy_file_range through the mounts reflinks
 * and layer files into an overlay do not: then the mount is read.
 */
static int choose_overlay_source(struct stagecp_ctx *c)
{
	struct ovl_mount m;
	const char *why;
	int r;

	if (!ovl_is_overlay(c->from_fd))
		return 0;
	r = ovl_mount_read(c->from_fd, &m);
	if (r < 0)
		return r;
	why = m.why;
	if (!why && ovl_is_overlay(engine_dst_probe_fd(c)))
		why = "the destination is an overlay mount too, and "
		      "copy_file_range between the mounts reflinks";
	if (!why) {
		r = layers_open(&c->res, &c->src_layers,
				(const char *const *)m.layers, m.n, m.user);
		if (r == 0) {
			c->layered = true;
			c->src_layers.mount_fd = sys_dup(c->from_fd);
		} else {
			layers_close(&c->src_layers);
		}
	}
	if (r == 0 && why &&
	    asprintf(&c->source_desc, "through the overlay mount %s (%s)",
		     c->from_root, why) < 0)
		c->source_desc = NULL;
	if (r == 0 && !why &&
	    asprintf(&c->source_desc, "layers of the overlay mount %s (%zu "
		     "layers%s%s): clone from layer files", c->from_root, m.n,
		     m.upper ? ", its upper directory first" : "",
		     m.user ? ", userxattr" : "") < 0)
		c->source_desc = NULL;
	ovl_mount_free(&m);
	return r;
}

const char *stagecp_workdir(const struct stagecp_ctx *c)
{
	return c->workdir;
}

/*
 * A plain source copied into an overlay stage whose upper directory is on
 * the source's filesystem: FICLONE and copy_file_range between them answer
 * EXDEV, but copy_file_range from a detached overlay view of the source
 * reflinks.  Where the view cannot be made (detached_overlay_falls_back()),
 * the copy goes on as before, after one notice.
 */
static int choose_detached_view(struct stagecp_ctx *c)
{
	struct stat src;
	char msg[256], what[64];
	const char *op;
	dev_t under;
	int r;

	if (c->layered || c->dst_layered ||
	    c->opt.strategy != STAGECP_STRATEGY_AUTO ||
	    ovl_is_overlay(c->from_fd) ||
	    !ovl_is_overlay(engine_dst_probe_fd(c)))
		return 0;
	if (sys_fstat(c->from_fd, &src) < 0 ||
	    ovl_upper_dev(engine_dst_probe_fd(c), &under) < 0 || under != src.st_dev)
		return 0;
	r = detached_overlay_make(&c->view, c->from_fd, &op);
	if (r == 0) {
		if (asprintf(&c->source_desc, "%s, read with copy_file_range "
			     "via a detached overlay", c->from_root) < 0)
			c->source_desc = NULL;
		return 0;
	}
	if (!detached_overlay_falls_back(r)) {
		report(&c->rep, c->from_root, op, r, false);
		return r;
	}
	snprintf(what, sizeof(what), "detached overlay view: %s", op);
	snprintf(msg, sizeof(msg), "%s; the data is copied by read/write "
		 "instead", strerror(-r));
	report_errmsg(&c->rep, c->from_root, what, r, msg, true);
	if (asprintf(&c->source_desc, "%s, read directly: no %s (%s)",
		     c->from_root, what, strerror(-r)) < 0)
		c->source_desc = NULL;
	return 0;
}

const char *stagecp_source_description(const struct stagecp_ctx *c)
{
	return c->source_desc;
}

/*
 * A new layer has no accounts of its own: --chown names come from the base
 * it will be stacked on.
 */
static int open_accounts_root(struct stagecp_ctx *c,
			      const struct stagecp_options *o)
{
	if (o->nbase_layers)
		return layers_open(&c->res, &c->acct_layers, o->base_layers,
				   o->nbase_layers, o->userxattr);
	if (o->base_root)
		return open_root(c, o->base_root, "the base root (--base)",
				 &c->acct_fd);
	c->acct_none = o->flags & STAGECP_F_NEW_LAYER;
	return 0;
}

/* A new layer holds the copy alone: a directory already there must be
 * empty. */
static int new_layer_check_empty(struct stagecp_ctx *c, const char *path)
{
	struct dir_names names = { 0 };
	int fd, r;

	fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | SYS_O_BASE, 0);
	r = fd < 0 ? fd : dir_names_read(&names, fd);
	if (r < 0)
		report(&c->rep, path, "open layer", r, false);
	else if (names.n)
		report_errmsg(&c->rep, path, "create layer", -EEXIST, "a new "
			      "layer must be empty", false);
	if (r == 0 && names.n)
		r = -EEXIST;
	dir_names_free(&names);
	if (fd >= 0)
		sys_close(fd);
	return r;
}

/*
 * --to-layer: an existing directory is opened as the root.  A missing one
 * is made only by engine_new_layer_make(), once the copy has been checked,
 * so that a refused copy makes nothing; until then its parent answers the
 * questions asked of the destination's filesystem.
 */
static int new_layer_open(struct stagecp_ctx *c, const char *path)
{
	struct stat st;
	char *copy;
	int r;

	r = sys_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);
	if (r == -ENOENT) {
		copy = strdup(path);
		if (!copy)
			return -ENOMEM;
		r = open_root(c, dirname(copy),
			      "the parent of the new layer (--to-layer)",
			      &c->layer_parent_fd);
		free(copy);
		c->layer_pending = r == 0;
		return r;
	}
	r = open_root(c, path, "the new layer (--to-layer)", &c->to_fd);
	return r < 0 ? r : new_layer_check_empty(c, path);
}

int engine_new_layer_make(struct stagecp_ctx *c)
{
	int r;

	if (!c->layer_pending)
		return 0;
	r = sys_mkdirat(AT_FDCWD, c->to_root, 0755);
	if (r < 0) {
		report(&c->rep, c->to_root, "create layer", r, false);
		return r;
	}
	c->layer_pending = false;
	c->layer_made = true;
	sys_close(c->layer_parent_fd);
	c->layer_parent_fd = -1;
	r = open_root(c, c->to_root, "the new layer (--to-layer)", &c->to_fd);
	/* Made by someone else between our mkdir and open: not ours. */
	if (r == 0)
		r = new_layer_check_empty(c, c->to_root);
	if (r == 0)
		(void)stage_root_id_get(c->to_fd, &c->to_id);
	else
		engine_new_layer_undo(c);
	return r;
}

void engine_new_layer_undo(struct stagecp_ctx *c)
{
	/* Still empty: nothing was written.  A directory that was there
	 * before is not ours to remove. */
	if (c->layer_made && sys_unlinkat(AT_FDCWD, c->to_root,
					  AT_REMOVEDIR) == 0)
		c->layer_made = false;
}

int engine_dst_probe_fd(const struct stagecp_ctx *c)
{
	return c->layer_pending ? c->layer_parent_fd : c->to_fd;
}

/* The default number of workers: one per online CPU. */
static unsigned int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

/* Keep the options' strings: the caller may free its copies. */
static int copy_copy_options(struct stagecp_ctx *c,
			     const struct stagecp_options *o)
{
	char err[256];
	int r;

	r = dup_opt(o->chown, &c->chown_copy);
	if (r == 0)
		r = dup_opt(o->chmod, &c->chmod_copy);
	if (r < 0)
		return r;
	c->opt.chown = c->chown_copy;
	c->opt.chmod = c->chmod_copy;
	c->opt.excludes = NULL;
	if (o->nexcludes) {
		c->exclude_copy = calloc(o->nexcludes, sizeof(char *));
		if (!c->exclude_copy)
			return -ENOMEM;
		for (size_t i = 0; i < o->nexcludes; i++) {
			r = dup_opt(o->excludes[i], &c->exclude_copy[i]);
			if (r < 0)
				return r;
		}
		c->opt.excludes = (const char *const *)c->exclude_copy;
	}
	r = ignore_compile(&c->excludes, c->opt.excludes, o->nexcludes, err,
			   sizeof(err));
	if (r == -EINVAL)
		report_msg(&c->rep, "--exclude", "parse pattern", err, false);
	if (r == 0 && c->opt.chmod) {
		r = modespec_parse(c->opt.chmod, &c->mode, err, sizeof(err));
		if (r == -EINVAL)
			report_option(c, "--chmod", c->opt.chmod, "parse mode",
				      err);
	}
	return r;
}

int stagecp_new(struct stagecp_ctx **out, const struct stagecp_options *o)
{
	struct stagecp_ctx *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->opt = *o;
	c->from_fd = c->to_fd = c->acct_fd = c->view.root = -1;
	c->layer_parent_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->link_ready, NULL);
	share_list_init(&c->shares);
	c->jobs = o->jobs ? o->jobs : online_cpus();
	c->rep = (struct report){
		.lock = &c->lock,
		.on_error = o->on_error,
		.arg = o->error_arg,
	};
	c->res = (struct resolver){
		.rep = &c->rep,
		.no_openat2 = o->flags & STAGECP_F_NO_OPENAT2,
	};
	r = dup_opt(o->from_root, &c->from_root);
	if (r == 0)
		r = dup_opt(o->to_root, &c->to_root);
	if (r < 0)
		goto free_ctx;
	c->opt.from_root = c->from_root;
	c->opt.to_root = c->to_root;
	c->opt.from_layers = NULL;	/* the caller's: used here only */
	c->opt.to_layers = NULL;
	r = copy_copy_options(c, o);
	if (r < 0)
		goto free_ctx;
	if (o->workdir) {
		c->workdir = path_clean(o->workdir);
		r = c->workdir ? 0 : -ENOMEM;
	} else {
		r = default_workdir(c);
	}
	if (r < 0)
		goto free_ctx;
	c->opt.workdir = c->workdir;
	if (o->nfrom_layers) {
		c->layered = true;
		r = layers_open(&c->res, &c->src_layers, o->from_layers,
				o->nfrom_layers, o->userxattr);
		/* from_fd stays the top layer: paths are checked there. */
		if (r == 0)
			r = open_root(c, o->from_layers[0],
				      "the top source layer (--from-layers)",
				      &c->from_fd);
	} else {
		r = open_root(c, c->from_root ? c->from_root : ".",
			      c->from_root ? "the source root (--from)" :
			      "the source root (the current directory)",
			      &c->from_fd);
	}
	if (r == 0 && (o->flags & STAGECP_F_NEW_LAYER)) {
		r = c->to_root ? new_layer_open(c, c->to_root) : -EINVAL;
	} else if (r == 0 && o->nto_layers) {
		c->dst_layered = true;
		r = layers_open(&c->res, &c->dst_layers, o->to_layers,
				o->nto_layers, o->userxattr);
		if (r == 0)
			r = open_root(c, o->to_layers[0],
				      "the upper layer (--to-layers)",
				      &c->to_fd);
		if (r == 0 && ovl_upper_in_use(c->to_fd)) {
			report_errmsg(&c->rep, o->to_layers[0], "open layers", -EBUSY,
				      "a mounted overlay uses this upper "
				      "directory: copy into the mount with --to",
				      false);
			r = -EBUSY;
		}
	} else if (r == 0) {
		r = open_root(c, c->to_root ? c->to_root : "/",
			      c->to_root ? "the destination root (--to)" :
			      "the destination root", &c->to_fd);
	}
	/* Without an identity there is nothing to check: no error. */
	if (r == 0 && c->from_root && !o->nfrom_layers)
		(void)stage_root_id_get(c->from_fd, &c->from_id);
	if (r == 0 && c->to_root && !o->nto_layers && !c->layer_pending)
		(void)stage_root_id_get(c->to_fd, &c->to_id);
	if (r == 0 && !c->layered)
		r = choose_overlay_source(c);
	if (r == 0)
		r = choose_detached_view(c);
	if (r == 0)
		r = open_accounts_root(c, o);
	if (r < 0)
		goto free_ctx;
	/* BuildKit drops --link when --chmod is given; a new layer is a
	 * --link copy by definition. */
	c->link = (o->link && !(o->chmod && o->chmod[0])) ||
		  (o->flags & STAGECP_F_NEW_LAYER);
	c->pid = getpid();
	c->euid = geteuid();
	c->egid = getegid();
	/*
	 * Files are created with their final mode, which saves a chmod per
	 * file only when the umask takes nothing away.  Reading the umask
	 * means setting it: put it straight back.
	 */
	c->umask = umask(0);
	umask(c->umask);
	*out = c;
	return 0;
free_ctx:
	stagecp_free(c);
	return r;
}

int engine_owner(struct stagecp_ctx *c, const char *path,
		 const struct stat *sst, uid_t *uid, gid_t *gid)
{
	int r;

	if (!c->owner_fn)
		return 0;
	pthread_mutex_lock(&c->lock);
	r = c->owner_fn(c->owner_arg, path, sst, uid, gid);
	pthread_mutex_unlock(&c->lock);
	return r < 0 ? r : 0;
}

void stagecp_set_owner_fn(struct stagecp_ctx *c, stagecp_owner_fn fn,
			  void *arg)
{
	c->owner_fn = fn;
	c->owner_arg = arg;
}

int stagecp_set_includes(struct stagecp_ctx *c, const char *const *patterns,
			 size_t n)
{
	struct ignore ig = { 0 };
	char err[256];
	int r = ignore_compile(&ig, patterns, n, err, sizeof(err));

	if (r == -EINVAL)
		report_msg(&c->rep, "include", "parse pattern", err, false);
	if (r < 0)
		return r;
	ignore_free(&c->includes);
	c->includes = ig;
	return 0;
}

void stagecp_free(struct stagecp_ctx *c)
{
	if (!c)
		return;
	if (c->from_fd >= 0)
		sys_close(c->from_fd);
	if (c->to_fd >= 0)
		sys_close(c->to_fd);
	if (c->layer_parent_fd >= 0)
		sys_close(c->layer_parent_fd);
	if (c->layered)
		layers_close(&c->src_layers);
	detached_overlay_close(&c->view);
	layers_close(&c->acct_layers);
	layers_close(&c->dst_layers);
	if (c->acct_fd >= 0)
		sys_close(c->acct_fd);
	ladder_free(&c->ladder);
	hardlinks_free(&c->links);
	ignore_free(&c->excludes);
	ignore_free(&c->includes);
	modespec_free(&c->mode);
	for (size_t i = 0; c->exclude_copy && i < c->opt.nexcludes; i++)
		free(c->exclude_copy[i]);
	free(c->exclude_copy);
	free(c->chown_copy);
	free(c->source_desc);
	free(c->chmod_copy);
	free(c->from_root);
	free(c->to_root);
	free(c->workdir);
	share_list_destroy(&c->shares);
	pthread_cond_destroy(&c->link_ready);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void stagecp_get_stats(const struct stagecp_ctx *c, struct stagecp_stats *st)
{
	*st = c->stats;
	st->errors = c->rep.errors;
	st->warnings = c->rep.warnings;
}

size_t stagecp_get_phase_ns(const struct stagecp_ctx *c, uint64_t *ns,
			    size_t max)
{
	for (size_t i = 0; i < STAGECP_PHASE_COUNT && i < max; i++)
		ns[i] = c->phase_ns[i];
	return STAGECP_PHASE_COUNT;
}

size_t stagecp_fs_pairs(const struct stagecp_ctx *c,
			struct stagecp_fs_pair *out, size_t max)
{
	/* Called between copies: no worker runs, no lock is needed. */
	for (size_t i = 0; i < c->ladder.n && i < max; i++)
		out[i] = (struct stagecp_fs_pair){
			.src_dev = c->ladder.pairs[i].src_dev,
			.dst_dev = c->ladder.pairs[i].dst_dev,
			.method = c->ladder.pairs[i].last,
		};
	return c->ladder.n;
}

uint64_t engine_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Tell the progress callback, when the interval has passed. */
static void progress_tick(struct stagecp_ctx *c, enum stagecp_method m)
{
	uint64_t now, interval;

	if (m != STAGECP_METHOD_NONE)
		c->last_method = m;
	if (!c->opt.on_progress)
		return;
	now = engine_now_ns();
	interval = (c->opt.progress_interval_ms ? c->opt.progress_interval_ms
						: 100) * 1000000ull;
	if (now - c->last_progress < interval)
		return;
	c->last_progress = now;
	c->stats.elapsed_ns = c->elapsed_base + (now - c->copy_start);
	c->stats.errors = c->rep.errors;
	c->stats.warnings = c->rep.warnings;
	c->opt.on_progress(c->opt.progress_arg, &c->stats, c->last_method);
}

bool engine_cancelled(const struct stagecp_ctx *c)
{
	return c->opt.cancel && *c->opt.cancel;
}

static const char *const method_names[STAGECP_METHOD_COUNT] = {
	[STAGECP_METHOD_NONE] = "none",
	[STAGECP_METHOD_CLONE] = "clone",
	[STAGECP_METHOD_COPY_RANGE] = "copy_file_range",
	[STAGECP_METHOD_READ_WRITE] = "read/write",
	[STAGECP_METHOD_HARDLINK] = "hardlink",
};

const char *stagecp_method_name(enum stagecp_method m)
{
	return (unsigned int)m < STAGECP_METHOD_COUNT ? method_names[m] : "?";
}

static const char *const phase_names[STAGECP_PHASE_COUNT] = {
	[STAGECP_PHASE_WALK] = "walk",
	[STAGECP_PHASE_CREATE] = "create",
	[STAGECP_PHASE_DATA] = "data",
	[STAGECP_PHASE_METADATA] = "metadata",
	[STAGECP_PHASE_WAIT] = "wait",
};

const char *stagecp_phase_name(enum stagecp_phase p)
{
	return (unsigned int)p < STAGECP_PHASE_COUNT ? phase_names[p] : "?";
}

static const char *const type_names[STAGECP_ENTRY_TYPE_COUNT] = {
	[STAGECP_ENTRY_FILE] = "file",
	[STAGECP_ENTRY_DIR] = "dir",
	[STAGECP_ENTRY_SYMLINK] = "symlink",
	[STAGECP_ENTRY_HARDLINK] = "hardlink",
	[STAGECP_ENTRY_FIFO] = "fifo",
	[STAGECP_ENTRY_CHR] = "chr",
	[STAGECP_ENTRY_BLK] = "blk",
	[STAGECP_ENTRY_SOCK] = "sock",
};

const char *stagecp_entry_type_name(enum stagecp_entry_type t)
{
	return (unsigned int)t < STAGECP_ENTRY_TYPE_COUNT ? type_names[t] : "?";
}

const char *stagecp_action_name(enum stagecp_action a)
{
	static const char *const names[] = { "create", "replace", "merge" };

	return (unsigned int)a < 3 ? names[a] : "?";
}

void note_entry(struct stagecp_ctx *c, const char *src, const char *dst,
		enum stagecp_entry_type type, enum stagecp_method method,
		uint64_t size)
{
	note_entry_action(c, src, dst, type, method, size,
			  STAGECP_ACTION_CREATE);
}

void note_entry_action(struct stagecp_ctx *c, const char *src,
		       const char *dst, enum stagecp_entry_type type,
		       enum stagecp_method method, uint64_t size,
		       enum stagecp_action action)
{
	struct stagecp_entry e = {
		.src = src,
		.dst = dst,
		.type = type,
		.method = method,
		.size = size,
		.action = action,
	};

	pthread_mutex_lock(&c->lock);
	c->stats.entries[type]++;
	if (type == STAGECP_ENTRY_FILE || type == STAGECP_ENTRY_HARDLINK) {
		c->stats.files_by_method[method]++;
		c->stats.bytes_by_method[method] += size;
		if (type == STAGECP_ENTRY_FILE)
			c->stats.bytes += size;
	}
	if (c->opt.on_entry)
		c->opt.on_entry(c->opt.entry_arg, &e);
	progress_tick(c, method);
	pthread_mutex_unlock(&c->lock);
}

int worker_rw_buffer(struct worker *w, void **buf, size_t *len)
{
	if (!w->buf) {
		w->buf = malloc(RW_BUFLEN);
		if (!w->buf)
			return -ENOMEM;
		w->buflen = RW_BUFLEN;
	}
	*buf = w->buf;
	*len = w->buflen;
	return 0;
}

void worker_init(struct worker *w, struct stagecp_ctx *c)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	uring_init(&w->ring, c->opt.flags & STAGECP_F_NO_IO_URING ? URING_OFF
			     : c->opt.flags & STAGECP_F_IO_URING_ALL ? URING_ALL
								  : URING_INLINE);
}

void worker_phase(struct worker *w, enum stagecp_phase p)
{
	struct phase_clock *k = &w->clock;
	uint64_t now = engine_now_ns();

	if (k->since)
		k->ns[k->cur] += now - k->since;
	k->since = now;
	k->cur = p;
}

void worker_free(struct worker *w)
{
	struct stagecp_ctx *c = w->c;

	if (w->clock.since) {
		worker_phase(w, w->clock.cur);
		pthread_mutex_lock(&c->lock);
		for (int i = 0; i < STAGECP_PHASE_COUNT; i++)
			c->phase_ns[i] += w->clock.ns[i];
		pthread_mutex_unlock(&c->lock);
		w->clock = (struct phase_clock){ 0 };
	}
	uring_exit(&w->ring);
	free(w->buf);
	w->buf = NULL;
}

bool engine_moves_data(struct stagecp_ctx *c, dev_t src_dev, dev_t dst_dev)
{
	struct ladder_pair *pair;
	bool moves;

	switch (c->opt.strategy) {
	case STAGECP_STRATEGY_COPY:
	case STAGECP_STRATEGY_RW:
		return true;
	case STAGECP_STRATEGY_AUTO:
		break;
	default:
		return false;
	}
	pthread_mutex_lock(&c->lock);
	pair = ladder_pair_get(&c->ladder, src_dev, dst_dev);
	moves = pair && pair->clone == LADDER_FAILS;
	pthread_mutex_unlock(&c->lock);
	return moves;
}

/* Keep what a copy learned; a rung that has worked is never unlearned. */
static void ladder_learn(enum ladder_answer *shared, enum ladder_answer seen)
{
	if (seen == LADDER_WORKS || *shared == LADDER_UNKNOWN)
		*shared = seen;
}

int engine_data_copy(struct worker *w, const struct data_src *src,
		     dev_t dst_dev, int dstfd, enum stagecp_method *used,
		     const char **op)
{
	struct stagecp_ctx *c = w->c;
	struct ladder_pair *pair, mine;
	struct rw_buf rb = { 0 };
	void *buf;
	int r;

	r = worker_rw_buffer(w, &buf, &rb.len);
	if (r < 0)
		return r;
	rb.buf = buf;
	if (uring_register_buffers(&w->ring, buf, rb.len))
		rb.ring = &w->ring;
	if (c->jobs > 1)
		rb.share = &c->shares;
	pthread_mutex_lock(&c->lock);
	pair = ladder_pair_get(&c->ladder, src->st->st_dev, dst_dev);
	if (pair)
		mine = *pair;
	pthread_mutex_unlock(&c->lock);
	if (!pair)
		return -ENOMEM;
	r = data_copy(&mine, c->opt.strategy == STAGECP_STRATEGY_HARDLINK
				     ? STAGECP_STRATEGY_AUTO : c->opt.strategy,
		      src, dstfd, &rb, used, op);
	pthread_mutex_lock(&c->lock);
	/* The array may have moved: look the pair up again. */
	pair = ladder_pair_get(&c->ladder, src->st->st_dev, dst_dev);
	if (pair) {
		ladder_learn(&pair->clone, mine.clone);
		ladder_learn(&pair->copy_range, mine.copy_range);
		pair->last = mine.last;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}
