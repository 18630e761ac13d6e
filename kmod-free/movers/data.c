// SPDX-License-Identifier: MIT
/*
 * The data movers for regular files: ioctl(FICLONE), then a
 * copy_file_range(2) loop, then a read/write loop.  The ladder entry of the
 * filesystem pair decides which rungs are worth trying; see ladder.c for
 * which errnos fall back and which are remembered.
 *
 * Every path but the clone keeps holes: when the source looks sparse, only
 * its data segments are copied, at their own offsets, and the destination
 * gets the full size with ftruncate (copy_file_range: at the end;
 * read/write: first, as its writes may run out of order).  Big read/write
 * segments are shared with idle workers (share.h).
 */
#include "movers/data.h"
#include "seam/report.h"
#include "seam/sys.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

/*
 * What one copy_file_range call is asked for.  The kernel moves at most
 * 0x7ffff000 bytes a call (MAX_RW_COUNT); asking for 256 MiB instead keeps
 * a cancelled copy of a big file that cannot reflink from running on for
 * seconds, and costs a reflinking filesystem a few more calls per GiB.
 */
#define DATA_COPY_RANGE_MAX ((size_t)256 << 20)

/* st_blocks counts 512-byte units on Linux, whatever the block size. */
#define DATA_BLOCK_UNIT 512

/* The data segments of a source, one after the other. */
struct data_walk {
	int fd;
	off_t size;	/* the size at open time: nothing past it is copied */
	off_t pos;	/* where the next segment is looked for */
	bool sparse;	/* walk with SEEK_DATA/SEEK_HOLE */
};

/*
 * A file with fewer allocated blocks than its size has holes (or inline
 * data, for which the walk is just as right).  A dense file is one segment
 * and costs no lseek at all.
 */
static void data_walk_init(struct data_walk *w, const struct data_src *src)
{
	const struct stat *st = src->st;

	w->fd = src->fd;
	w->size = st->st_size;
	w->pos = 0;
	w->sparse = (uint64_t)st->st_blocks * DATA_BLOCK_UNIT <
		    (uint64_t)st->st_size;
}

/*
 * Find the next data segment [*start, *end).  Returns 1 when there is one,
 * 0 at the end, or a negative errno (the failing operation is a seek).
 */
static int data_walk_next(struct data_walk *w, off_t *start, off_t *end)
{
	off_t data, hole;

	if (w->pos >= w->size)
		return 0;
	if (!w->sparse) {
		*start = w->pos;
		*end = w->size;
		w->pos = w->size;
		return 1;
	}
	data = sys_lseek(w->fd, w->pos, SEEK_DATA);
	if (data == -ENXIO)
		return 0;	/* only a hole is left */
	if (data == -EINVAL || data == -EOPNOTSUPP) {
		/* The filesystem cannot tell: all the rest is data. */
		w->sparse = false;
		return data_walk_next(w, start, end);
	}
	if (data < 0)
		return (int)data;
	/* Data past the size at open time is growth: the stat check sees it. */
	if (data >= w->size)
		return 0;
	hole = sys_lseek(w->fd, data, SEEK_HOLE);
	/*
	 * ENXIO: the file shrank under us since SEEK_DATA.  Copy to the old
	 * size anyway; the copy meets the early end and says so.
	 */
	if (hole == -ENXIO || hole > w->size)
		hole = w->size;
	else if (hole < 0)
		return (int)hole;
	*start = data;
	*end = hole;
	w->pos = hole;
	return 1;
}

/* Holes at the end leave the destination short: give it its full size. */
static int data_walk_finish(const struct data_walk *w, int dstfd,
			    const char **op)
{
	int r;

	if (!w->sparse)
		return 0;
	r = sys_ftruncate(dstfd, w->size);
	if (r < 0)
		*op = "truncate";
	return r;
}

/*
 * A copy that found no more data before the size at open time: either the
 * file shrank (a 1-byte read there finds nothing) or the mover stopped
 * early on a file that still has data.
 */
static int data_confirm_eof(int fd, off_t pos, const char **op)
{
	char byte;
	ssize_t r;

	r = sys_pread(fd, &byte, 1, pos);
	if (r < 0) {
		*op = "read";
		return (int)r;
	}
	if (r == 0) {
		*op = "read";
		return -ESTAGECP_CHANGED;
	}
	return 0;
}

/*
 * Copy [start, end) with explicit offsets, so the destination gets holes
 * wherever the walk skipped.  *first is true until a call has moved data:
 * only an errno of that first call may send the file to the next rung,
 * which *declined reports.
 */
