/* SPDX-License-Identifier: MIT */
/*
 * The engine context and the interfaces between the engine's subsystems.
 * Nothing here is exported from the library.
 */
#ifndef STAGECP_ENGINE_H
#define STAGECP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "movers/data.h"
#include "movers/share.h"
#include "movers/uring.h"
#include "roots/detached_overlay.h"
#include "roots/layers.h"
#include "roots/resolve.h"
#include "roots/stageroot.h"
#include "seam/flag.h"
#include "seam/report.h"
#include "semantics/ignore.h"
#include "semantics/modespec.h"
#include "stagecp.h"

/*
 * The hardlink map: the first destination name of every source inode with
 * more than one link, so later names become links to it.  An entry is
 * dropped once all of its source links have been seen.
 */
struct hardlink {
	dev_t src_dev;
	ino_t src_ino;
	ino_t dst_ino;		/* to check the name still holds our copy */
	nlink_t left;		/* source links not yet seen */
	char *dst_path;		/* relative to the destination root */
	struct hardlink *next;
};

struct hardlinks {
	struct hardlink **buckets;
	size_t nbuckets;
	size_t n;
};

struct hardlink *hardlinks_find(struct hardlinks *h, dev_t dev, ino_t ino);
/*
 * Add the entry for a source inode.  dst_path NULL adds a placeholder: its
 * first copy is being made (hardlinks_set_first() completes it, or
 * hardlinks_drop() removes it when the copy failed).
 */
int hardlinks_add(struct hardlinks *h, const struct stat *src, ino_t dst_ino,
		  const char *dst_path);
int hardlinks_set_first(struct hardlink *e, ino_t dst_ino,
			const char *dst_path);
void hardlinks_drop(struct hardlinks *h, struct hardlink *e);
/* One more source link of e was seen; drop e when it was the last. */
void hardlinks_seen(struct hardlinks *h, struct hardlink *e);
void hardlinks_free(struct hardlinks *h);

/*
 * Where one worker's time goes: it is always in one phase, and every switch
 * adds the time since the last one to the phase it leaves (one vDSO clock
 * read).  since 0: not started.
 */
struct phase_clock {
	enum stagecp_phase cur;
	uint64_t since;
	uint64_t ns[STAGECP_PHASE_COUNT];
};

/*
 * One thread of a copy: what it needs of its own.  Everything it shares
 * with the other workers sits in the context, under the context's lock.
 */
struct worker {
	struct stagecp_ctx *c;
	struct phase_clock clock;
	void *buf;			/* the read/write loop's buffer */
	size_t buflen;
	struct uring ring;		/* batched closes */
};

/* A worker of c, with its ring unless io_uring is off. */
void worker_init(struct worker *w, struct stagecp_ctx *c);

/* The same, for a dry run that tells what it would do. */
void note_entry_action(struct stagecp_ctx *c, const char *src,
		       const char *dst, enum stagecp_entry_type type,
		       enum stagecp_method method, uint64_t size,
		       enum stagecp_action action);

/* The worker now spends its time on phase p. */
void worker_phase(struct worker *w, enum stagecp_phase p);

/* The read/write loop's scratch buffer, allocated on first use. */
int worker_rw_buffer(struct worker *w, void **buf, size_t *len);
void worker_free(struct worker *w);

