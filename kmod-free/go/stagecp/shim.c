// SPDX-License-Identifier: MIT
/* See shim.h. */
#include "shim.h"
#include "_cgo_export.h"

static void on_error(void *arg, const struct stagecp_error *e)
{
	goStagecpError((uintptr_t)arg, (char *)e->path, (char *)e->op, e->err,
		       (char *)e->msg, e->warning);
}

static int on_owner(void *arg, const char *path, const struct stat *src,
		    uid_t *uid, gid_t *gid)
{
	return goStagecpOwner((uintptr_t)arg, (char *)path, src != NULL, uid,
			      gid);
}

void scp_set_error_fn(struct stagecp_options *o, uintptr_t h)
{
	o->on_error = on_error;
	o->error_arg = (void *)h;
}

void scp_set_owner_fn(struct stagecp_ctx *ctx, uintptr_t h)
{
	stagecp_set_owner_fn(ctx, on_owner, (void *)h);
}

void scp_cancel(int *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}
