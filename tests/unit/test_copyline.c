// SPDX-License-Identifier: MIT
/*
 * copyline: COPY lines read as BuildKit's Dockerfile frontend reads them.
 * Expected values follow BuildKit's parser rules (line joining, flag
 * extraction, JSON-or-words, BFlags, ProcessWord quote removal) and error
 * texts; see copyline.h for the deliberate departures.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "semantics/dockerfile.h"

struct want {
	unsigned int line;
	const char *from, *chown, *chmod;
	bool link, parents, json;
	const char *excludes[4];	/* NULL-terminated */
	const char *srcs[6];		/* NULL-terminated */
	const char *dest;
};

struct row {
	const char *text;
	const char *err;	/* NULL: parses */
	size_t n;
	struct want want[3];
};

/* A text that must fail with message msg. */
#define FAILS(text, msg) { text, msg, 0, { { 0 } } }

#define ERR_ARGS "COPY requires at least two arguments, but only one " \
		 "was provided. Destination could not be determined"
#define ERR_JSON "when using JSON array syntax, arrays must be " \
		 "comprised of strings only"
#define ERR_FROM "variable expansion is not supported for --from, " \
		 "define a new stage with FROM using ARG from global " \
		 "scope as a workaround"
#define ERR_ONLY_COPY "stagecp exec runs COPY instructions only"

