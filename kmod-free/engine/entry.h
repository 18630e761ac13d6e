/* SPDX-License-Identifier: MIT */
/*
 * One destination entry: a file (its data through the mover ladder), a
 * symlink, a FIFO or device (mknod), a socket (an empty file), a hardlink
 * to an earlier copy, or a directory.  Each is created as a single name
 * under a verified parent fd, an existing non-directory in the way is
 * removed first (never truncated through a path), and its metadata follows
 * through the fd or the parent fd.
 */
#ifndef STAGECP_ENTRY_H
#define STAGECP_ENTRY_H

#include <stdbool.h>
#include <sys/stat.h>

#include "engine/dst_dir.h"
#include "engine/meta.h"
#include "engine/node.h"
#include "movers/uring.h"

struct stagecp_ctx;
struct worker;

/* A source entry that has been looked at (and opened, if it is a file or a
 * directory). */
struct src_ent {
	struct stat st;
	int fd;			/* O_RDONLY for files and dirs, else -1 */
	struct node x;		/* reaches its xattrs and symlink target */
	const char *path;	/* inside the source root, for messages */
};

/* What the entry callback calls an entry of this lstat mode. */
enum stagecp_entry_type entry_type_of(mode_t mode);

/*
 * Copy one source entry that is not a directory to d/name (dpath for
 * messages); a later name of a multiply linked inode becomes a link.
 * made is what entry_ahead() queued, once the ring has run it, else
 * URING_NOT_RUN.  Failures are reported; returns 0 or the first negative
 * errno.
 */
int entry_copy(struct worker *w, struct src_ent *s, const struct dst_dir *d,
	       const char *name, const char *dpath, int made);

/*
 * Queue on w's ring, as operation idx of its batch, the first call
 * entry_copy() would make for s at d/name where that call alone makes the
 * entry: the create of a regular file, or its link under
 * --strategy=hardlink.  Nothing is queued for the rest.
 */
void entry_ahead(struct worker *w, const struct src_ent *s,
		 const struct dst_dir *d, const char *name, unsigned int idx);
/* The same for the mkdir of entry_make_dir(). */
void entry_ahead_dir(struct worker *w, const struct dst_dir *d,
		     const char *name, unsigned int idx);
/* Undo what entry_ahead() made for an entry that will not be copied. */
void entry_discard(struct worker *w, const struct src_ent *s,
		   const struct dst_dir *d, const char *name, int made);

/*
 * Create (or merge into) the destination directory d/name for the source
 * directory s; made is the result of entry_ahead_dir()'s mkdir, or
 * URING_NOT_RUN.  Returns its fd, and in *now the owner and mode it has
 * until its metadata is applied after its children.
 */
int entry_make_dir(struct stagecp_ctx *c, const struct src_ent *s,
		   const struct dst_dir *d, const char *name, const char *dpath,
		   int made, struct meta_now *now);

#endif
