/* SPDX-License-Identifier: MIT */
/*
 * One io_uring per worker, for the work that needs no answer before the
 * next entry: closing the fds of finished files.  Each close would be a
 * syscall of its own; queued, a whole batch costs one io_uring_enter.
 *
 * io_uring is optional.  Where the kernel refuses a ring (EPERM under a
 * seccomp profile or kernel.io_uring_disabled, ENOSYS) or lacks the opcode
 * (the probe says so, once per ring), the plain syscall is used, with the
 * same result.
 */
#ifndef STAGECP_URING_H
#define STAGECP_URING_H

#include <fcntl.h>	/* liburing 2.3 uses AT_FDCWD without it */
#include <stdbool.h>
#include <liburing.h>

/* How many closes wait before a batch goes in. */
#define URING_BATCH 64

struct uring {
	struct io_uring ring;
	bool ok;		/* the ring exists */
	bool can_close;		/* ... and has IORING_OP_CLOSE */
	unsigned int queued;
	int fds[URING_BATCH];	/* what is queued, should the ring fail */
};

/* Set up a ring unless disabled; without one, everything is synchronous. */
void uring_init(struct uring *u, bool disabled);
/* Close fd, now or with the next batch. */
void uring_close(struct uring *u, int fd);
/* Submit what is queued and reap it. */
void uring_flush(struct uring *u);
void uring_exit(struct uring *u);

#endif
