// SPDX-License-Identifier: MIT
/*
 * shlex: Dockerfile variable expansion.  Expected values follow the
 * Dockerfile reference ("Environment replacement": $V, ${V}, ${V:-w},
 * ${V:+w}, escapes, quotes) and the rules of BuildKit's shell lexer for
 * the other modifiers and the error texts; written from that behaviour,
 * not copied from BuildKit's tests.
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

#include "semantics/shlex.h"

struct row {
	const char *word;
	const char *want;	/* NULL: an error */
	const char *err;	/* the error's text, when want is NULL */
};

/* The environment of every row. */
static void fill_env(struct shenv *e)
{
	assert_int_equal(shenv_set(e, "FOO", "/bar"), 0);
	assert_int_equal(shenv_set(e, "EMPTY", ""), 0);
	assert_int_equal(shenv_set(e, "NAME", "app"), 0);
	assert_int_equal(shenv_set(e, "PATHV", "/usr/local/lib/x.tar.gz"), 0);
	assert_int_equal(shenv_set(e, "SP", "a b"), 0);
	assert_int_equal(shenv_set(e, "_under1", "u"), 0);
}

static const struct row rows[] = {
	/* Plain forms. */
	{ "$FOO", "/bar", NULL },
	{ "${FOO}", "/bar", NULL },
	{ "${FOO}/baz", "/bar/baz", NULL },
	{ "$FOO/baz", "/bar/baz", NULL },
	{ "pre$FOO", "pre/bar", NULL },
	{ "$NAME.txt", "app.txt", NULL },
	{ "$_under1", "u", NULL },
	{ "$UNSET", "", NULL },
	{ "${UNSET}x", "x", NULL },
	{ "$SP", "a b", NULL },
	/* A $ before anything else stays. */
	{ "$", "$", NULL },
	{ "a$", "a$", NULL },
	{ "$/x", "$/x", NULL },
	{ "$.", "$.", NULL },
	/* Special parameters and digits are names that are never set. */
	{ "$1x", "x", NULL },
	{ "$12x", "x", NULL },
	{ "$@x", "x", NULL },
	{ "$$", "", NULL },
	/* Escapes (reference: "\$FOO" is literal). */
	{ "\\$FOO", "$FOO", NULL },
	{ "\\${FOO}", "${FOO}", NULL },
	{ "a\\ b", "a b", NULL },
	{ "a\\\\b", "a\\b", NULL },
	{ "abc\\", "abc", NULL },
	/* Quotes. */
	{ "'$FOO'", "$FOO", NULL },
	{ "\"$FOO\"", "/bar", NULL },
	{ "\"a b\"", "a b", NULL },
	{ "\"\\$FOO\"", "$FOO", NULL },
	{ "\"a\\\"b\"", "a\"b", NULL },
	{ "\"a\\xb\"", "a\\xb", NULL },
	{ "'a\\b'", "a\\b", NULL },
	{ "x'y'\"z\"", "xyz", NULL },
	/* ${V:-w} and ${V-w}. */
	{ "${UNSET:-def}", "def", NULL },
	{ "${EMPTY:-def}", "def", NULL },
	{ "${FOO:-def}", "/bar", NULL },
	{ "${UNSET-def}", "def", NULL },
	{ "${EMPTY-def}", "", NULL },
	{ "${UNSET:-$FOO/x}", "/bar/x", NULL },
	{ "${UNSET:-a b}", "a b", NULL },
	{ "${UNSET:-'q}'}", "q}", NULL },
	/* ${V:+w} and ${V+w}. */
	{ "${FOO:+alt}", "alt", NULL },
	{ "${EMPTY:+alt}", "", NULL },
	{ "${EMPTY+alt}", "alt", NULL },
	{ "${UNSET:+alt}", "", NULL },
	{ "${UNSET+alt}", "", NULL },
	/* ${V:?msg} and ${V?msg}. */
	{ "${FOO:?msg}", "/bar", NULL },
	{ "${EMPTY?msg}", "", NULL },
	{ "${UNSET:?needs a value}", NULL,
	  "failed to process \"${UNSET:?needs a value}\": UNSET: needs a "
	  "value" },
	{ "${UNSET?}", NULL,
	  "failed to process \"${UNSET?}\": UNSET: is not allowed to be "
	  "unset" },
	{ "${EMPTY:?}", NULL,
	  "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be "
	  "empty" },
	/* Prefix and suffix removal. */
	{ "${PATHV#*/}", "usr/local/lib/x.tar.gz", NULL },
	{ "${PATHV##*/}", "x.tar.gz", NULL },
	{ "${PATHV%.*}", "/usr/local/lib/x.tar", NULL },
	{ "${PATHV%%.*}", "/usr/local/lib/x", NULL },
	{ "${PATHV#/usr}", "/local/lib/x.tar.gz", NULL },
	{ "${PATHV%nomatch}", "/usr/local/lib/x.tar.gz", NULL },
	{ "${PATHV#?usr}", "/local/lib/x.tar.gz", NULL },
	{ "${UNSET#x}", "", NULL },
	/* Replacement. */
	{ "${PATHV/local/opt}", "/usr/opt/lib/x.tar.gz", NULL },
	{ "${PATHV//\\//_}", "_usr_local_lib_x.tar.gz", NULL },
	{ "${NAME/p*/X}", "aX", NULL },
	{ "${NAME//p/P}", "aPP", NULL },
	/* Errors: BuildKit's texts. */
	{ "${", NULL, "failed to process \"${\": syntax error: missing '}'" },
	/* The lexer reads EOF as the modifier: Go prints it as U+FFFD. */
	{ "${FOO", NULL, "failed to process \"${FOO\": unsupported "
	  "modifier (\xEF\xBF\xBD) in substitution" },
	{ "${}", NULL, "failed to process \"${}\": syntax error: bad "
	  "substitution" },
	{ "${:x}", NULL, "failed to process \"${:x}\": syntax error: bad "
	  "substitution" },
	{ "${FOO:-x", NULL,
	  "failed to process \"${FOO:-x\": syntax error: missing '}'" },
	{ "${FOO:#x}", NULL, "failed to process \"${FOO:#x}\": unsupported "
	  "modifier (:#) in substitution" },
	{ "${FOO^}", NULL, "failed to process \"${FOO^}\": unsupported "
	  "modifier (^) in substitution" },
	{ "'abc", NULL, "failed to process \"'abc\": unexpected end of "
	  "statement while looking for matching single-quote" },
	{ "\"abc", NULL, "failed to process \"\\\"abc\": unexpected end of "
	  "statement while looking for matching double-quote" },
	{ "${FOO/x", NULL,
	  "failed to process \"${FOO/x\": syntax error: missing '/' in ${}" },
	{ "${FOO#\\a}", NULL, "failed to process \"${FOO#\\\\a}\": invalid "
	  "pattern (\\a) in substitution: invalid escape '\\a'" },
};

