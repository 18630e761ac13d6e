// SPDX-License-Identifier: MIT
/* One io_uring per worker: see uring.h. */
#include "movers/uring.h"

#include <errno.h>
#include <string.h>

#include "seam/sys.h"

/* user_data of a close: the tag bit and its slot; a batch op's is its index. */
#define URING_TAG_CLOSE (1ULL << 32)

/*
 * What the default mode sends through the ring: the opens and closes,
 * which the kernel runs in the submitting task.  It hands statx, mkdirat,
 * linkat, symlinkat and a creating openat to its io-wq threads instead
 * (their prep sets REQ_F_FORCE_ASYNC); with one worker per core already
 * busy, that handoff cost more than the syscalls it saved: 20,000 small
 * files on xfs took 0.70 s that way, 0.37 s without.  Buffered reads and
 * writes of the registered buffers lost too (a 1 GiB file from xfs to
 * ext4: 0.42 s against 0.27 s with pread and pwrite): the copy is memcpy
 * bound, and the writes went to io-wq as well.
 */
#define URING_INLINE_OPS ((1ULL << IORING_OP_OPENAT2) | \
			  (1ULL << IORING_OP_CLOSE))

void uring_init(struct uring *u, enum uring_use use)
{
	struct io_uring_probe *probe;
	int r;

	memset(u, 0, sizeof(*u));
	if (use == URING_OFF)
		return;
	/* Keep submitting past an SQE that fails: each gets its own CQE. */
	r = io_uring_queue_init(URING_ENTRIES, &u->ring,
				IORING_SETUP_SUBMIT_ALL);
	if (r == -EINVAL)
		r = io_uring_queue_init(URING_ENTRIES, &u->ring, 0);
	/* liburing returns -errno: any refusal means "no ring". */
	if (r < 0)
		return;
	u->ok = true;
	probe = io_uring_get_probe_ring(&u->ring);
	for (unsigned int op = 0; probe && op < IORING_OP_LAST && op < 64;
	     op++)
		if (io_uring_opcode_supported(probe, (int)op))
			u->ops |= 1ULL << op;
	if (probe)
		io_uring_free_probe(probe);
	if (use == URING_INLINE)
		u->ops &= URING_INLINE_OPS;
}

bool uring_has(const struct uring *u, unsigned int opcode)
{
	return u->ok && opcode < 64 && (u->ops & (1ULL << opcode));
}

/* A completion: a batch result, or a close that is done. */
static void uring_complete(struct uring *u, uint64_t tag, int res)
{
	if (tag & URING_TAG_CLOSE) {
		unsigned int slot = (unsigned int)(tag & ~URING_TAG_CLOSE);

		/* A close that fails is not retried: the fd is gone either
		 * way, as with close(2). */
		if (slot < URING_CLOSES)
			u->close_fd[slot] = -1;
		return;
	}
	if (u->res && tag < u->nres)
		u->res[tag] = res;
}

/*
 * The ring failed: drop it, which discards what was never submitted.
 * Unsubmitted closes are done the plain way; a submitted one that was not
 * reaped is left alone, since its fd number may already be reused.
 * Unreaped batch operations stay URING_NOT_RUN for the caller.
 */
static void uring_give_up(struct uring *u)
{
	io_uring_queue_exit(&u->ring);
	for (unsigned int i = 0; i < u->closes; i++)
		if (u->close_fd[i] >= 0 && u->close_seq[i] >= u->submitted)
			sys_close(u->close_fd[i]);
	u->ok = false;
	u->ops = 0;
	u->registered = false;
	u->closes = 0;
	u->inflight = 0;
	u->prepared = u->submitted;
}