static int copy_range_segment(const struct data_src *src, int dstfd,
			      off_t start, off_t end, bool *first,
			      bool *declined, const char **op)
{
	int srcfd = src->fd;
	off_t pos = start;

	while (pos < end) {
		size_t want = (size_t)(end - pos);
		off_t in = pos, out = pos;
		ssize_t n;
		int r;

		if (want > DATA_COPY_RANGE_MAX)
			want = DATA_COPY_RANGE_MAX;
		if (data_src_cancelled(src, op))
			return -ECANCELED;
		n = sys_copy_file_range(srcfd, &in, dstfd, &out, want);
		if (n < 0) {
			*declined = *first &&
				    ladder_copy_range_falls_back((int)n);
			*op = "copy_file_range";
			return (int)n;
		}
		if (n == 0) {
			r = data_confirm_eof(srcfd, pos, op);
			if (r < 0)
				return r;
			/*
			 * The data is there but the kernel copied none of
			 * it (cross-filesystem copies of some special files
			 * on 5.3..5.18 did this).  Treat it as the EIO of a
			 * filesystem that cannot offload: read/write may
			 * still work, if nothing was copied yet.
			 */
			*declined = *first;
			*op = "copy_file_range";
			return -EIO;
		}
		*first = false;
		pos += n;
	}
	return 0;
}

static int copy_range_file(const struct data_src *src, int dstfd,
			   bool *declined, const char **op)
{
	struct data_walk w;
	off_t start, end;
	bool first = true;
	int r;

	*declined = false;
	data_walk_init(&w, src);
	while ((r = data_walk_next(&w, &start, &end)) > 0) {
		r = copy_range_segment(src, dstfd, start, end, &first,
				       declined, op);
		if (r < 0)
			return r;
	}
	if (r < 0) {
		*op = "seek";
		return r;
	}
	return data_walk_finish(&w, dstfd, op);
}

/* Read len bytes at off, all of them: a short read is finished plainly. */
static int read_full(const struct data_src *src, char *buf, size_t len,
		     off_t off, ssize_t got, const char **op)
{
	while (got >= 0 && (size_t)got < len) {
		ssize_t n = sys_pread(src->fd, buf + got, len - (size_t)got,
				      off + got);

		if (n == 0)
			n = -ESTAGECP_CHANGED;	/* it shrank */
		got = n < 0 ? n : got + n;
	}
	if (got < 0)
		*op = "read";
	return got < 0 ? (int)got : 0;
}

/*
 * The same as read_write_segment() through the ring: URING_RW_SLICES
 * reads of the registered slices in flight at once, then their writes,
 * each batch one io_uring_enter.  What the ring did not run or did short
 * is finished with plain calls.
 */