struct stagecp_ctx {
	struct stagecp_options opt;	/* strings point into *_copy below */
	char *from_root;
	char *to_root;
	char *workdir;			/* cleaned, inside the destination */
	int from_fd;			/* O_PATH roots */
	int to_fd;
	/* The roots named by path, as opened: a stage unmounted during a
	 * copy leaves the path naming something else. */
	struct stage_root_id from_id;
	struct stage_root_id to_id;
	bool layered;			/* the source is src_layers */
	bool dst_layered;		/* the destination is dst_layers */
	bool layer_made;		/* --to-layer's directory is ours */
	/* --to-layer's directory is still to be made: to_fd is -1 and
	 * layer_parent_fd is open on the directory it goes in. */
	bool layer_pending;
	int layer_parent_fd;
	struct layers dst_layers;	/* its upper first; to_fd is it */
	/* Where --chown names are looked up, when not in to_fd. */
	int acct_fd;
	struct layers acct_layers;
	bool acct_none;			/* a new layer without a base */
	char *source_desc;		/* how a mounted overlay is read */
	struct layers src_layers;
	/*
	 * A plain source into an overlay stage: the data of its files is
	 * read through this view (root -1: none, or it could not be made,
	 * which is remembered for the context's life).
	 */
	struct detached_overlay view;
	/*
	 * Shared state: the stats, the error and entry callbacks, the
	 * hardlink map and the ladder are used under lock.
	 */
	pthread_mutex_t lock;
	pthread_cond_t link_ready;	/* a hardlink placeholder settled */
	struct share_list shares;	/* big read/write copies to help with */
	unsigned int jobs;		/* worker threads */
	struct report rep;		/* errors and warnings, under lock */
	struct resolver res;		/* reports to rep */
	/* Learned once by any worker, read by all: seam/flag.h. */
	/* io_uring's statx refused an fd with an empty path */
	bool no_ring_fd_statx;
	bool chown_failed;		/* warned once: ownership not kept */
	/* --link in effect (BuildKit ignores it when --chmod is given). */
	bool link;
	struct modespec mode;		/* --chmod, parsed */
	/* --chown, resolved in the destination root for this copy. */
	bool own_set;
	uid_t own_uid;
	gid_t own_gid;
	uid_t euid;
	gid_t egid;
	pid_t pid;			/* for temporary names */
	unsigned int tmp_counter;
	mode_t umask;
	struct ignore excludes;		/* --exclude, compiled */
	struct ignore includes;		/* stagecp_set_includes() */
	stagecp_owner_fn owner_fn;	/* stagecp_set_owner_fn(), or NULL */
	void *owner_arg;
	char **exclude_copy;		/* the patterns, owned */
	char *chown_copy;
	char *chmod_copy;
	struct ladder ladder;
	struct hardlinks links;
	struct stagecp_stats stats;
	uint64_t phase_ns[STAGECP_PHASE_COUNT];	/* the workers', summed */
	enum stagecp_method last_method;	/* for progress */
	uint64_t last_progress;		/* when progress was last told */
	uint64_t copy_start;		/* when this stagecp_copy() began */
	uint64_t elapsed_base;		/* elapsed_ns before it */
};

/*
 * --to-layer: make the new layer's directory, once everything that can be
 * found wrong with the copy has been.  0 when there is nothing to make.
 */
int engine_new_layer_make(struct stagecp_ctx *c);
/*
 * A copy into a new layer that failed before writing anything: remove the
 * layer directory engine_new_layer_make() made, so that nothing is left.
 */
void engine_new_layer_undo(struct stagecp_ctx *c);
/* An fd on the destination's filesystem, made or not (probes only). */
int engine_dst_probe_fd(const struct stagecp_ctx *c);
/* Count a copied entry and tell the entry callback. */
void note_entry(struct stagecp_ctx *c, const char *src, const char *dst,
		enum stagecp_entry_type type, enum stagecp_method method,
		uint64_t size);
/*
 * The owner an entry at path gets: *uid and *gid hold the engine's choice,
 * which the owner callback, when there is one, may change.  sst is the
 * source's lstat, NULL for a directory made on the way to DEST.  Returns 0
 * or the callback's negative errno.
 */
int engine_owner(struct stagecp_ctx *c, const char *path,
		 const struct stat *sst, uid_t *uid, gid_t *gid);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t engine_now_ns(void);
/* Whether the caller asked the copy to stop. */
bool engine_cancelled(const struct stagecp_ctx *c);
/* Whether a source's last symlink is followed (not with fsutil's rules). */
static inline bool engine_source_follow(const struct stagecp_ctx *c)
{
	return !(c->opt.flags & STAGECP_F_SOURCE_NOFOLLOW);
}

/*
 * A regular file from src_dev to dst_dev will have its data moved, not
 * cloned: the strategy forces a copy, or cloning is known to fail for
 * the pair.  False while the pair has not been tried.
 */
bool engine_moves_data(struct stagecp_ctx *c, dev_t src_dev, dev_t dst_dev);

/*
 * Run one data copy through the context's ladder for the pair: the
 * answers are read and learned under the lock, the copy runs outside it.
 */
int engine_data_copy(struct worker *w, const struct data_src *src,
		     dev_t dst_dev, int dstfd, enum stagecp_method *used,
		     const char **op);

#endif
