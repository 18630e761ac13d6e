// SPDX-License-Identifier: MIT
/*
 * Path strings: lexical cleaning inside a root, Docker's "names a
 * directory" rule, joins, base and parent names, and the component stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "seam/pathbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct case_str {
	const char *in;
	const char *want;
};

struct case_pair {
	const char *a;
	const char *b;
	const char *want;
};

struct case_bool {
	const char *in;
	bool want;
};

static void test_path_clean(void **state)
{
	static const struct case_str cases[] = {
		{ "", "/" },
		{ "/", "/" },
		{ "//", "/" },
		{ "///", "/" },
		{ ".", "/" },
		{ "./", "/" },
		{ "/.", "/" },
		{ "..", "/" },
		{ "/..", "/" },
		{ "/../..", "/" },
		{ "../../../etc", "/etc" },
		{ "/a", "/a" },
		{ "a", "/a" },
		{ "a/b/c", "/a/b/c" },
		{ "/a/", "/a" },
		{ "/a///", "/a" },
		{ "/a/b/", "/a/b" },
		{ "//a//b//", "/a/b" },
		{ "/a/./b/.", "/a/b" },
		{ "/a/b/..", "/a" },
		{ "/a/b/../..", "/" },
		{ "/a/b/../../..", "/" },
		{ "/a/b/../c", "/a/c" },
		{ "/a/../b/../c/", "/c" },
		{ "/../a/../../b", "/b" },
		{ "a/../../b/./c/..", "/b" },
		/* Names that only look like dots are names. */
		{ "/...", "/..." },
		{ "/.a/..b/a..", "/.a/..b/a.." },
		{ "/a/.../..", "/a" },
		{ "/abc/../de", "/de" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = path_clean(cases[i].in);

		assert_non_null(got);
		if (strcmp(got, cases[i].want))
			fail_msg("path_clean(\"%s\") = \"%s\", want \"%s\"",
				 cases[i].in, got, cases[i].want);
		free(got);
	}
}

