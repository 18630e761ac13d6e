/* SPDX-License-Identifier: MIT */
/*
 * One big file's read/write copy, shared with idle workers.  The worker
 * copying it publishes the segment and takes SHARE_CHUNK ranges of it in
 * turn; a worker with nothing else to do takes ranges too, with its own
 * buffer.  The owner returns once every range is written.
 *
 * Only the read/write mover shares: the kernel serialises the writers of
 * one inode, but the reads, the copy out of the page cache, run side by
 * side.  A lone 1 GiB file from xfs to ext4 took 0.24 s with one thread
 * and 0.16 s with two; copy_file_range on ext4 took 0.24 s either way, so
 * it is not split.  A worker that is busy with its own task never helps,
 * so sharing costs nothing while there is other work.
 */
#ifndef STAGECP_SHARE_H
#define STAGECP_SHARE_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

struct data_src;

/* The size of one range; a segment of two or more is shared. */
#define SHARE_CHUNK ((off_t)16 << 20)

struct share;

struct share_list {
	pthread_mutex_t lock;
	pthread_cond_t done;		/* a helper finished a range */
	struct share *head;		/* segments with ranges to take */
	/* Tells idle workers there is work; NULL: no worker would come. */
	void (*wake)(void *arg);
	void *wake_arg;
};

void share_list_init(struct share_list *l);
void share_list_destroy(struct share_list *l);

/* A shared segment has a range left to take. */
bool share_list_has_work(struct share_list *l);

/* The segment is big enough to share, and someone could help. */
bool share_worth_it(const struct share_list *l, off_t start, off_t end);

/*
 * Copy [start, end) of src into dstfd with pread and pwrite, sharing the
 * ranges with idle workers.  Returns 0 or the first negative errno of any
 * range, with *op the operation that failed.
 */
int share_copy(struct share_list *l, const struct data_src *src, int dstfd,
	       off_t start, off_t end, char *buf, size_t buflen,
	       const char **op);

/*
 * An idle worker: copy one range of a shared segment with buf.  Returns
 * false when there was none to take.
 */
bool share_help(struct share_list *l, char *buf, size_t buflen);

#endif
