// SPDX-License-Identifier: MIT
/* One io_uring per worker: see uring.h. */
#include "uring.h"

#include <string.h>

#include "sys.h"

void uring_init(struct uring *u, bool disabled)
{
	struct io_uring_probe *probe;

	memset(u, 0, sizeof(*u));
	if (disabled)
		return;
	/* liburing returns -errno: any refusal means "no ring". */
	if (io_uring_queue_init(URING_BATCH, &u->ring, 0) < 0)
		return;
	u->ok = true;
	probe = io_uring_get_probe_ring(&u->ring);
	u->can_close = probe && io_uring_opcode_supported(probe,
							   IORING_OP_CLOSE);
	if (probe)
		io_uring_free_probe(probe);
}

/*
 * The ring failed to take the batch: drop it (which discards what was
 * never submitted) and close the fds the plain way.
 */
static void uring_give_up(struct uring *u)
{
	io_uring_queue_exit(&u->ring);
	u->ok = u->can_close = false;
	for (unsigned int i = 0; i < u->queued; i++)
		sys_close(u->fds[i]);
	u->queued = 0;
}

void uring_flush(struct uring *u)
{
	struct io_uring_cqe *cqe;
	int r;

	if (!u->queued)
		return;
	r = io_uring_submit_and_wait(&u->ring, u->queued);
	if (r < (int)u->queued) {
		if (r <= 0) {
			uring_give_up(u);
			return;
		}
		/* Part went in: the rest waits for the next batch. */
	}
	/* A close that fails is not retried: the fd is gone either way,
	 * as with close(2). */
	for (int n = r > 0 ? r : 0; n > 0; n--) {
		if (io_uring_wait_cqe(&u->ring, &cqe) < 0)
			break;
		io_uring_cqe_seen(&u->ring, cqe);
	}
	if (r >= (int)u->queued) {
		u->queued = 0;
		return;
	}
	memmove(u->fds, u->fds + r, (u->queued - (unsigned int)r) *
				     sizeof(u->fds[0]));
	u->queued -= (unsigned int)r;
}

void uring_close(struct uring *u, int fd)
{
	struct io_uring_sqe *sqe;

	if (!u->can_close) {
		sys_close(fd);
		return;
	}
	sqe = u->queued < URING_BATCH ? io_uring_get_sqe(&u->ring) : NULL;
	if (!sqe) {
		uring_flush(u);
		sqe = u->can_close && u->queued < URING_BATCH
			      ? io_uring_get_sqe(&u->ring) : NULL;
	}
	if (!sqe) {
		sys_close(fd);
		return;
	}
	io_uring_prep_close(sqe, fd);
	u->fds[u->queued] = fd;
	if (++u->queued == URING_BATCH)
		uring_flush(u);
}

void uring_exit(struct uring *u)
{
	if (!u->ok)
		return;
	uring_flush(u);
	io_uring_queue_exit(&u->ring);
	u->ok = false;
}