static int ring_rw_segment(const struct data_src *src, int dstfd,
			   off_t start, off_t end, const struct rw_buf *rb,
			   const char **op)
{
	size_t slice = rb->len / URING_RW_SLICES, len[URING_RW_SLICES];
	int res[URING_RW_SLICES];
	struct io_uring_sqe *sqe;
	off_t pos = start;

	while (pos < end) {
		off_t at = pos;
		unsigned int n;
		int r;

		if (data_src_cancelled(src, op))
			return -ECANCELED;
		uring_batch_start(rb->ring, res, URING_RW_SLICES);
		for (n = 0; n < URING_RW_SLICES && pos < end; n++) {
			len[n] = (size_t)(end - pos) < slice ?
					 (size_t)(end - pos) : slice;
			sqe = uring_batch_sqe(rb->ring, IORING_OP_READ_FIXED,
					      n);
			if (sqe)
				io_uring_prep_read_fixed(sqe, src->fd,
							 rb->buf + n * slice,
							 (unsigned int)len[n],
							 pos, (int)n);
			pos += (off_t)len[n];
		}
		uring_batch_run(rb->ring);
		for (unsigned int k = 0; k < n; k++) {
			off_t off = at + (off_t)(k * slice);

			r = read_full(src, rb->buf + k * slice, len[k], off,
				      res[k] == URING_NOT_RUN ? 0 : res[k],
				      op);
			if (r < 0)
				return r;
		}
		uring_batch_start(rb->ring, res, URING_RW_SLICES);
		for (unsigned int k = 0; k < n; k++) {
			sqe = uring_batch_sqe(rb->ring, IORING_OP_WRITE_FIXED,
					      k);
			if (sqe)
				io_uring_prep_write_fixed(
					sqe, dstfd, rb->buf + k * slice,
					(unsigned int)len[k],
					at + (off_t)(k * slice), (int)k);
		}
		uring_batch_run(rb->ring);
		for (unsigned int k = 0; k < n; k++) {
			size_t done = res[k] > 0 ? (size_t)res[k] : 0;
			off_t off = at + (off_t)(k * slice);

			if (res[k] < 0 && res[k] != URING_NOT_RUN) {
				*op = "write";
				return res[k];
			}
			r = data_write_all(dstfd, rb->buf + k * slice + done,
				      len[k] - done, off + (off_t)done, op);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int read_write_file(const struct data_src *src, int dstfd,
			   const struct rw_buf *rb, const char **op)
{
	bool ring = rb->ring && rb->ring->registered;
	struct data_walk w;
	off_t start, end;
	int r;

	if (!rb->buf || rb->len < URING_RW_SLICES) {
		*op = "read";
		return -EINVAL;
	}
	data_walk_init(&w, src);
	/*
	 * Writes that run out of order (the ring's, shared ranges) past EOF
	 * leave xfs's speculative preallocation inside the file once its
	 * size is set: a sparse file gets its size first, so no write
	 * extends it, and nothing is left to do at the end.
	 */
	if (w.sparse) {
		r = data_walk_finish(&w, dstfd, op);
		if (r < 0)
			return r;
	}
	while ((r = data_walk_next(&w, &start, &end)) > 0) {
		if (share_worth_it(rb->share, start, end))
			r = share_copy(rb->share, src, dstfd, start, end,
				       rb->buf, rb->len, op);
		else if (ring)
			r = ring_rw_segment(src, dstfd, start, end, rb, op);
		else
			r = data_rw_range(src, dstfd, start, end, rb->buf,
					  rb->len, op);
		if (r < 0)
			return r;
	}
	if (r < 0)
		*op = "seek";
	return r;
}

/*
 * Learn a failure for the pair, but never unlearn success: once a rung has
 * worked for a pair, a later refusal belongs to that file (an overlayfs
 * source mixes files from several layers under one st_dev, and only some
 * may share the destination's superblock).
 */
static void ladder_learn_failure(enum ladder_answer *answer, bool remembered)
{
	if (remembered && *answer == LADDER_UNKNOWN)
		*answer = LADDER_FAILS;
}

/* Run the ladder (or the one forced rung) and say which mover was used. */
static int data_move(struct ladder_pair *pair, enum stagecp_strategy strategy,
		     const struct data_src *src, int dstfd,
		     const struct rw_buf *rb, enum stagecp_method *used,
		     const char **op)
{
	bool declined;
	int r;

	/* A forced rung is tried whatever the pair remembers. */
	if (strategy == STAGECP_STRATEGY_CLONE ||
	    (strategy == STAGECP_STRATEGY_AUTO &&
	     pair->clone != LADDER_FAILS)) {
		*used = STAGECP_METHOD_CLONE;
		r = sys_ficlone(dstfd, src->fd);
		if (r == 0) {
			pair->clone = LADDER_WORKS;
			return 0;
		}
		*op = "clone";
		if (!ladder_clone_falls_back(r))
			return r;
		ladder_learn_failure(&pair->clone, ladder_clone_remembered(r));
		if (strategy == STAGECP_STRATEGY_CLONE)
			return r;
		*op = NULL;
	}

	if (strategy == STAGECP_STRATEGY_COPY ||
	    (strategy == STAGECP_STRATEGY_AUTO &&
	     pair->copy_range != LADDER_FAILS)) {
		*used = STAGECP_METHOD_COPY_RANGE;
		r = copy_range_file(src, dstfd, &declined, op);
		if (r == 0) {
			pair->copy_range = LADDER_WORKS;
			return 0;
		}
		if (!declined)
			return r;
		ladder_learn_failure(&pair->copy_range,
				     ladder_copy_range_remembered(r));
		if (strategy == STAGECP_STRATEGY_COPY)
			return r;
		*op = NULL;
	}

	*used = STAGECP_METHOD_READ_WRITE;
	return read_write_file(src, dstfd, rb, op);
}

/*
 * Copying stops at the size seen at open time; a source that is now
 * longer or shorter was written to while we read it.
 */
static int data_check_unchanged(const struct data_src *src, const char **op)
{
	struct stat now;
	int r;

	r = sys_fstat(src->fd, &now);
	if (r < 0) {
		*op = "stat";
		return r;
	}
	if (now.st_size != src->st->st_size) {
		*op = "read";
		return -ESTAGECP_CHANGED;
	}
	return 0;
}

int data_copy(struct ladder_pair *pair, enum stagecp_strategy strategy,
	      const struct data_src *src, int dstfd, const struct rw_buf *rb,
	      enum stagecp_method *used, const char **op)
{
	int r;

	*used = STAGECP_METHOD_NONE;
	*op = NULL;
	/* Nothing to move: the created file is already the copy. */
	if (src->st->st_size == 0)
		return 0;

	r = data_move(pair, strategy, src, dstfd, rb, used, op);
	if (r == 0)
		r = data_check_unchanged(src, op);
	pair->last = *used;
	return r;
}
