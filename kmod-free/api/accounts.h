/* SPDX-License-Identifier: MIT */
/*
 * --chown names: looked up in the destination root's /etc/passwd and
 * /etc/group, opened inside that root like any other path there (never
 * through NSS, whose "/" would be the host's).
 */
#ifndef STAGECP_ACCOUNTS_H
#define STAGECP_ACCOUNTS_H

struct stagecp_ctx;

/* BuildKit's cap on an account file. */
#define ACCOUNTS_MAX_SIZE (10u << 20)

/*
 * Resolve c->opt.chown into c->own_uid/c->own_gid (c->own_set).  Failures
 * are reported; returns 0 or a negative errno.
 */
int accounts_resolve_owner(struct stagecp_ctx *c);

#endif
