/* SPDX-License-Identifier: MIT */
/*
 * The data movers for regular files: clone, copy_file_range, read/write,
 * tried in that order as the pair's ladder entry allows.  See data.c.
 */
#ifndef STAGECP_DATA_H
#define STAGECP_DATA_H

#include "movers/data_src.h"
#include "movers/ladder.h"
#include "movers/share.h"
#include "movers/uring.h"
#include "stagecp.h"

/*
 * The read/write mover's scratch space.  With a ring whose buffers are
 * registered (uring_register_buffers() on buf), URING_RW_SLICES reads go
 * in flight at once, then their writes; without one, pread and pwrite.
 */
struct rw_buf {
	char *buf;
	size_t len;
	struct uring *ring;	/* NULL: plain syscalls */
	/* Big segments are shared with idle workers through it (share.h). */
	struct share_list *share;
};

/*
 * Move the data of src into dstfd, an empty regular file opened for
 * writing, through the cheapest mover the strategy allows.  The pair's
 * ladder entry is consulted and updated.  Holes are kept on every path
 * that is not a clone.  On return, *used names the mover and *op the
 * operation that failed (for messages).  Returns 0 or a negative errno;
 * -ESTAGECP_CHANGED when the source's size changed during the copy.
 */
int data_copy(struct ladder_pair *pair, enum stagecp_strategy strategy,
	      const struct data_src *src, int dstfd, const struct rw_buf *rb,
	      enum stagecp_method *used, const char **op);

#endif
