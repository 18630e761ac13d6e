/* SPDX-License-Identifier: MIT */
/*
 * The fallback ladder: for each pair of filesystems, what each data mover
 * has shown, so later files skip the rungs known to fail.  ladder.c says
 * which errnos fall back and which hold for the whole pair.
 */
#ifndef STAGECP_LADDER_H
#define STAGECP_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stagecp.h"

/* What one rung of the ladder has shown for a filesystem pair. */
enum ladder_answer {
	LADDER_UNKNOWN = 0,
	LADDER_WORKS,
	LADDER_FAILS,
};

/* The fallback ladder's memory for one (source fs, destination fs) pair. */
struct ladder_pair {
	dev_t src_dev;
	dev_t dst_dev;
	enum ladder_answer clone;
	enum ladder_answer copy_range;
	enum stagecp_method last;	/* the mover used most recently */
};

struct ladder {
	struct ladder_pair *pairs;
	size_t n;
	size_t cap;
};

/* Find or add the entry for a pair; NULL only when out of memory. */
struct ladder_pair *ladder_pair_get(struct ladder *l, dev_t src, dev_t dst);
void ladder_free(struct ladder *l);

/*
 * Classification of the errnos each rung can return.  *_falls_back: this
 * errno sends the file to the next rung.  *_remembered: the answer holds for
 * the whole filesystem pair, so later files skip the rung.
 */
bool ladder_clone_falls_back(int err);
bool ladder_clone_remembered(int err);
bool ladder_copy_range_falls_back(int err);
bool ladder_copy_range_remembered(int err);

#endif