static const struct row rows[] = {
	/* Keyword, words, destination. */
	{ "COPY --from=build /app /app\n", NULL, 1,
	  { { 1, "build", .srcs = { "/app" }, .dest = "/app" } } },
	{ "copy --from=s a b /dst/", NULL, 1,
	  { { 1, "s", .srcs = { "a", "b" }, .dest = "/dst/" } } },
	{ "CoPy --from=0 x y", NULL, 1,
	  { { 1, "0", .srcs = { "x" }, .dest = "y" } } },
	{ "COPY a b c /d/", NULL, 1,
	  { { 1, NULL, .srcs = { "a", "b", "c" }, .dest = "/d/" } } },
	{ "   COPY --from=s a b", NULL, 1,
	  { { 1, "s", .srcs = { "a" }, .dest = "b" } } },
	{ "COPY\t--from=s\ta \t b", NULL, 1,
	  { { 1, "s", .srcs = { "a" }, .dest = "b" } } },
	{ "COPY --from=s a#b /d", NULL, 1,	/* not a comment */
	  { { 1, "s", .srcs = { "a#b" }, .dest = "/d" } } },

	/* Comments, blank lines, line numbers, several instructions. */
	{ "\n# comment\n\nCOPY --from=s a /b\n", NULL, 1,
	  { { 4, "s", .srcs = { "a" }, .dest = "/b" } } },
	{ "COPY --from=a x /y\n\n  # c\nCOPY --from=b z /w/\n", NULL, 2,
	  { { 1, "a", .srcs = { "x" }, .dest = "/y" },
	    { 4, "b", .srcs = { "z" }, .dest = "/w/" } } },
	{ "COPY --from=s a b\r\nCOPY --from=s c d\r\n", NULL, 2,
	  { { 1, "s", .srcs = { "a" }, .dest = "b" },
	    { 2, "s", .srcs = { "c" }, .dest = "d" } } },
	{ "\xEF\xBB\xBF" "COPY --from=s a b", NULL, 1,
	  { { 1, "s", .srcs = { "a" }, .dest = "b" } } },

	/* Line continuations: joined with nothing in between. */
	{ "COPY --from=s \\\n  a \\\n  b /dst/\n", NULL, 1,
	  { { 1, "s", .srcs = { "a", "b" }, .dest = "/dst/" } } },
	{ "COPY --from=s a \\\n# note\n b /d/\n", NULL, 1,
	  { { 1, "s", .srcs = { "a", "b" }, .dest = "/d/" } } },
	{ "COPY --from=s a \\\n\n   \n b /d/\nCOPY --from=t c d", NULL, 2,
	  { { 1, "s", .srcs = { "a", "b" }, .dest = "/d/" },
	    { 5, "t", .srcs = { "c" }, .dest = "d" } } },
	{ "COPY --from=s a\\\nb /d", NULL, 1,
	  { { 1, "s", .srcs = { "ab" }, .dest = "/d" } } },
	{ "COPY --from=s a \\  \t\nb /d", NULL, 1,	/* blanks after \ */
	  { { 1, "s", .srcs = { "a", "b" }, .dest = "/d" } } },
	{ "COPY --from=s a b\\\\\n", NULL, 1,	/* \\ does not continue */
	  { { 1, "s", .srcs = { "a" }, .dest = "b\\" } } },
	{ "COPY --from=s \\\n--link a /d", NULL, 1,
	  { { 1, "s", .link = true, .srcs = { "a" }, .dest = "/d" } } },

	/* Parser directives. */
	{ "# escape=`\nCOPY --from=s a `\n b /d\n", NULL, 1,
	  { { 2, "s", .srcs = { "a", "b" }, .dest = "/d" } } },
	{ "# escape=`\nCOPY --from=s c:\\dir\\x /d", NULL, 1,
	  { { 2, "s", .srcs = { "c:\\dir\\x" }, .dest = "/d" } } },
	{ "#ESCAPE = `\nCOPY --from=s a``b /d", NULL, 1,
	  { { 2, "s", .srcs = { "a`b" }, .dest = "/d" } } },
	{ "# syntax=docker/dockerfile:1\n# check=skip=all\n"
	  "COPY --from=s a b", NULL, 1,
	  { { 3, "s", .srcs = { "a" }, .dest = "b" } } },
	FAILS("# escape=`\n# escape=\\\nCOPY a b",
	      "line 2: only one escape parser directive can be used"),
	FAILS("# escape=x\nCOPY a b",
	      "line 1: invalid escape token 'x' does not match ` or \\"),
	{ "# escape=\nCOPY --from=s a b", NULL, 1,	/* no value: comment */
	  { { 2, "s", .srcs = { "a" }, .dest = "b" } } },
	/* A blank line ends the directives: '`' is then a plain byte. */
	FAILS("\n# escape=`\nCOPY --from=s a `\nb /d",
	      "line 4: unsupported instruction \"b\": " ERR_ONLY_COPY),
	FAILS("# hello\n# escape=`\nCOPY --from=s a `\nb /d",
	      "line 4: unsupported instruction \"b\": " ERR_ONLY_COPY),

	/* JSON form. */
	{ "COPY --from=s [\"a b\", \"tab\\tx\", \"\\u00e9\", \"/dst/\"]", NULL,
	  1, { { 1, "s", .json = true,
		 .srcs = { "a b", "tab\tx", "\xc3\xa9" }, .dest = "/dst/" } } },
	{ "COPY --chown=1:2 [ \"a\" , \"/d\" ]  ", NULL, 1,
	  { { 1, NULL, "1:2", .json = true, .srcs = { "a" },
	      .dest = "/d" } } },
	{ "COPY [\"a\\\\b\", \"/d\"]", NULL, 1,	/* JSON "a\\b": a\b, then b */
	  { { 1, NULL, .json = true, .srcs = { "ab" }, .dest = "/d" } } },
	{ "COPY [\"\\ud83d\\ude00\", \"\\ud800x\", \"\xff\", \"/d\"]", NULL,
	  1, { { 1, NULL, .json = true,
		 .srcs = { "\xf0\x9f\x98\x80", "\xef\xbf\xbdx",
			   "\xef\xbf\xbd" }, .dest = "/d" } } },
	{ "COPY [\"a\", /d]", NULL, 1,		/* not JSON: words */
	  { { 1, NULL, .srcs = { "[a," }, .dest = "/d]" } } },
	{ "COPY [1, a]", NULL, 1,
	  { { 1, NULL, .srcs = { "[1," }, .dest = "a]" } } },
	{ "COPY [\"a\", \"b\"] c", NULL, 1,
	  { { 1, NULL, .srcs = { "[a,", "b]" }, .dest = "c" } } },
	{ "COPY [01, \"/d\"]", NULL, 1,	/* 01 is no JSON number */
	  { { 1, NULL, .srcs = { "[01," }, .dest = "/d]" } } },
	FAILS("COPY [\"a\",]", "line 1: " ERR_ARGS),	/* no JSON, one word */
	FAILS("COPY [1, \"/d\"]", "line 1: " ERR_JSON),
	FAILS("COPY [\"a\", null]", "line 1: " ERR_JSON),
	FAILS("COPY [[\"a\"], \"/d\"]", "line 1: " ERR_JSON),
	FAILS("COPY [{\"a\": [1, true, -0.5e+3]}, \"/d\"]",
	      "line 1: " ERR_JSON),
	FAILS("COPY [1.5e3, \"/d\"]", "line 1: " ERR_JSON),
	FAILS("COPY [\"\\u0000\", \"/d\"]",
	      "line 1: a NUL character in a JSON string is not supported"),
	FAILS("COPY []", "line 1: " ERR_ARGS),
	FAILS("COPY [\"a\"]", "line 1: " ERR_ARGS),
	FAILS("COPY [\"it's\", \"/d\"]", "line 1: failed to process \"it's\": "
	      "unexpected end of statement while looking for matching "
	      "single-quote"),

	/* Argument count (checked before the flags). */
	FAILS("COPY", "line 1: " ERR_ARGS),
	FAILS("COPY a", "line 1: " ERR_ARGS),
	FAILS("COPY --from=x", "line 1: " ERR_ARGS),
	FAILS("COPY --bogus a", "line 1: " ERR_ARGS),
	FAILS("COPY --from=s a \\", "line 1: " ERR_ARGS),
	FAILS("COPY --chown=\"a b x y", "line 1: " ERR_ARGS),  /* open quote */

	/* Flags. */
	{ "COPY --link --parents --from=s a /d", NULL, 1,
	  { { 1, "s", .link = true, .parents = true, .srcs = { "a" },
	      .dest = "/d" } } },
	{ "COPY --link=false --parents=TRUE a /d", NULL, 1,
	  { { 1, NULL, .parents = true, .srcs = { "a" }, .dest = "/d" } } },
	{ "COPY --link=True --parents=False a /d", NULL, 1,
	  { { 1, NULL, .link = true, .srcs = { "a" }, .dest = "/d" } } },
	{ "COPY --exclude=*.txt --exclude=**/tmp --from=s . /d", NULL, 1,
	  { { 1, "s", .excludes = { "*.txt", "**/tmp" }, .srcs = { "." },
	      .dest = "/d" } } },
	{ "COPY --exclude='*.md' --exclude=c\\ d --exclude=\"$X\" x /d",
	  NULL, 1, { { 1, NULL, .excludes = { "*.md", "c d", "$X" },
		       .srcs = { "x" }, .dest = "/d" } } },
	{ "COPY --chown=\"1000:1000\" --chmod=u+x a b", NULL, 1,
	  { { 1, NULL, "1000:1000", "u+x", .srcs = { "a" }, .dest = "b" } } },
	{ "COPY --chown=a\\ b --chmod=\"0644\" x y", NULL, 1,
	  { { 1, NULL, "a b", "0644", .srcs = { "x" }, .dest = "y" } } },
	{ "COPY --chown= --chmod= x y", NULL, 1,
	  { { 1, NULL, "", "", .srcs = { "x" }, .dest = "y" } } },
	{ "COPY --\"from\"=s a b", NULL, 1,
	  { { 1, "s", .srcs = { "a" }, .dest = "b" } } },
	{ "COPY --from=s\"x\" a b", NULL, 1,
	  { { 1, "sx", .srcs = { "a" }, .dest = "b" } } },
	{ "COPY --from=a$ x y", NULL, 1,
	  { { 1, "a$", .srcs = { "x" }, .dest = "y" } } },
	{ "COPY --from=s -- --weird /d/", NULL, 1,
	  { { 1, "s", .srcs = { "--weird" }, .dest = "/d/" } } },
	{ "COPY --from=s -x /d", NULL, 1,
	  { { 1, "s", .srcs = { "-x" }, .dest = "/d" } } },
	FAILS("COPY --x a b", "line 1: unknown flag: --x"),
	FAILS("COPY --form=s a b",
	      "line 1: unknown flag: --form (did you mean from?)"),
	FAILS("COPY --chmode=644 a b",
	      "line 1: unknown flag: --chmode (did you mean chmod?)"),
	FAILS("COPY --links a b",
	      "line 1: unknown flag: --links (did you mean link?)"),
	FAILS("COPY --platform=x a b", "line 1: unknown flag: --platform"),
	FAILS("COPY --from=a --from=b x y",
	      "line 1: duplicate flag specified: --from"),
	FAILS("COPY --link --link=false x y",
	      "line 1: duplicate flag specified: --link"),
	FAILS("COPY --from a b", "line 1: missing a value on flag: --from"),
	FAILS("COPY --exclude a b",
	      "line 1: missing a value on flag: --exclude"),
	FAILS("COPY --link= a b", "line 1: missing a value on flag: --link"),
	FAILS("COPY --link=yes a b",
	      "line 1: expecting boolean value for flag --link, not: yes"),
	FAILS("COPY --parents=1 a b",
	      "line 1: expecting boolean value for flag --parents, not: 1"),
	FAILS("COPY --from=$STAGE a b", "line 1: " ERR_FROM),
	FAILS("COPY --from=${s} a b", "line 1: " ERR_FROM),
	{ "COPY --from=s\\x a b", NULL, 1,	/* the flag word ate the \ */
	  { { 1, "sx", .srcs = { "a" }, .dest = "b" } } },
	FAILS("COPY --from=s\\\\x a b", "line 1: " ERR_FROM),

	/* Quotes and escapes in words; '$' is left alone. */
	{ "COPY --from=s \"a\" 'b' c\\d /d", NULL, 1,
	  { { 1, "s", .srcs = { "a", "b", "cd" }, .dest = "/d" } } },
	{ "COPY --from=s \"x\\\"y\" \"a\\qb\" 'c\\d' /d", NULL, 1,
	  { { 1, "s", .srcs = { "x\"y", "a\\qb", "c\\d" }, .dest = "/d" } } },
	{ "COPY --from=s $HOME/x \"${Y}\" \\$Z /d", NULL, 1,
	  { { 1, "s", .srcs = { "$HOME/x", "${Y}", "$Z" }, .dest = "/d" } } },
	{ "COPY --from=s a\\ b /d", NULL, 1,	/* words split first */
	  { { 1, "s", .srcs = { "a", "b" }, .dest = "/d" } } },
	FAILS("COPY --from=s 'a b' /d", "line 1: failed to process \"'a\": "
	      "unexpected end of statement while looking for matching "
	      "single-quote"),
	FAILS("COPY --from=s a \"b\\\" /d", "line 1: failed to process "
	      "\"\\\"b\\\\\\\"\": unexpected end of statement while looking "
	      "for matching double-quote"),

	/* Heredocs, other instructions, empty texts. */
	FAILS("COPY <<EOF /d\nhello\nEOF\n",
	      "line 1: heredoc sources are not supported by stagecp exec"),
	/* BuildKit reads the heredoc's body before the instruction. */
	FAILS("COPY a <<EOF", "line 1: unterminated heredoc"),
	FAILS("COPY a <<EOF\nEOF\n",
	      "line 1: COPY cannot accept a heredoc as a destination"),
	{ "COPY --from=s a<<b /d", NULL, 1,	/* not a heredoc */
	  { { 1, "s", .srcs = { "a<<b" }, .dest = "/d" } } },
	FAILS("FROM alpine\n", "line 1: unsupported instruction \"FROM\": "
	      ERR_ONLY_COPY),
	FAILS("COPY a b\nRUN x\n", "line 2: unsupported instruction \"RUN\": "
	      ERR_ONLY_COPY),
	FAILS("COPY --from=s a \\\n b /d\nADD x y", "line 3: unsupported "
	      "instruction \"ADD\": " ERR_ONLY_COPY),
	FAILS("COPYX a b", "line 1: unsupported instruction \"COPYX\": "
	      ERR_ONLY_COPY),
	FAILS("", "line 1: file with no instructions"),
	FAILS("# only\n\n  \n", "line 3: file with no instructions"),
};

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool vec_eq(char **got, size_t n, const char *const *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!want[i] || strcmp(got[i], want[i]))
			return false;
	return want[n] == NULL;
}

