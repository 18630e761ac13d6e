/* SPDX-License-Identifier: MIT */
/* Extended attributes: copy every key of one entry to another. */
#ifndef STAGECP_XATTR_H
#define STAGECP_XATTR_H

#include <stdbool.h>

#include "engine/node.h"

struct stagecp_ctx;

/*
 * Copy the xattrs of src to dst, all but security.capability: *has_cap
 * tells whether the source has one, for xattr_copy_capability() after the
 * chown that would drop it.  The overlayfs-private keys (trusted.overlay.*,
 * user.overlay.*) never go: on a plain destination they would change an
 * overlay's merged view if it were later used as a layer.  A key that
 * fails to apply is a warning naming it; the other keys are still applied.
 * Returns 0, or a negative errno when the source's keys could not be read.
 */
int xattr_copy(struct stagecp_ctx *c, const struct node *src,
	       const struct node *dst, const char *path, bool *has_cap);
/* security.capability, set after chown and chmod, which would clear it. */
void xattr_copy_capability(struct stagecp_ctx *c, const struct node *src,
			   const struct node *dst, const char *path);

/* Keys that never leave the source. */
bool xattr_is_private(const char *key);

#endif
