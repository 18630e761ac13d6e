/* SPDX-License-Identifier: MIT */
/*
 * Reporting failures and warnings to the library's caller, through the
 * on_error callback of struct stagecp_options.  Every layer that meets a
 * failure reports it here; this unit sits below all of them and knows
 * nothing of the engine: only the callback, a lock shared with the
 * caller's other callbacks, and the counts.
 */
#ifndef STAGECP_REPORT_H
#define STAGECP_REPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "stagecp.h"

/*
 * Errors that have no errno of their own.  They live above the errno range
 * and travel as negative values like any errno; report() turns them into
 * text.
 */
enum {
	ESTAGECP_BASE = 4096,
	ESTAGECP_CHANGED,	/* "file changed as we read it" */
	ESTAGECP_KERNEL_FS,	/* a procfs or sysfs source */
};

struct report {
	/*
	 * Held while the callback runs, so the caller's callbacks never run
	 * at once (the context's lock: the entry callback takes it too).
	 */
	pthread_mutex_t *lock;
	stagecp_error_fn on_error;	/* may be NULL */
	void *arg;
	uint64_t errors;
	uint64_t warnings;
	int first_err;			/* negative errno of the first error */
};

/*
 * Report a failure (warning false: counted, and the copy will end in
 * failure) or a warning.  err is a negative errno or -ESTAGECP_*.
 */
void report(struct report *r, const char *path, const char *op, int err,
	    bool warning);
/* The same with a text of its own in place of strerror. */
void report_msg(struct report *r, const char *path, const char *op,
		const char *msg, bool warning);
/* A text of its own, and the errno (negative) that stands behind it. */
void report_errmsg(struct report *r, const char *path, const char *op,
		   int err, const char *msg, bool warning);
/*
 * BuildKit's texts for an entry whose type clashes with what DEST holds:
 * "cannot copy to non-directory: P" (dir_incoming) or "cannot replace to
 * directory P with file".  Reported with err, which is returned.
 */
int report_type_clash(struct report *r, const char *path, const char *op,
		      bool dir_incoming, int err);

#endif
