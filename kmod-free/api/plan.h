/* SPDX-License-Identifier: MIT */
/*
 * Planning one COPY: the sources as Docker sees them, before anything is
 * written.  Wildcards are expanded (Go filepath.Match per component, walked
 * in lexical order, a matched directory not descended into), literal
 * sources must exist, and --parents sources are split at their "/./" pivot.
 * Every error found here is reported before the copy writes anything.
 */
#ifndef STAGECP_PLAN_H
#define STAGECP_PLAN_H

#include <stdbool.h>
#include <stddef.h>

struct stagecp_ctx;

struct plan_item {
	char *path;		/* clean, inside the source root */
	char *include;		/* --parents: the pattern kept below path */
};

struct plan {
	struct plan_item *v;
	size_t n;
	size_t cap;
};

/* Build the plan for srcs; errors are reported, and the first returned. */
int plan_build(struct stagecp_ctx *c, const char *const *srcs, size_t nsrcs,
	       struct plan *p);
void plan_free(struct plan *p);

#endif