/* Submit everything prepared, and wait until all in flight is reaped. */
static void uring_complete_all(struct uring *u)
{
	struct io_uring_cqe *cqe;
	int r;

	while (u->ok && (u->prepared > u->submitted || u->inflight)) {
		unsigned int want = u->inflight +
				    (unsigned int)(u->prepared - u->submitted);

		r = io_uring_submit_and_wait(&u->ring, want);
		if (r > 0) {
			u->submitted += (unsigned int)r;
			u->inflight += (unsigned int)r;
		} else if (r < 0 && ((r != -EINTR && r != -EAGAIN &&
				       r != -EBUSY) || !u->inflight)) {
			/* Reap what the kernel took, then give the ring up. */
			break;
		}
		while (u->inflight && io_uring_peek_cqe(&u->ring, &cqe) == 0) {
			uring_complete(u, cqe->user_data, cqe->res);
			io_uring_cqe_seen(&u->ring, cqe);
			u->inflight--;
		}
		if (r == 0 && u->prepared > u->submitted && !u->inflight)
			break;	/* nothing taken, nothing to wait for */
	}
	while (u->ok && u->inflight) {
		r = io_uring_wait_cqe(&u->ring, &cqe);
		if (r == -EINTR)
			continue;
		if (r < 0)
			break;
		uring_complete(u, cqe->user_data, cqe->res);
		io_uring_cqe_seen(&u->ring, cqe);
		u->inflight--;
	}
	if (u->ok && (u->inflight || u->prepared > u->submitted))
		uring_give_up(u);
	u->closes = 0;
}

/* An SQE of the ring, submitting what waits when the SQ is full. */
static struct io_uring_sqe *uring_sqe(struct uring *u, uint64_t tag)
{
	struct io_uring_sqe *sqe;

	if (!u->ok)
		return NULL;
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe) {
		int r = io_uring_submit(&u->ring);

		if (r > 0) {
			u->submitted += (unsigned int)r;
			u->inflight += (unsigned int)r;
		}
		sqe = io_uring_get_sqe(&u->ring);
	}
	if (!sqe)
		return NULL;
	io_uring_sqe_set_data64(sqe, tag);
	u->prepared++;
	return sqe;
}

void uring_batch_start(struct uring *u, int *res, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		res[i] = URING_NOT_RUN;
	u->res = res;
	u->nres = n;
}

struct io_uring_sqe *uring_batch_sqe(struct uring *u, unsigned int opcode,
				     unsigned int idx)
{
	if (!uring_has(u, opcode) || idx >= u->nres)
		return NULL;
	return uring_sqe(u, idx);
}

void uring_batch_run(struct uring *u)
{
	uring_complete_all(u);
	u->res = NULL;
	u->nres = 0;
}

void uring_flush(struct uring *u)
{
	uring_complete_all(u);
}

bool uring_register_buffers(struct uring *u, void *buf, size_t len)
{
	struct iovec iov[URING_RW_SLICES];
	size_t slice = len / URING_RW_SLICES;

	if (u->registered || u->register_tried)
		return u->registered;
	u->register_tried = true;
	if (!uring_has(u, IORING_OP_READ_FIXED) ||
	    !uring_has(u, IORING_OP_WRITE_FIXED) || !slice)
		return false;
	for (unsigned int i = 0; i < URING_RW_SLICES; i++)
		iov[i] = (struct iovec){ (char *)buf + i * slice, slice };
	/* ENOMEM (pinned memory over the limit) and the like: go plain. */
	u->registered = io_uring_register_buffers(&u->ring, iov,
						  URING_RW_SLICES) == 0;
	return u->registered;
}

void uring_close(struct uring *u, int fd)
{
	struct io_uring_sqe *sqe;
	unsigned int slot;

	if (u->closes == URING_CLOSES)
		uring_flush(u);
	slot = u->closes;
	sqe = uring_has(u, IORING_OP_CLOSE)
		      ? uring_sqe(u, URING_TAG_CLOSE | slot) : NULL;
	if (!sqe) {
		sys_close(fd);
		return;
	}
	io_uring_prep_close(sqe, fd);
	u->close_fd[slot] = fd;
	u->close_seq[slot] = u->prepared - 1;
	u->closes++;
}

void uring_exit(struct uring *u)
{
	if (!u->ok)
		return;
	uring_flush(u);
	if (u->ok)
		io_uring_queue_exit(&u->ring);
	u->ok = false;
}
