/* SPDX-License-Identifier: MIT */
/*
 * .dockerignore-style pattern lists (moby/patternmatcher), as BuildKit uses
 * them for COPY --exclude and for the include pattern of COPY --parents
 * (stagecp-copy(7) §6.2-6.4).
 *
 * Compiling a list: every pattern is trimmed of white space (Go's
 * unicode.IsSpace), skipped when empty, cleaned like filepath.Clean; a
 * leading '!' (after cleaning) makes it an exclusion, i.e. a re-include.
 * "!" alone is an error (`illegal exclusion pattern: "!"`), and so is a
 * pattern filepath.Match calls malformed (`syntax error in pattern`).
 *
 * Matching one pattern against a slash-separated relative path:
 *	*	any run of characters but '/'
 *	?	one character but '/'
 *	**	any number of whole components, none included: "a/ ** /b"
 *		(without the spaces) matches "a/b" and "a/x/y/b"; a leading
 *		"** /" matches at any depth ("** /foo" matches "foo" and
 *		"x/foo"); a trailing "/ **" matches everything below
 *	[...]	a class as in filepath.Match ('^' negates; it may match '/')
 *	\c	the character c
 * The whole path must match.  Like patternmatcher, a pattern with no
 * wildcard is compared as a plain string, a pattern whose only wildcard is
 * a final "**" is a string prefix ("foo**" matches "foobar") and a pattern
 * whose only wildcard is a leading "**" is a string suffix ("**foo" matches
 * "xfoo").  In the other patterns "**" and the leading '^' test behave as in
 * the Go regexp patternmatcher builds: "**" does not cross a newline, '^'
 * outside a class only matches at the start of the path.
 *
 * A path is matched when a pattern matches it or one of its parent
 * directories; patterns are tried in order and the last one that matches
 * decides (an exclusion un-matches).
 *
 * Known departures from patternmatcher, all on patterns no one writes:
 * '\' followed by an ASCII letter or digit is the plain character here
 * (Go's regexp gives "\d", "\w", "\n"... their regexp meaning and rejects
 * most others); '*' and '?' inside brackets are plain characters here
 * (patternmatcher pastes its regexp for them into the class); "[[:alpha:]]"
 * is the class of '[', ':', 'a', ... here, not a POSIX class; a class range
 * whose ends are reversed ("[z-a]") is a syntax error at compile time here,
 * while patternmatcher reports it on first use.
 */
#ifndef STAGECP_IGNORE_H
#define STAGECP_IGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ignore_pattern;

/* A compiled pattern list.  Read-only once compiled: share it freely. */
struct ignore {
	struct ignore_pattern *patterns;
	size_t count;
	bool exclusions;	/* some pattern starts with '!' */
};

/*
 * What testing a directory left for its children: one flag per pattern,
 * "this pattern matched the directory or one of its parents".  A walker
 * keeps one per open directory and hands it to the tests of the entries
 * inside, so parents are never tested again (patternmatcher's MatchInfo).
 * Without one (NULL, or known == false) the parents are tested from the
 * path itself.
 */
struct ignore_info {
	bool known;
	uint8_t *matched;	/* ignore.count flags */
};

/*
 * Compile patterns[0..n) into *ig.  On a bad pattern returns -EINVAL with
 * patternmatcher's text in errbuf (BuildKit wraps it as `invalid
 * excludepatterns: [...]: <text>`); -ENOMEM when out of memory.  An empty
 * list (or only blank patterns) compiles to a list that matches nothing.
 */
int ignore_compile(struct ignore *ig, const char *const *patterns, size_t n,
		   char *errbuf, size_t errlen);
void ignore_free(struct ignore *ig);

/* True when some pattern is an exclusion ('!'). */
bool ignore_has_exclusions(const struct ignore *ig);

/*
 * Room for one path's match flags; *info starts as "nothing known".
 * Returns 0 or -ENOMEM.
 */
int ignore_info_init(const struct ignore *ig, struct ignore_info *info);
void ignore_info_free(struct ignore_info *info);

/*
 * Does the list match path (clean, relative, '/'-separated, as a walker
 * builds it: "a", "a/b")?  parent: the info the parent directory's test
 * left, or NULL.  out: when not NULL (and set up by ignore_info_init),
 * receives this path's info for its children.  This is patternmatcher's
 * MatchesUsingParentResults, quirks included: a pattern that was skipped
 * because the outcome could not change (an inclusion while already
 * matched, an exclusion while not matched) is recorded as not matching.
 */
bool ignore_matches(const struct ignore *ig, const char *path,
		    const struct ignore_info *parent, struct ignore_info *out);

/*
 * Could a path strictly below directory dir ("" for the root) match?  A
 * walker that finds dir itself unmatched may skip reading it when this is
 * false: no inclusion pattern matches dir or one of its parents, and none
 * can match anything under "dir/".  Conservative: true when unsure.
 */
bool ignore_may_match_below(const struct ignore *ig, const char *dir);

#endif /* STAGECP_IGNORE_H */
