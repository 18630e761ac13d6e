// SPDX-License-Identifier: MIT
/* Reporting to the caller: see report.h. */
#include "seam/report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

static const char *own_error_text(int err)
{
	switch (-err) {
	case ESTAGECP_CHANGED:
		return "file changed as we read it";
	case ESTAGECP_KERNEL_FS:
		return "procfs and sysfs are never copied";
	default:
		return NULL;
	}
}

static void deliver(struct report *r, const struct stagecp_error *e, int err)
{
	pthread_mutex_lock(r->lock);
	if (e->warning) {
		r->warnings++;
	} else {
		r->errors++;
		if (!r->first_err)
			r->first_err = err;
	}
	if (r->on_error)
		r->on_error(r->arg, e);
	pthread_mutex_unlock(r->lock);
}

void report(struct report *r, const char *path, const char *op, int err,
	    bool warning)
{
	struct stagecp_error e = {
		.path = path,
		.op = op,
		.err = -err,
		.msg = own_error_text(err),
		.warning = warning,
	};

	/* Our own codes have no errno; a refused procfs is EPERM. */
	if (e.msg)
		e.err = err == -ESTAGECP_KERNEL_FS ? EPERM : 0;
	deliver(r, &e, e.msg ? -EIO : err);
}

void report_msg(struct report *r, const char *path, const char *op,
		const char *msg, bool warning)
{
	report_errmsg(r, path, op, 0, msg, warning);
}

int report_type_clash(struct report *r, const char *path, const char *op,
		      bool dir_incoming, int err)
{
	char msg[PATH_MAX + 64];

	if (dir_incoming)
		snprintf(msg, sizeof(msg), "cannot copy to non-directory: %s",
			 path);
	else
		snprintf(msg, sizeof(msg),
			 "cannot replace to directory %s with file", path);
	report_errmsg(r, path, op, err, msg, false);
	return err;
}

void report_errmsg(struct report *r, const char *path, const char *op,
		   int err, const char *msg, bool warning)
{
	struct stagecp_error e = {
		.path = path,
		.op = op,
		.err = -err,
		.msg = msg,
		.warning = warning,
	};

	deliver(r, &e, err ? err : -EIO);
}
