// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: .dockerignore-style pattern lists (ignore_compile,
 * ignore_matches with and without parent info, ignore_may_match_below).
 *
 * Input: PATTERNS NUL PATHS, each a list of lines.  Without a NUL the
 * pattern lines are also the paths.  Paths are cleaned into the relative
 * form a walker builds ("a/b") before they are tested.  For each path
 * the harness walks down its directories as a walker would, handing each
 * level's info to the next, and checks that:
 *	- without exclusion patterns, the answer with parent info is the
 *	  answer without it (with exclusions patternmatcher's documented
 *	  quirk may make them differ);
 *	- when a directory is unmatched and ignore_may_match_below() says
 *	  nothing below it can match, nothing below it does.
 * The first pattern lines are also compiled alone: one without any
 * special character must match its own cleaned path.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "semantics/gomatch.h"
#include "semantics/ignore.h"

/* The NFA is linear, but patterns x paths x depth adds up. */
#define MAX_INPUT (16u << 10)
#define MAX_PATTERNS 64
#define MAX_PATHS 16
/*
 * Each level of a path is tested with and without parent info, and the
 * test without it looks at every parent again: the work grows with the
 * square of the depth.  Deeper paths find nothing new.
 */
#define MAX_DEPTH 12

/* Cut s at newlines, in place, into at most max strings. */
static size_t split_lines(char *s, char **v, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *nl = strchr(s, '\n');

		v[n++] = s;
		if (!nl)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	return n;
}

/*
 * The relative path a walker would build for p: cleaned, without a
 * leading '/' or "../", cut after MAX_DEPTH components; NULL for the root
 * itself or on failure.
 */
static char *walker_path(const char *p)
{
	char *clean, *rel, *s;

	if (gomatch_clean(p, &clean))
		return NULL;
	s = clean;
	for (;;) {
		if (*s == '/')
			s++;
		else if (!strncmp(s, "../", 3))
			s += 3;
		else
			break;
	}
	if (!*s || !strcmp(s, ".") || !strcmp(s, "..")) {
		free(clean);
		return NULL;
	}
	rel = strdup(s);
	free(clean);
	if (rel) {
		size_t depth = 1;

		for (s = rel; *s; s++) {
			if (*s == '/' && ++depth > MAX_DEPTH) {
				*s = '\0';
				break;
			}
		}
	}
	return rel;
}

/* Walk down to path level by level, then check it. */
static void check_path(const struct ignore *ig, char *path)
{
	struct ignore_info info[2];
	bool direct, walked, dir_matched;
	size_t len = strlen(path), i;
	int cur = 0, k;

	for (k = 0; k < 2; k++) {
		if (ignore_info_init(ig, &info[k])) {
			if (k)
				ignore_info_free(&info[0]);
			return;
		}
	}
	direct = ignore_matches(ig, path, NULL, NULL);
	CHECK(ignore_matches(ig, path, NULL, NULL) == direct,
	      "'%s' changed its mind", path);

	if (!ignore_may_match_below(ig, ""))
		CHECK(!direct, "'%s' matched below a root nothing may match",
		      path);

	/*
	 * Each directory above path, top down, as a walker meets them; the
	 * first one gets an info that knows nothing yet.
	 */
	for (i = 0; i <= len; i++) {
		bool pruned;

		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		walked = ignore_matches(ig, path, &info[cur], &info[!cur]);
		dir_matched = ignore_matches(ig, path, NULL, NULL);
		pruned = i < len && !dir_matched &&
			 !ignore_may_match_below(ig, path);
		if (i < len)
			path[i] = '/';
		if (!ig->exclusions)
			CHECK(walked == dir_matched,
			      "'%.*s': %d walked, %d direct", (int)i, path,
			      walked, dir_matched);
		if (pruned)
			CHECK(!direct, "'%s' matched below '%.*s', where "
			      "nothing may match", path, (int)i, path);
		cur = !cur;
	}
	ignore_info_free(&info[0]);
	ignore_info_free(&info[1]);
}

/*
 * A pattern without wildcards, escapes, anchors or '!' is a plain name: on
 * its own it matches its cleaned self, when that is a walker's path.
 */
static void check_literal(const char *line)
{
	const char *p = line;
	struct ignore ig;
	char *clean, *rel;
	bool matched;

	for (; *p; p++)
		if (*p <= ' ' || *p > '~' || strchr("*?[]\\^!", *p))
			return;
	if (p == line || ignore_compile(&ig, &line, 1, NULL, 0))
		return;
	rel = walker_path(line);
	if (rel && !gomatch_clean(line, &clean)) {
		/* A leading '/' or ".." is the pattern's own business. */
		if (!strcmp(clean, rel)) {
			matched = ignore_matches(&ig, rel, NULL, NULL);
			CHECK(matched, "'%s' does not match '%s'", line, rel);
		}
		free(clean);
	}
	free(rel);
	ignore_free(&ig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *pats[MAX_PATTERNS], *paths[MAX_PATHS], *nul, *rel;
	size_t npats, npaths, i;
	struct ignore ig;
	char err[256];
	int r;

	if (size > MAX_INPUT)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	nul = memchr(buf, '\0', size);

	npats = split_lines(buf, pats, MAX_PATTERNS);
	for (i = 0; i < npats && i < 8; i++)
		check_literal(pats[i]);
	memset(err, 0, sizeof(err));
	r = ignore_compile(&ig, (const char *const *)pats, npats, err,
			   sizeof(err));
	CHECK(r == 0 || r == -EINVAL || r == -ENAMETOOLONG || r == -ENOMEM,
	      "compile returned %d", r);
	if (r) {
		CHECK(r == -ENOMEM || err[0], "no message for %d", r);
		CHECK(!ig.patterns && !ig.count, "failure left patterns");
		goto free_buf;
	}
	CHECK(ig.count <= npats, "%zu patterns from %zu", ig.count, npats);
	CHECK(ignore_has_exclusions(&ig) == ig.exclusions, "exclusions");

	if (nul) {
		npaths = split_lines(nul + 1, paths, MAX_PATHS);
	} else {
		/* split_lines cut buf: the pattern lines are the paths. */
		npaths = npats < MAX_PATHS ? npats : MAX_PATHS;
		memcpy(paths, pats, npaths * sizeof(*paths));
	}
	for (i = 0; i < npaths; i++) {
		rel = walker_path(paths[i]);
		if (!rel)
			continue;
		check_path(&ig, rel);
		free(rel);
	}
	ignore_free(&ig);
free_buf:
	free(buf);
	return 0;
}