static void test_rows(void **state)
{
	struct shenv env = { 0 };
	size_t i;

	(void)state;
	fill_env(&env);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char err[256] = "", *out = NULL;
		int r = shlex_word(rows[i].word, '\\', &env, &out, err,
				   sizeof(err));

		if (rows[i].want) {
			if (r || strcmp(out, rows[i].want))
				fail_msg("row %zu %s: %d \"%s\" (%s), want "
					 "\"%s\"", i, rows[i].word, r,
					 out ? out : "", err, rows[i].want);
		} else if (r != -EINVAL || strcmp(err, rows[i].err)) {
			fail_msg("row %zu %s: %d \"%s\" \"%s\", want \"%s\"", i,
				 rows[i].word, r, out ? out : "", err,
				 rows[i].err);
		}
		free(out);
	}
	shenv_free(&env);
}

/* With "# escape=`" the backtick escapes and the backslash is literal. */
static void test_backtick(void **state)
{
	struct shenv env = { 0 };
	char err[128], *out;

	(void)state;
	fill_env(&env);
	assert_int_equal(shlex_word("C:\\dir\\$NAME", '`', &env, &out, err,
				    sizeof(err)), 0);
	assert_string_equal(out, "C:\\dir\\app");
	free(out);
	assert_int_equal(shlex_word("`$NAME", '`', &env, &out, err,
				    sizeof(err)), 0);
	assert_string_equal(out, "$NAME");
	free(out);
	shenv_free(&env);
}

/* A later setting replaces the value; copies are independent. */
static void test_env(void **state)
{
	struct shenv a = { 0 }, b = { 0 };

	(void)state;
	assert_int_equal(shenv_set(&a, "K", "1"), 0);
	assert_int_equal(shenv_set(&a, "K", "2"), 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(shenv_get(&a, "K"), "2");
	assert_null(shenv_get(&a, "k"));
	assert_int_equal(shenv_copy(&b, &a), 0);
	assert_int_equal(shenv_set(&b, "K", "3"), 0);
	assert_string_equal(shenv_get(&a, "K"), "2");
	assert_string_equal(shenv_get(&b, "K"), "3");
	shenv_free(&a);
	shenv_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_backtick),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
