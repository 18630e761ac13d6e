// SPDX-License-Identifier: MIT
/*
 * gomatch: Go filepath.Match semantics, wildcard detection and splitting,
 * filepath.Clean.  Expected values come from the Go rules (and Go's own
 * match and clean test tables), not from this implementation.
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

#include "semantics/gomatch.h"

#define BAD (-EINVAL)

struct match_row {
	const char *pattern;
	const char *name;
	int want;	/* 1 match, 0 no match, BAD malformed */
};

static const struct match_row match_rows[] = {
	/* Go's own table (src/path/filepath/match_test.go). */
	{ "abc", "abc", 1 },
	{ "*", "abc", 1 },
	{ "*c", "abc", 1 },
	{ "a*", "a", 1 },
	{ "a*", "abc", 1 },
	{ "a*", "ab/c", 0 },
	{ "a*/b", "abc/b", 1 },
	{ "a*/b", "a/c/b", 0 },
	{ "a*b*c*d*e*/f", "axbxcxdxe/f", 1 },
	{ "a*b*c*d*e*/f", "axbxcxdxexxx/f", 1 },
	{ "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", 0 },
	{ "a*b*c*d*e*/f", "axbxcxdxexxx/fff", 0 },
	{ "a*b?c*x", "abxbbxdbxebxczzx", 1 },
	{ "a*b?c*x", "abxbbxdbxebxczzy", 0 },
	{ "ab[c]", "abc", 1 },
	{ "ab[b-d]", "abc", 1 },
	{ "ab[e-g]", "abc", 0 },
	{ "ab[^c]", "abc", 0 },
	{ "ab[^b-d]", "abc", 0 },
	{ "ab[^e-g]", "abc", 1 },
	{ "a\\*b", "a*b", 1 },
	{ "a\\*b", "ab", 0 },
	{ "a?b", "a\xe2\x98\xba" "b", 1 },		/* a☺b */
	{ "a[^a]b", "a\xe2\x98\xba" "b", 1 },
	{ "a???b", "a\xe2\x98\xba" "b", 0 },
	{ "a[^a][^a][^a]b", "a\xe2\x98\xba" "b", 0 },
	{ "[a-\xce\xb6]*", "\xce\xb1", 1 },		/* [a-ζ]* vs α */
	{ "*[a-\xce\xb6]", "A", 0 },
	{ "a?b", "a/b", 0 },
	{ "a*b", "a/b", 0 },
	{ "[\\]a]", "]", 1 },
	{ "[\\-]", "-", 1 },
	{ "[x\\-]", "x", 1 },
	{ "[x\\-]", "-", 1 },
	{ "[x\\-]", "z", 0 },
	{ "[\\-x]", "x", 1 },
	{ "[\\-x]", "-", 1 },
	{ "[\\-x]", "a", 0 },
	{ "[]a]", "]", BAD },
	{ "[-]", "-", BAD },
	{ "[x-]", "x", BAD },
	{ "[x-]", "-", BAD },
	{ "[x-]", "z", BAD },
	{ "[-x]", "x", BAD },
	{ "[-x]", "-", BAD },
	{ "[-x]", "a", BAD },
	{ "\\", "a", BAD },
	{ "[a-b-c]", "a", BAD },
	{ "[", "a", BAD },
	{ "[^", "a", BAD },
	{ "[^bc", "a", BAD },
	{ "a[", "a", BAD },
	{ "a[", "ab", BAD },
	{ "a[", "x", BAD },
	{ "a/b[", "x", BAD },
	{ "*x", "xxx", 1 },

	/* Errors are reported even where the name already failed. */
	{ "a\\", "a", BAD },
	{ "a\\", "b", BAD },
	{ "x*[", "y", BAD },
	{ "a*[", "b", BAD },
	{ "[a]*[", "b", BAD },
	{ "abc*[", "abd", BAD },
	{ "*a*\\", "zzz", BAD },
	{ "[", "", BAD },
	{ "[]", "a", BAD },
	{ "[^]", "a", BAD },
	{ "[^]a]", "b", BAD },
	{ "[a-]", "a", BAD },
	{ "[a-\\", "a", BAD },
	{ "[\\", "a", BAD },
	{ "[\xff]", "a", BAD },		/* invalid UTF-8 in a class */
	{ "[a-\xff]", "a", BAD },

	/* Stars and separators. */
	{ "", "", 1 },
	{ "", "a", 0 },
	{ "a", "", 0 },
	{ "*", "", 1 },
	{ "*a", "", 0 },
	{ "*", "a/b", 0 },
	{ "*/b", "a/b", 1 },
	{ "*/*", "a/b", 1 },
	{ "*/*", "a/b/c", 0 },
	{ "**", "a/b", 0 },		/* ** is just * here */
	{ "**", "abc", 1 },
	{ "a**c", "abbc", 1 },
	{ "a**c", "ab/c", 0 },
	{ "*.txt", "a.txt", 1 },
	{ "*.txt", "dir/a.txt", 0 },
	{ "*/*.txt", "dir/a.txt", 1 },
	{ "a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaac", 0 },
	{ "a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaab", 1 },
	{ "sub/*", "sub/dir1", 1 },
	{ "sub/*", "sub", 0 },
	{ "*/dir2/foo", "dir1/dir2/foo", 1 },

	/* Dotfiles: Go has no leading-dot rule. */
	{ "*", ".hidden", 1 },
	{ "?hidden", ".hidden", 1 },
	{ "[.]hidden", ".hidden", 1 },
	{ "d/*", "d/.x", 1 },
	{ ".*", ".x", 1 },
	{ ".*", "x", 0 },

	/* Classes: '^' negates, '!' does not. */
	{ "[!a]", "!", 1 },
	{ "[!a]", "a", 1 },
	{ "[!a]", "b", 0 },
	{ "[^a]", "b", 1 },
	{ "[^a]", "/", 1 },		/* a class can match '/' */
	{ "a[/]b", "a/b", 1 },
	{ "?", "/", 0 },
	{ "[z-a]", "m", 0 },		/* empty range, still valid */
	{ "[z-a]", "z", 0 },
	{ "[\\a]", "a", 1 },		/* escape inside a class */
	{ "[\\a-\\c]", "b", 1 },
	{ "[a-c\\]]", "]", 1 },
	{ "[a^]", "^", 1 },
	{ "[*]", "*", 1 },		/* '*' in a class is literal */
	{ "[*]", "a", 0 },
	{ "[*]x*", "*xyz", 1 },
	{ "[?]", "?", 1 },
	{ "[?]", "a", 0 },
	{ "[[]0].txt", "[0].txt", 1 },
	{ "arr[[]0].txt", "arr[0].txt", 1 },
	{ "[\xce\xb1-\xcf\x89]", "\xce\xb2", 1 },	/* [α-ω] vs β */
	{ "[\xce\xb1-\xcf\x89]", "b", 0 },
	{ "[abc][def]", "ae", 1 },
	{ "[abc][def]", "ea", 0 },
	{ "[a-cx-z]", "y", 1 },
	{ "[^a-cx-z]", "y", 0 },

	/* Escapes. */
	{ "\\?", "?", 1 },
	{ "\\?", "a", 0 },
	{ "\\[", "[", 1 },
	{ "\\\\", "\\", 1 },
	{ "a\\b", "ab", 1 },
	{ "\\*", "a", 0 },
	{ "a\\*b*c", "a*bxc", 1 },

	/* Runes: '?' eats one UTF-8 character, a bad byte counts as one. */
	{ "?", "\xc3\xa9", 1 },		/* é */
	{ "??", "\xc3\xa9", 0 },
	{ "?", "\xff", 1 },
	{ "??", "\xff\xfe", 1 },
	{ "[^a]", "\xff", 1 },
	{ "\xc3\xa9", "\xc3\xa9", 1 },
	{ "*\xa9", "\xc3\xa9", 1 },		/* stars advance by byte */
};

