// SPDX-License-Identifier: MIT
/*
 * modespec: COPY --chmod.  Symbolic rows follow chmod(1)/BSD setmode as
 * dchapes-mode implements it with umask 0 (many are that package's own
 * rows); octal rows follow BuildKit plus the stagecp directory rule.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "semantics/modespec.h"

#define DIR true
#define REG false

struct apply_row {
	const char *spec;
	mode_t src;
	bool is_dir;
	mode_t want;
};

static const struct apply_row symbolic_rows[] = {
	/* dchapes-mode TestApply, umask 0 rows. */
	{ "=", 0777, REG, 0000 },
	{ "+", 0777, REG, 0777 },
	{ "+", 0421, REG, 0421 },
	{ "-", 0777, REG, 0777 },
	{ "-", 0421, REG, 0421 },
	{ "+t", 0421, REG, 01421 },
	{ "-t", 01421, REG, 0421 },
	{ "u+r", 0, REG, 0400 },
	{ "u+w", 0, REG, 0200 },
	{ "u+x", 0, REG, 0100 },
	{ "u+X", 0, REG, 0 },
	{ "u+X", 0001, REG, 0101 },
	{ "u+X", 0, DIR, 0100 },
	{ "u+s", 0, REG, 04000 },
	{ "g+r", 0, REG, 0040 },
	{ "g+w", 0, REG, 0020 },
	{ "g+x", 0, REG, 0010 },
	{ "g+X", 0, REG, 0 },
	{ "g+X", 0100, REG, 0110 },
	{ "g+X", 0, DIR, 0010 },
	{ "g+s", 0, REG, 02000 },
	{ "o+r", 0, REG, 0004 },
	{ "o+w", 0, REG, 0002 },
	{ "o+x", 0, REG, 0001 },
	{ "o+X", 0, REG, 0 },
	{ "o+X", 0100, REG, 0101 },
	{ "o+X", 0, DIR, 0001 },
	{ "o+s", 0, REG, 0 },		/* set-id means nothing for o */
	{ "+r", 0, REG, 0444 },
	{ "+w", 0, REG, 0222 },
	{ "+x", 0, REG, 0111 },
	{ "+X", 0, REG, 0 },
	{ "+X", 0010, REG, 0111 },
	{ "+X", 0, DIR, 0111 },
	{ "+s", 0, REG, 06000 },
	{ "-r", 0777, REG, 0333 },
	{ "-w", 0777, REG, 0555 },
	{ "-x", 0777, REG, 0666 },
	/* -X clears x where X would set it, as chmod(1) does (BuildKit's
	 * parser drops X after '-' and '='; issue 15 takes chmod(1)). */
	{ "-X", 0777, REG, 0666 },
	{ "-X", 0666, REG, 0666 },
	{ "-X", 0777, DIR, 0666 },
	{ "-X", 0666, DIR, 0666 },
	{ "-s", 06777, REG, 0777 },
	{ "u-r", 0777, REG, 0377 },
	{ "u-w", 0777, REG, 0577 },
	{ "u-x", 0777, REG, 0677 },
	{ "u-X", 0777, REG, 0677 },
	{ "u-X", 0644, REG, 0644 },
	{ "u=rwX,go=rX", 0755, REG, 0755 },
	{ "u=rwX,go=rX", 0750, DIR, 0755 },
	{ "u=rwX,go=rX", 0600, REG, 0644 },
	{ "u-s", 04777, REG, 0777 },
	{ "u=rw", 0, REG, 0600 },
	{ "u=rw", 0777, REG, 0677 },
	{ "u=", 0777, REG, 0077 },
	{ "=rw", 0, REG, 0666 },
	{ "=rw", 0777, REG, 0666 },
	{ "u=g", 0042, REG, 0442 },
	{ "u=g", 0742, REG, 0442 },
	{ "u=g-w", 0722, REG, 0022 },
	{ "u=g-w", 0742, REG, 0442 },
	{ "u=g-w", 0762, REG, 0462 },
	{ "u=g-w", 0772, REG, 0572 },
	{ "u+o", 0021, REG, 0121 },
	{ "u+g", 0021, REG, 0221 },
	{ "u+go", 0021, REG, 0321 },
	{ "-u", 0111, REG, 0000 },	/* umask 0: all three classes */
	{ "-Xu", 0111, REG, 0000 },
	{ "-uX", 0111, REG, 0000 },
	{ "-Xu", 0110, REG, 0000 },
	{ "a=r,ug=rw,u+x", 0, REG, 0764 },
	{ "a=r,ug=rw,u+x", 0777, REG, 0764 },
	{ "o+r,g+w,a+t,g-s,u+og", 0, REG, 01624 },
	{ "o+r,g+w,a+t,g-s,u+og", 02100, REG, 01724 },
	{ "o+r,g+w,a+t,g-s,u+og", 06000, DIR, 05624 },
	/* chmod(1) examples. */
	{ "go-w", 0777, REG, 0755 },
	{ "=rw,+X", 0666, REG, 0666 },
	{ "=rw,+X", 0766, REG, 0777 },	/* X looks at the old mode */
	{ "=rw,+X", 0644, DIR, 0777 },
	{ "u=rwx,go=rx", 0, REG, 0755 },
	{ "u=rwx,go=u-w", 0, REG, 0755 },
	{ "go=", 0777, REG, 0700 },
	{ "go=u-w", 0770, REG, 0755 },
	{ "go=u-w", 0670, REG, 0644 },
	{ "go=u-w", 0570, REG, 0555 },
	{ "go=u-w", 0370, REG, 0311 },
	/* The brief's list. */
	{ "u+x", 0644, REG, 0744 },
	{ "g-w", 0775, REG, 0755 },
	{ "g-w", 0755, REG, 0755 },
	{ "o=r", 0647, REG, 0644 },
	{ "o=r", 0640, DIR, 0644 },
	{ "a=rwx", 0, REG, 0777 },
	{ "a=rwx", 07000, REG, 01777 },	/* '=' spares the sticky bit */
	{ "a=", 07777, REG, 01000 },
	{ "+X", 0644, REG, 0644 },
	{ "+X", 0744, REG, 0755 },
	{ "+X", 0644, DIR, 0755 },
	{ "a-x,a+X", 0755, REG, 0755 },
	{ "a-x,a+X", 0644, REG, 0644 },
	{ "a-x,a+X", 0644, DIR, 0755 },
	{ "=X", 0755, DIR, 0111 },
	{ "=X", 0644, REG, 0000 },
	{ "=rX", 0700, REG, 0555 },
	{ "g=u", 0750, REG, 0770 },
	{ "go=u", 0700, REG, 0777 },
	{ "u-g", 0770, REG, 0070 },
	{ "o=g", 0751, DIR, 0755 },
	{ "=", 04755, REG, 0 },
	{ "=", 01755, DIR, 01000 },
	{ "u+s", 0755, REG, 04755 },
	{ "g+s", 0755, DIR, 02755 },
	{ "ug+s", 0755, REG, 06755 },
	{ "u+s,g+s", 0755, REG, 06755 },
	{ "o+s", 0755, REG, 0755 },
	{ "+t", 0755, DIR, 01755 },
	{ "a+t", 0644, REG, 01644 },
	{ "u+t", 0644, REG, 01644 },
	{ "o+t", 0755, DIR, 0755 },	/* sticky means nothing for o */
	/* BSD's 't' narrows a clause without who-letters to the sticky
	 * bit; chmod(1) does not, nor does stagecp (issue 15). */
	{ "+rt", 0, REG, 01444 },
	{ "=wxt", 0644, REG, 01333 },
	{ "-rt", 01777, REG, 0333 },
	{ "o-t", 01755, DIR, 01755 },
	{ "a-t", 01755, DIR, 0755 },
	{ "u=rwx,g=rx,o=", 0, REG, 0750 },
	{ "u+x,g-w,o=r", 0666, REG, 0744 },
	{ "a+r,a-w", 0200, REG, 0444 },
	{ "ug=rw,o-rwx", 0, REG, 0660 },
	{ "u+rwx-w", 0, REG, 0500 },	/* several operators in a clause */
	{ "+x-x", 0755, REG, 0644 },
	{ "u=rwxs,g=rxs,o=", 0, DIR, 06750 },
	{ "a=r,u+w", 0777, REG, 0644 },
	{ "go+rX", 0700, DIR, 0755 },
	{ "go+rX", 0600, REG, 0644 },
	{ "go+rX", 0700, REG, 0755 },
	{ "g=o,o=u", 0751, REG, 0717 },
	{ "uo+w", 0444, REG, 0646 },
	{ "+wx,-x", 0444, REG, 0666 },
};