/* A cleaned path is a fixed point of path_clean. */
static void test_path_clean_idempotent(void **state)
{
	static const char *const ins[] = {
		"", "a/b/../c", "/x//y/./z/", "../../..", "/a/...",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ins); i++) {
		char *once = path_clean(ins[i]);
		char *twice;

		assert_non_null(once);
		twice = path_clean(once);
		assert_non_null(twice);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

/* Long input: the output buffer is sized from the input, check the edges. */
static void test_path_clean_long(void **state)
{
	size_t n = 10000;
	char *in = malloc(2 * n + 1);
	char *got;

	assert_non_null(in);
	/* "a/a/a/.../a" relative: the output is one byte longer. */
	for (size_t i = 0; i < n; i++) {
		in[2 * i] = 'a';
		in[2 * i + 1] = '/';
	}
	in[2 * n - 1] = '\0';
	got = path_clean(in);
	assert_non_null(got);
	assert_int_equal(strlen(got), 2 * n);
	assert_int_equal(got[0], '/');
	assert_int_equal(got[2 * n - 1], 'a');
	free(got);
	free(in);
}

static void test_path_names_dir(void **state)
{
	static const struct case_bool cases[] = {
		{ "", true },
		{ ".", true },
		{ "/", true },
		{ "a/", true },
		{ "a/.", true },
		{ "/a/b/", true },
		{ "/a/b/.", true },
		{ "./", true },
		{ "a", false },
		{ "..", false },
		{ "/a", false },
		{ "a.", false },
		{ ".a", false },
		{ "a/b", false },
		{ "a/..", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (path_names_dir(cases[i].in) != cases[i].want)
			fail_msg("path_names_dir(\"%s\") = %d, want %d",
				 cases[i].in, !cases[i].want, cases[i].want);
}

static void test_path_join_clean(void **state)
{
	static const struct case_pair cases[] = {
		{ "/", "a", "/a" },
		{ "/", "/a", "/a" },
		{ "/a", "b", "/a/b" },
		{ "/a/", "/b/", "/a/b" },
		{ "/a/b", "../c", "/a/c" },
		{ "/a", "../../../x", "/x" },
		{ "/a", "", "/a" },
		{ "", "", "/" },
		{ "", "b", "/b" },
		{ "a", "b", "/a/b" },
		{ "/a", ".", "/a" },
		{ "/a/b", "..", "/a" },
		/* An absolute second part is still joined, not restarted. */
		{ "/a", "/etc/passwd", "/a/etc/passwd" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = path_join_clean(cases[i].a, cases[i].b);

		assert_non_null(got);
		if (strcmp(got, cases[i].want))
			fail_msg("path_join_clean(\"%s\", \"%s\") = \"%s\", "
				 "want \"%s\"", cases[i].a, cases[i].b, got,
				 cases[i].want);
		free(got);
	}
}

static void test_path_base(void **state)
{
	static const struct case_str cases[] = {
		{ "/", "" },
		{ "/a", "a" },
		{ "/a/b", "b" },
		{ "/a/b.c", "b.c" },
		{ "/a/...", "..." },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(path_base(cases[i].in), cases[i].want);
}

static void test_path_dir(void **state)
{
	static const struct case_str cases[] = {
		{ "/", "/" },
		{ "/a", "/" },
		{ "/a/b", "/a" },
		{ "/a/b/c", "/a/b" },
		{ "/ab/cd", "/ab" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = path_dir(cases[i].in);

		assert_non_null(got);
		if (strcmp(got, cases[i].want))
			fail_msg("path_dir(\"%s\") = \"%s\", want \"%s\"",
				 cases[i].in, got, cases[i].want);
		free(got);
	}
}

static void test_pathbuf_push_pop(void **state)
{
	struct pathbuf p = { 0 };
	size_t l0, l1, l2;

	assert_int_equal(pathbuf_set(&p, "/"), 0);
	assert_string_equal(p.s, "/");
	assert_int_equal(p.len, 1);

	/* No slash doubling after "/". */
	assert_int_equal(pathbuf_push(&p, "a", &l0), 0);
	assert_int_equal(l0, 1);
	assert_string_equal(p.s, "/a");
	assert_int_equal(pathbuf_push(&p, "bc", &l1), 0);
	assert_int_equal(l1, 2);
	assert_string_equal(p.s, "/a/bc");
	assert_int_equal(pathbuf_push(&p, "d", &l2), 0);
	assert_string_equal(p.s, "/a/bc/d");
	assert_int_equal(p.len, strlen(p.s));

	pathbuf_pop(&p, l2);
	assert_string_equal(p.s, "/a/bc");
	assert_int_equal(p.len, 5);
	pathbuf_pop(&p, l1);
	assert_string_equal(p.s, "/a");
	pathbuf_pop(&p, l0);
	assert_string_equal(p.s, "/");
	assert_int_equal(p.len, 1);

	/* A relative base gets its separator. */
	assert_int_equal(pathbuf_set(&p, "rel"), 0);
	assert_int_equal(pathbuf_push(&p, "x", &l0), 0);
	assert_string_equal(p.s, "rel/x");
	assert_int_equal(l0, 3);
	/* A base already ending in "/" is not doubled. */
	assert_int_equal(pathbuf_set(&p, "dir/"), 0);
	assert_int_equal(pathbuf_push(&p, "x", &l0), 0);
	assert_string_equal(p.s, "dir/x");
	pathbuf_free(&p);
	assert_null(p.s);
	assert_int_equal(p.len, 0);
	assert_int_equal(p.cap, 0);
}

/* Push on a never-set pathbuf, and growth far past the first capacity. */
static void test_pathbuf_growth(void **state)
{
	struct pathbuf p = { 0 };
	char name[32];
	size_t olds[2000];
	size_t want_len = 0;

	assert_int_equal(pathbuf_push(&p, "first", &olds[0]), 0);
	assert_int_equal(olds[0], 0);
	assert_string_equal(p.s, "/first");
	want_len = strlen("/first");
	for (size_t i = 1; i < ARRAY_SIZE(olds); i++) {
		int n = snprintf(name, sizeof(name), "n%zu", i);

		assert_int_equal(pathbuf_push(&p, name, &olds[i]), 0);
		assert_int_equal(olds[i], want_len);
		want_len += 1 + (size_t)n;
		assert_int_equal(p.len, want_len);
		assert_true(p.cap > p.len);
	}
	assert_int_equal(strlen(p.s), want_len);
	/* Pop back in reverse: every level comes back exactly. */
	for (size_t i = ARRAY_SIZE(olds); i-- > 1;) {
		pathbuf_pop(&p, olds[i]);
		assert_int_equal(p.len, olds[i]);
		assert_int_equal(strlen(p.s), olds[i]);
	}
	assert_string_equal(p.s, "/first");
	/* A long set after a short one, and a short one after that. */
	memset(olds, 0, sizeof(olds));
	{
		char *big = malloc(5000);

		assert_non_null(big);
		memset(big, 'x', 4999);
		big[4999] = '\0';
		assert_int_equal(pathbuf_set(&p, big), 0);
		assert_string_equal(p.s, big);
		free(big);
	}
	assert_int_equal(pathbuf_set(&p, "/"), 0);
	assert_string_equal(p.s, "/");
	pathbuf_free(&p);
	/* Freeing twice is harmless. */
	pathbuf_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_path_clean_idempotent),
		cmocka_unit_test(test_path_clean_long),
		cmocka_unit_test(test_path_names_dir),
		cmocka_unit_test(test_path_join_clean),
		cmocka_unit_test(test_path_base),
		cmocka_unit_test(test_path_dir),
		cmocka_unit_test(test_pathbuf_push_pop),
		cmocka_unit_test(test_pathbuf_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