static bool instr_eq(const struct copyline_instr *g, const struct want *w)
{
	return g->line == w->line && str_eq(g->from, w->from) &&
	       str_eq(g->chown, w->chown) && str_eq(g->chmod, w->chmod) &&
	       g->link == w->link && g->parents == w->parents &&
	       g->json == w->json &&
	       vec_eq(g->excludes, g->nexcludes, w->excludes) &&
	       vec_eq(g->srcs, g->nsrcs, w->srcs) && str_eq(g->dest, w->dest);
}

static void dump(const struct copyline_instr *g)
{
	size_t i;

	print_error("  got: line %u from=%s chown=%s chmod=%s link=%d "
		    "parents=%d json=%d dest=%s\n", g->line,
		    g->from ? g->from : "(null)",
		    g->chown ? g->chown : "(null)",
		    g->chmod ? g->chmod : "(null)", g->link, g->parents,
		    g->json, g->dest);
	for (i = 0; i < g->nsrcs; i++)
		print_error("  src[%zu] = \"%s\"\n", i, g->srcs[i]);
	for (i = 0; i < g->nexcludes; i++)
		print_error("  exclude[%zu] = \"%s\"\n", i, g->excludes[i]);
}

static void test_rows(void **state)
{
	size_t i, k, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct copyline_list list;
		char err[400] = "";
		int got = copyline_parse(r->text, &list, err, sizeof(err));

		if (r->err) {
			if (got != -EINVAL || strcmp(err, r->err)) {
				print_error("row %zu: %d \"%s\"\n  want "
					    "\"%s\"\n", i, got, err, r->err);
				bad++;
			}
			assert_int_equal(list.count, 0);
			assert_null(list.instrs);
			continue;
		}
		if (got || list.count != r->n) {
			print_error("row %zu: %d \"%s\", %zu instructions\n", i,
				    got, err, got ? 0 : list.count);
			bad++;
			if (!got)
				copyline_list_free(&list);
			continue;
		}
		for (k = 0; k < r->n; k++) {
			if (!instr_eq(&list.instrs[k], &r->want[k])) {
				print_error("row %zu, instruction %zu:\n", i,
					    k);
				dump(&list.instrs[k]);
				bad++;
			}
		}
		copyline_list_free(&list);
	}
	assert_int_equal(bad, 0);
}

/* A long continued instruction with many sources, and no errbuf. */
static void test_many_sources(void **state)
{
	struct copyline_list list;
	char text[8192], *p = text;
	int i;

	(void)state;
	p += sprintf(p, "COPY --from=s \\\n");
	for (i = 0; i < 500; i++)
		p += sprintf(p, "  f%03d \\\n", i);
	sprintf(p, "  /dst/\n");
	assert_int_equal(copyline_parse(text, &list, NULL, 0), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.instrs[0].nsrcs, 500);
	assert_string_equal(list.instrs[0].srcs[499], "f499");
	assert_string_equal(list.instrs[0].dest, "/dst/");
	copyline_list_free(&list);

	assert_int_equal(copyline_parse("RUN x", &list, NULL, 0), -EINVAL);
	/* A short errbuf is cut, never overrun. */
	{
		char small[12];

		assert_int_equal(copyline_parse("RUN x", &list, small,
						sizeof(small)), -EINVAL);
		assert_string_equal(small, "line 1: uns");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_many_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