static void test_match_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		const struct match_row *m = &match_rows[i];
		int got = gomatch_match(m->pattern, m->name);

		if (got != m->want) {
			print_error("match(\"%s\", \"%s\") = %d, want %d\n",
				    m->pattern, m->name, got, m->want);
			bad++;
		}
		/* Validity never depends on the name. */
		if ((gomatch_validate(m->pattern) == BAD) != (m->want == BAD)) {
			print_error("validate(\"%s\") disagrees\n", m->pattern);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

struct wild_row {
	const char *path;
	bool want;
};

static const struct wild_row wild_rows[] = {
	{ "abc", false },
	{ "", false },
	{ "a*", true },
	{ "a?", true },
	{ "a[", true },
	{ "a]", false },
	{ "a\\*", false },
	{ "a\\?b", false },
	{ "a\\[0]", false },
	{ "a\\\\*", true },	/* the backslash hides only the backslash */
	{ "\\", false },
	{ "a\\", false },
	{ "/x/y/z", false },
	{ "/x/*/z", true },
	{ "{a,b}", false },	/* no brace expansion */
	{ "a^b", false },
};

static void test_has_wildcard(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(wild_rows) / sizeof(wild_rows[0]); i++) {
		if (gomatch_has_wildcard(wild_rows[i].path) !=
		    wild_rows[i].want) {
			print_error("has_wildcard(\"%s\") wrong\n",
				    wild_rows[i].path);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

struct split_row {
	const char *path;
	const char *prefix;
	const char *rest;
};

static const struct split_row split_rows[] = {
	{ "/sub/*/dir2/foo", "/sub", "*/dir2/foo" },
	{ "*.txt", "", "*.txt" },
	{ "/*", "/", "*" },
	{ "/a/b", "/a/b", "" },
	{ "a/b/", "a/b", "" },
	{ "", "/", "" },
	{ "/", "/", "" },
	{ ".", ".", "" },
	{ "//a//b*/c", "/a", "b*/c" },
	{ "a/./b/../c*", "a", "c*" },
	{ "a/\\*b/c?", "a/\\*b", "c?" },
	{ "/../x*", "/", "x*" },
	{ "../a*", "..", "a*" },
	{ "sub/x[ab]/y", "sub", "x[ab]/y" },
	{ "/a/b/c/d?", "/a/b/c", "d?" },
	{ "/nomatch*", "/", "nomatch*" },
	{ "/dir/sub/", "/dir/sub", "" },
};

static void test_split_wildcard(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(split_rows) / sizeof(split_rows[0]); i++) {
		const struct split_row *s = &split_rows[i];
		char *prefix, *rest;

		assert_int_equal(gomatch_split_wildcard(s->path, &prefix,
							&rest), 0);
		if (strcmp(prefix, s->prefix) || strcmp(rest, s->rest)) {
			print_error("split(\"%s\") = (\"%s\", \"%s\"), want "
				    "(\"%s\", \"%s\")\n", s->path, prefix, rest,
				    s->prefix, s->rest);
			bad++;
		}
		free(prefix);
		free(rest);
	}
	assert_int_equal(bad, 0);
}

struct clean_row {
	const char *path;
	const char *want;
};

/* Go's own table (src/path/filepath/path_test.go cleantests). */
static const struct clean_row clean_rows[] = {
	{ "abc", "abc" },
	{ "abc/def", "abc/def" },
	{ "a/b/c", "a/b/c" },
	{ ".", "." },
	{ "..", ".." },
	{ "../..", "../.." },
	{ "../../abc", "../../abc" },
	{ "/abc", "/abc" },
	{ "/", "/" },
	{ "", "." },
	{ "abc/", "abc" },
	{ "abc/def/", "abc/def" },
	{ "a/b/c/", "a/b/c" },
	{ "./", "." },
	{ "../", ".." },
	{ "../../", "../.." },
	{ "/abc/", "/abc" },
	{ "abc//def//ghi", "abc/def/ghi" },
	{ "//abc", "/abc" },
	{ "///abc", "/abc" },
	{ "//abc//", "/abc" },
	{ "abc//", "abc" },
	{ "abc/./def", "abc/def" },
	{ "/./abc/def", "/abc/def" },
	{ "abc/.", "abc" },
	{ "abc/def/ghi/../jkl", "abc/def/jkl" },
	{ "abc/def/../ghi/../jkl", "abc/jkl" },
	{ "abc/def/..", "abc" },
	{ "abc/def/../..", "." },
	{ "/abc/def/../..", "/" },
	{ "abc/def/../../..", ".." },
	{ "/abc/def/../../..", "/" },
	{ "abc/def/../../../ghi/jkl/../../../mno", "../../mno" },
	{ "/../abc", "/abc" },
	{ "a/../b:/../../c", "../c" },
	{ "abc/./../def", "def" },
	{ "abc//./../def", "def" },
	{ "abc/../../././../def", "../../def" },
	{ "...", "..." },
	{ ".../..a", ".../..a" },
	{ "!", "!" },
	{ "!/", "!" },
	{ "!./foo", "!./foo" },
};

static void test_clean(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(clean_rows) / sizeof(clean_rows[0]); i++) {
		char *out;

		assert_int_equal(gomatch_clean(clean_rows[i].path, &out), 0);
		if (strcmp(out, clean_rows[i].want)) {
			print_error("clean(\"%s\") = \"%s\", want \"%s\"\n",
				    clean_rows[i].path, out,
				    clean_rows[i].want);
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

struct rune_row {
	const char *s;
	size_t n;
	uint32_t rune;
	size_t len;
};

static const struct rune_row rune_rows[] = {
	{ "", 0, GOMATCH_RUNE_ERROR, 0 },
	{ "a", 1, 'a', 1 },
	{ "\xc3\xa9", 2, 0xE9, 2 },
	{ "\xc3", 1, GOMATCH_RUNE_ERROR, 1 },		/* truncated */
	{ "\xc0\x80", 2, GOMATCH_RUNE_ERROR, 1 },	/* overlong */
	{ "\xe0\x80\x80", 3, GOMATCH_RUNE_ERROR, 1 },	/* overlong */
	{ "\xed\xa0\x80", 3, GOMATCH_RUNE_ERROR, 1 },	/* surrogate */
	{ "\xe2\x98\xba", 3, 0x263A, 3 },
	{ "\xef\xbf\xbd", 3, 0xFFFD, 3 },		/* a real U+FFFD */
	{ "\xf0\x9f\x98\x80", 4, 0x1F600, 4 },
	{ "\xf4\x90\x80\x80", 4, GOMATCH_RUNE_ERROR, 1 },	/* > U+10FFFF */
	{ "\xff", 1, GOMATCH_RUNE_ERROR, 1 },
	{ "\x80", 1, GOMATCH_RUNE_ERROR, 1 },
};

static void test_decode_rune(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rune_rows) / sizeof(rune_rows[0]); i++) {
		uint32_t r;
		size_t len = gomatch_decode_rune(rune_rows[i].s,
						 rune_rows[i].n, &r);

		assert_int_equal(len, rune_rows[i].len);
		assert_int_equal(r, rune_rows[i].rune);
	}
}

/* Go's unicode.IsSpace and strings.TrimSpace. */
static void test_space(void **state)
{
	static const struct {
		const char *s;
		size_t start, end;
	} trims[] = {
		{ "", 0, 0 },
		{ "   ", 0, 0 },
		{ "a", 0, 1 },
		{ " \t\n\v\f\ra b\r\n", 6, 9 },
		{ "\xc2\xa0x\xc2\x85", 2, 3 },		/* U+00A0, U+0085 */
		{ "\xe3\x80\x80x\xe2\x80\xa8", 3, 4 },	/* U+3000, U+2028 */
		{ "\xe2\x80\x8bx", 0, 4 },		/* U+200B is not */
		{ "\xffx ", 0, 2 },			/* a bad byte is not */
	};
	size_t i, start, end;

	(void)state;
	assert_true(gomatch_is_space(' '));
	assert_true(gomatch_is_space(0x2000));
	assert_true(gomatch_is_space(0x200A));
	assert_true(gomatch_is_space(0x205F));
	assert_false(gomatch_is_space(0x200B));
	assert_false(gomatch_is_space('a'));
	assert_false(gomatch_is_space(0));
	assert_false(gomatch_is_space(GOMATCH_RUNE_ERROR));
	for (i = 0; i < sizeof(trims) / sizeof(trims[0]); i++) {
		gomatch_trim_space(trims[i].s, strlen(trims[i].s), &start,
				   &end);
		assert_int_equal(start, trims[i].start);
		assert_int_equal(end, trims[i].end);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_has_wildcard),
		cmocka_unit_test(test_split_wildcard),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_decode_rune),
		cmocka_unit_test(test_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
