/* SPDX-License-Identifier: MIT */
/*
 * Which entries of a copied source tree are copied: the --exclude patterns,
 * the --parents include pattern and the include patterns of
 * stagecp_set_includes(), all with .dockerignore rules (see ignore.h),
 * matched against paths relative to the copied source.  An entry passes
 * an include when it or a directory above it matches.
 */
#ifndef STAGECP_FILTER_H
#define STAGECP_FILTER_H

#include <stdbool.h>

#include "semantics/ignore.h"

struct stagecp_ctx;

enum filter_verdict {
	FILTER_COPY,		/* copied, with everything below it */
	FILTER_SKIP,		/* not copied, and nothing below it is */
	/*
	 * A directory that is not copied itself, but may hold entries that
	 * are: it is walked, and made only when one of those is copied.
	 */
	FILTER_TRAVERSE,
};

struct filter {
	const struct ignore *excludes;	/* NULL: none */
	struct ignore include;		/* --parents; count 0: none */
	const struct ignore *includes;	/* set_includes(); NULL: none */
};

/* What a directory's test leaves for the tests of its entries. */
struct filter_state {
	struct ignore_info ex;
	bool included;		/* the --parents pattern matched above */
	bool included_set;	/* an include pattern matched above */
};

/*
 * Set up a filter for one copied source: the context's excludes and, when
 * include is not NULL, the --parents pattern kept below the source.
 */
int filter_init(struct filter *f, struct stagecp_ctx *c, const char *include);
void filter_free(struct filter *f);
/* Whether there is anything to filter. */
bool filter_active(const struct filter *f);

/* The state of the copied source's own directory. */
void filter_start(const struct filter *f, struct filter_state *top);

/*
 * Decide on the entry at rel ("a/b") below a directory whose state is
 * parent.  For a directory, *child receives the state its own entries
 * need (free it with filter_state_free()).
 */
enum filter_verdict filter_check(const struct filter *f, const char *rel,
				 bool is_dir, const struct filter_state *parent,
				 struct filter_state *child);
void filter_state_free(struct filter_state *s);

/*
 * stagecp's decision: a top-level source that a wildcard matched is not
 * copied when an --exclude pattern matches its path relative to the
 * wildcard's directory.
 */
bool filter_top_excluded(struct stagecp_ctx *c, const char *rel);

#endif