static const char *const bad_symbolic[] = {
	",", "q+r", "z", "u", "g", "o", "go", "a", "u+x,", "u+x,,g+w",
	"+7", "u+z", "x", "u*x", " u+x", "U+x", "u+x g+w", "ugo", "+x,u",
	"-w,", "u+x;", "+r\n", "a=rw,", "=,",
};

static void test_symbolic_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(symbolic_rows) / sizeof(symbolic_rows[0]);
	     i++) {
		const struct apply_row *r = &symbolic_rows[i];
		struct modespec m;
		char err[160] = "";
		mode_t got;

		if (modespec_parse(r->spec, &m, err, sizeof(err))) {
			print_error("\"%s\" failed: %s\n", r->spec, err);
			bad++;
			continue;
		}
		assert_int_equal(m.kind, MODESPEC_SYMBOLIC);
		got = modespec_apply(&m, r->src | (r->is_dir ? S_IFDIR :
							       S_IFREG),
				     r->is_dir);
		if (got != r->want) {
			print_error("\"%s\" on %s %04o = %04o, want %04o\n",
				    r->spec, r->is_dir ? "dir" : "file",
				    (unsigned)r->src, (unsigned)got,
				    (unsigned)r->want);
			bad++;
		}
		/* A directory the copy creates never gets a symbolic mode. */
		assert_int_equal(modespec_created_dir_mode(&m), 0755);
		modespec_free(&m);
	}
	assert_int_equal(bad, 0);
}

