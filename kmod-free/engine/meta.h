/* SPDX-License-Identifier: MIT */
/*
 * Metadata of a copied entry, applied in the one order that keeps it all:
 * the plain xattrs (while the entry is still ours to write), chown (which
 * clears setuid, setgid and file capabilities), chmod (which restores
 * setuid and setgid), security.capability, then times (which nothing after
 * them changes).
 */
#ifndef STAGECP_META_H
#define STAGECP_META_H

#include <stdbool.h>
#include <sys/stat.h>

#include "engine/node.h"

struct stagecp_ctx;

/* What the destination entry holds now, so unneeded calls are skipped. */
struct meta_now {
	uid_t uid;
	gid_t gid;
	mode_t mode;		/* permission bits incl. setuid/setgid/sticky */
};

/*
 * Give dst the owner, mode, xattrs and times of the source whose lstat is
 * sst.  The mode is left alone on symlinks.  Failures are reported against
 * path; returns 0 or the first negative errno.
 */
int meta_apply(struct stagecp_ctx *c, const struct stat *sst,
	       const struct node *src, const struct node *dst,
	       const struct meta_now *now, const char *path);

/* Whether the copy gives an entry other owner or mode bits than sst's. */
bool meta_changes(const struct stagecp_ctx *c, const struct stat *sst);

/* Only the times (the top directory of a copy keeps its own owner and
 * mode but takes the source's times, as BuildKit does). */
int meta_apply_times(struct stagecp_ctx *c, const struct stat *sst,
		     const struct node *dst, const char *path);

#endif
