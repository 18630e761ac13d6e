/* SPDX-License-Identifier: MIT */
/*
 * One io_uring per worker, for the metadata storm: the opens, stats,
 * creates, mkdirs and links of a window of directory entries go in as one
 * batch, one io_uring_enter for many entries, and the closes of finished
 * files ride along with the next batch.
 *
 * A batch is an array of results.  uring_batch_start() marks each
 * URING_NOT_RUN; the caller asks uring_batch_sqe() for an SQE per
 * operation, and uring_batch_run() submits them and fills in the results
 * (a value or a negative errno, as the syscall would give).  Whatever is
 * still URING_NOT_RUN afterwards the caller does with the plain syscall:
 * io_uring is optional.  Where the kernel refuses a ring (EPERM under a
 * seccomp profile or kernel.io_uring_disabled, ENOSYS) or the probe says it
 * lacks an opcode, or the ring fails later, the plain syscall gives the
 * same result.
 */
#ifndef STAGECP_URING_H
#define STAGECP_URING_H

#include <fcntl.h>	/* liburing 2.3 uses AT_FDCWD without it */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <liburing.h>

/* SQ entries per ring: room for a window of entries plus the closes. */
#define URING_ENTRIES 256
/* How many closes wait for a batch to ride along with. */
#define URING_CLOSES 128
/* A batch result that the ring did not produce. */
#define URING_NOT_RUN INT_MIN

struct uring {
	struct io_uring ring;
	bool ok;			/* the ring exists */
	uint64_t ops;			/* bit n: it has opcode n */
	uint64_t prepared;		/* SQEs made, ever */
	uint64_t submitted;		/* ... and taken by the kernel */
	unsigned int inflight;		/* submitted, not yet reaped */
	int *res;			/* the current batch's results */
	unsigned int nres;
	/* Closes queued or in flight: their fds (-1 once reaped), and the
	 * number of their SQE, which tells whether it was submitted. */
	int close_fd[URING_CLOSES];
	uint64_t close_seq[URING_CLOSES];
	unsigned int closes;
	bool registered;		/* uring_register_buffers() worked */
	bool register_tried;
};

enum uring_use {
	URING_OFF,	/* no ring: every call is a syscall */
	URING_INLINE,	/* the opcodes the kernel runs without a handoff */
	URING_ALL,	/* every opcode the ring has */
};

/* Set up a ring unless off; without one, everything is synchronous. */
void uring_init(struct uring *u, enum uring_use use);
/* The ring exists and has the opcode. */
bool uring_has(const struct uring *u, unsigned int opcode);

/* Start a batch whose results go to res[0..n-1]. */
void uring_batch_start(struct uring *u, int *res, unsigned int n);
/*
 * An SQE for operation idx of the batch, or NULL when the ring cannot take
 * it (no ring, no such opcode): then the caller does it plainly.
 */
struct io_uring_sqe *uring_batch_sqe(struct uring *u, unsigned int opcode,
				     unsigned int idx);
/* Submit the batch and wait for all of it. */
void uring_batch_run(struct uring *u);

/*
 * Register buf as URING_RW_SLICES equal fixed buffers, for READ_FIXED and
 * WRITE_FIXED with buf_index 0..URING_RW_SLICES-1.  False where the ring
 * cannot (no ring, no such opcodes, or the kernel refuses the memory).
 */
#define URING_RW_SLICES 4
bool uring_register_buffers(struct uring *u, void *buf, size_t len);

/* Close fd, now or with the next batch. */
void uring_close(struct uring *u, int fd);
/* Submit what is queued and reap it. */
void uring_flush(struct uring *u);
void uring_exit(struct uring *u);

#endif