static void test_symbolic_errors(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(bad_symbolic) / sizeof(bad_symbolic[0]); i++) {
		struct modespec m;
		char err[160] = "";
		int r = modespec_parse(bad_symbolic[i], &m, err, sizeof(err));

		if (r != -EINVAL || strcmp(err, "invalid syntax")) {
			print_error("\"%s\": %d \"%s\"\n", bad_symbolic[i], r,
				    err);
			bad++;
		}
		/* A failed parse leaves nothing to free, and says NONE. */
		assert_null(m.cmds);
		assert_int_equal(m.kind, MODESPEC_NONE);
	}
	assert_int_equal(bad, 0);
}

struct octal_row {
	const char *spec;
	mode_t file;		/* mode of a copied file */
	mode_t dir;		/* of a copied directory */
	mode_t created;		/* of a directory the copy creates */
};

static const struct octal_row octal_rows[] = {
	{ "644", 0644, 0755, 0755 },
	{ "0644", 0644, 0755, 0755 },
	{ "755", 0755, 0755, 0755 },
	{ "640", 0640, 0750, 0750 },
	{ "600", 0600, 0700, 0700 },
	{ "444", 0444, 0555, 0555 },
	{ "400", 0400, 0500, 0500 },
	{ "004", 0004, 0005, 0005 },
	{ "020", 0020, 0020, 0020 },	/* no r, no added x */
	{ "200", 0200, 0200, 0200 },
	{ "0", 0, 0, 0 },
	{ "00", 0, 0, 0 },
	{ "777", 0777, 0777, 0777 },
	{ "770", 0770, 0770, 0770 },
	{ "4755", 04755, 04755, 0755 },	/* special bits: not on mkdir */
	{ "2750", 02750, 02750, 0750 },
	{ "2640", 02640, 02750, 0750 },
	{ "1777", 01777, 01777, 0777 },
	{ "7777", 07777, 07777, 0777 },
	{ "07777", 07777, 07777, 0777 },
	{ "0000000000000000000755", 0755, 0755, 0755 },
	{ "7", 07, 07, 07 },
	{ "1000", 01000, 01000, 0 },
};

static void test_octal_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(octal_rows) / sizeof(octal_rows[0]); i++) {
		const struct octal_row *r = &octal_rows[i];
		struct modespec m;
		mode_t f, d, c;

		assert_int_equal(modespec_parse(r->spec, &m, NULL, 0), 0);
		assert_int_equal(m.kind, MODESPEC_OCTAL);
		/* The source mode does not matter. */
		f = modespec_apply(&m, S_IFREG | 04777, false);
		d = modespec_apply(&m, S_IFDIR | 0700, true);
		c = modespec_created_dir_mode(&m);
		if (f != r->file || d != r->dir || c != r->created) {
			print_error("%s: file %04o dir %04o created %04o\n",
				    r->spec, (unsigned)f, (unsigned)d,
				    (unsigned)c);
			bad++;
		}
		modespec_free(&m);
	}
	assert_int_equal(bad, 0);
}

static const char *const bad_octal[] = {
	"10000", "17777", "077777", "77777777777777777777777777", "8", "9",
	"64a", "0x1", "1e3", "0o755", "755 ", "7_55", "08", "4294967296",
};

static void test_octal_errors(void **state)
{
	size_t i, bad = 0;
	char want[200];

	(void)state;
	for (i = 0; i < sizeof(bad_octal) / sizeof(bad_octal[0]); i++) {
		struct modespec m;
		char err[200] = "";
		int r = modespec_parse(bad_octal[i], &m, err, sizeof(err));

		snprintf(want, sizeof(want), "invalid chmod parameter: '%s'. "
			 "it should be octal string and between 0 and 07777",
			 bad_octal[i]);
		if (r != -EINVAL || strcmp(err, want)) {
			print_error("\"%s\": %d \"%s\"\n", bad_octal[i], r,
				    err);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_none(void **state)
{
	struct modespec m;

	(void)state;
	assert_int_equal(modespec_parse("", &m, NULL, 0), 0);
	assert_int_equal(m.kind, MODESPEC_NONE);
	assert_int_equal(modespec_apply(&m, S_IFREG | 04751, false), 04751);
	assert_int_equal(modespec_apply(&m, S_IFDIR | 01777, true), 01777);
	assert_int_equal(modespec_created_dir_mode(&m), 0755);
	modespec_free(&m);

	assert_int_equal(modespec_parse(NULL, &m, NULL, 0), 0);
	assert_int_equal(m.kind, MODESPEC_NONE);
	modespec_free(&m);

	/* A '-' start is symbolic, not a negative number. */
	assert_int_equal(modespec_parse("-x", &m, NULL, 0), 0);
	assert_int_equal(m.kind, MODESPEC_SYMBOLIC);
	modespec_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbolic_table),
		cmocka_unit_test(test_symbolic_errors),
		cmocka_unit_test(test_octal_table),
		cmocka_unit_test(test_octal_errors),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
