// SPDX-License-Identifier: MIT
/* Which entries of a copied tree are copied: see filter.h. */
#include "engine/filter.h"

#include <errno.h>
#include <string.h>

#include "engine/engine.h"

int filter_init(struct filter *f, struct stagecp_ctx *c, const char *include)
{
	char err[256];

	memset(f, 0, sizeof(*f));
	f->excludes = c->excludes.count ? &c->excludes : NULL;
	f->includes = c->includes.count ? &c->includes : NULL;
	if (!include)
		return 0;
	/* The plan already checked the pattern when it split the pivot. */
	return ignore_compile(&f->include, &include, 1, err, sizeof(err));
}

void filter_free(struct filter *f)
{
	ignore_free(&f->include);
}

bool filter_active(const struct filter *f)
{
	return f->excludes || f->include.count || f->includes;
}

void filter_start(const struct filter *f, struct filter_state *top)
{
	memset(top, 0, sizeof(*top));
}

void filter_state_free(struct filter_state *s)
{
	ignore_info_free(&s->ex);
}

/*
 * Whether rel passes the include patterns ig (none: everything does), given
 * whether they matched above; *below receives that for rel's entries.
 */
static bool include_check(const struct ignore *ig, const char *rel,
			  bool above, bool *below)
{
	bool ok = !ig || above || ignore_matches(ig, rel, NULL, NULL);

	*below = ok && ig;
	return ok;
}

enum filter_verdict filter_check(const struct filter *f, const char *rel,
				 bool is_dir, const struct filter_state *parent,
				 struct filter_state *child)
{
	const struct ignore *pivot = f->include.count ? &f->include : NULL;
	struct ignore_info *out = NULL;
	bool in_pivot, in_set, excluded = false;

	memset(child, 0, sizeof(*child));
	/* Only directories pass results down: files need no room. */
	if (is_dir && f->excludes &&
	    ignore_info_init(f->excludes, &child->ex) == 0)
		out = &child->ex;
	in_pivot = include_check(pivot, rel, parent->included,
				 &child->included);
	in_set = include_check(f->includes, rel, parent->included_set,
			       &child->included_set);
	if (f->excludes)
		excluded = ignore_matches(f->excludes, rel,
					  parent->ex.known ? &parent->ex : NULL,
					  out);
	/*
	 * An excluded entry is gone with its subtree, unless a '!' pattern
	 * may bring part of it back: then a directory is walked for it.
	 */
	if (excluded && (!is_dir || !ignore_has_exclusions(f->excludes)))
		return FILTER_SKIP;
	if (in_pivot && in_set)
		return excluded ? FILTER_TRAVERSE : FILTER_COPY;
	/* Walked for what an include pattern may match below it. */
	if (is_dir && (in_pivot || ignore_may_match_below(pivot, rel)) &&
	    (in_set || ignore_may_match_below(f->includes, rel)))
		return FILTER_TRAVERSE;
	return FILTER_SKIP;
}

bool filter_top_excluded(struct stagecp_ctx *c, const char *rel)
{
	return c->excludes.count &&
	       ignore_matches(&c->excludes, rel, NULL, NULL);
}
