/* SPDX-License-Identifier: MIT */
/*
 * The C side of the Go package: libstagecp's callbacks, forwarded to the
 * exported Go functions with the cgo.Handle of the copy they belong to.
 */
#ifndef STAGECP_GO_SHIM_H
#define STAGECP_GO_SHIM_H

#include <stdint.h>
#include <stagecp.h>

/* Route o's error callback to the copy h. */
void scp_set_error_fn(struct stagecp_options *o, uintptr_t h);
/* Route ctx's owner callback to the copy h. */
void scp_set_owner_fn(struct stagecp_ctx *ctx, uintptr_t h);
/* Store into the cancel flag, from the goroutine that watches the context. */
void scp_cancel(int *flag);

#endif
