// SPDX-License-Identifier: MIT
/*
 * owner: COPY --chown, every form of stagecp-copy(7) §3.2 with the
 * stagecp decision (unknown names and missing files are errors), against
 * passwd/group texts served by fmemopen().
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

#include "semantics/owner.h"

static const char passwd_text[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"#alice:x:9:9:a comment, not alice:/:/bin/sh\n"
	"\n"
	"alice:x:1000:1001:Alice:/home/alice:/bin/sh\n"
	"bob:x:1002:1003::/home/bob:/bin/sh\n"
	"alice:x:2000:2000:a later alice loses:/:/bin/sh\n"
	"a:x:1500:1501::/:/bin/sh\n"
	"55:x:4242:4243:never read, 55 is numeric:/:/bin/sh\n"
	"99999999999:x:77:78:too big for int32:/:/bin/sh\n"
	"2147483648:x:79:80::/:/bin/sh\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

static const char group_text[] =
	"root:x:0:\n"
	"wheel:x:10:root\n"
	"staff:x:50:alice,bob\n"
	"staff:x:51:a later staff loses\n"
	"users:x:100:\n"
	"nogroup:x:65534:\n";

struct row {
	const char *value;
	int want_err;		/* 0, or the negative errno */
	uid_t uid;
	gid_t gid;
	const char *err;	/* the message when want_err */
};

static const struct row rows[] = {
	{ "55", 0, 55, 55, NULL },
	{ "55:66", 0, 55, 66, NULL },
	{ "root", 0, 0, 0, NULL },
	{ "root:root", 0, 0, 0, NULL },
	{ "alice", 0, 1000, 1001, NULL },	/* primary gid, not 1000 */
	{ "alice:staff", 0, 1000, 50, NULL },
	{ "55:staff", 0, 55, 50, NULL },
	{ "alice:", 0, 1000, 0, NULL },		/* empty group is id 0 */
	{ ":staff", 0, 0, 50, NULL },		/* empty user is id 0 */
	{ ":", 0, 0, 0, NULL },
	{ "nosuchuser", -EINVAL, 0, 0,
	  "unknown user \"nosuchuser\" in /etc/passwd" },
	{ "alice:nosuchgroup", -EINVAL, 0, 0,
	  "unknown group \"nosuchgroup\" in /etc/group" },
	{ "55:nosuchgroup", -EINVAL, 0, 0,
	  "unknown group \"nosuchgroup\" in /etc/group" },
	{ "a:b:c", -EINVAL, 0, 0,
	  "unknown group \"b:c\" in /etc/group" },	/* split once */
	{ "99999999999", 0, 77, 78, NULL },	/* not int32: a name */
	{ "2147483648", 0, 79, 80, NULL },
	{ "2147483647", 0, 2147483647, 2147483647, NULL },
	{ "-1", 0, 4294967295u, 4294967295u, NULL },	/* wraps like Go */
	{ "-2147483648", 0, 2147483648u, 2147483648u, NULL },
	{ "-2147483649", -EINVAL, 0, 0,
	  "unknown user \"-2147483649\" in /etc/passwd" },
	{ "+5", 0, 5, 5, NULL },
	{ "007:010", 0, 7, 10, NULL },		/* decimal, not octal */
	{ "0:0", 0, 0, 0, NULL },
	{ "root:staff", 0, 0, 50, NULL },
	{ "alice:root", 0, 1000, 0, NULL },
	{ "alice:10", 0, 1000, 10, NULL },
	{ "bob:wheel", 0, 1002, 10, NULL },
	{ "nobody:nogroup", 0, 65534, 65534, NULL },
	{ "Root", -EINVAL, 0, 0, "unknown user \"Root\" in /etc/passwd" },
	{ "0x10", -EINVAL, 0, 0, "unknown user \"0x10\" in /etc/passwd" },
	{ " 5", -EINVAL, 0, 0, "unknown user \" 5\" in /etc/passwd" },
	{ "#alice", -EINVAL, 0, 0,
	  "unknown user \"#alice\" in /etc/passwd" },
	{ "55:+7", 0, 55, 7, NULL },
	{ "55:-", -EINVAL, 0, 0, "unknown group \"-\" in /etc/group" },
};

static FILE *open_text(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	return f;
}

static void test_rows(void **state)
{
	FILE *pw = open_text(passwd_text), *gr = open_text(group_text);
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct owner_spec spec;
		char err[200] = "";
		uid_t uid = 12345;
		gid_t gid = 12345;
		int got;

		assert_int_equal(owner_parse(r->value, &spec, NULL, 0), 0);
		/* The same streams serve every row: each lookup rewinds. */
		got = owner_resolve(&spec, pw, gr, &uid, &gid, err,
				    sizeof(err));
		if (got != r->want_err ||
		    (!got && (uid != r->uid || gid != r->gid)) ||
		    (got && strcmp(err, r->err))) {
			print_error("\"%s\": %d %u:%u \"%s\"\n", r->value, got,
				    (unsigned)uid, (unsigned)gid, err);
			bad++;
		}
		owner_spec_free(&spec);
	}
	fclose(pw);
	fclose(gr);
	assert_int_equal(bad, 0);
}

static void test_parse(void **state)
{
	struct owner_spec s;
	char err[100] = "";

	(void)state;
	assert_int_equal(owner_parse("", &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "empty --chown value");
	assert_null(s.buf);

	assert_int_equal(owner_parse("a:b:c", &s, NULL, 0), 0);
	assert_string_equal(s.user.name, "a");
	assert_true(s.has_group);
	assert_string_equal(s.group.name, "b:c");
	assert_true(owner_needs_passwd(&s));
	assert_true(owner_needs_group(&s));
	owner_spec_free(&s);

	assert_int_equal(owner_parse("55", &s, NULL, 0), 0);
	assert_null(s.user.name);
	assert_int_equal(s.user.id, 55);
	assert_false(s.has_group);
	assert_false(owner_needs_passwd(&s));
	assert_false(owner_needs_group(&s));
	owner_spec_free(&s);

	assert_int_equal(owner_parse("root:staff", &s, NULL, 0), 0);
	assert_false(owner_needs_passwd(&s));
	assert_true(owner_needs_group(&s));
	owner_spec_free(&s);

	assert_int_equal(owner_parse("alice:", &s, NULL, 0), 0);
	assert_true(owner_needs_passwd(&s));
	assert_true(s.has_group);
	assert_false(owner_needs_group(&s));
	owner_spec_free(&s);
}

/* Numbers and root never touch the files: none are needed. */
static void test_no_files_needed(void **state)
{
	const char *values[] = { "55", "55:66", "root", "root:0", ":", "0" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct owner_spec s;
		uid_t uid;
		gid_t gid;

		assert_int_equal(owner_parse(values[i], &s, NULL, 0), 0);
		assert_int_equal(owner_resolve(&s, NULL, NULL, &uid, &gid,
					       NULL, 0), 0);
		owner_spec_free(&s);
	}
}

static void test_missing_files(void **state)
{
	FILE *pw = open_text(passwd_text);
	struct owner_spec s;
	char err[200];
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_int_equal(owner_parse("alice", &s, NULL, 0), 0);
	assert_int_equal(owner_resolve(&s, NULL, NULL, &uid, &gid, err,
				       sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot look up user \"alice\": "
				 "/etc/passwd is missing");
	owner_spec_free(&s);

	assert_int_equal(owner_parse("alice:staff", &s, NULL, 0), 0);
	assert_int_equal(owner_resolve(&s, pw, NULL, &uid, &gid, err,
				       sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot look up group \"staff\": "
				 "/etc/group is missing");
	owner_spec_free(&s);

	/* An empty passwd file has no users. */
	assert_int_equal(owner_parse("alice", &s, NULL, 0), 0);
	{
		FILE *empty = fmemopen((void *)"\n", 1, "r");

		assert_non_null(empty);
		assert_int_equal(owner_resolve(&s, empty, NULL, &uid, &gid,
					       err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "unknown user \"alice\" in "
					 "/etc/passwd");
		fclose(empty);
	}
	owner_spec_free(&s);
	fclose(pw);
}

/* An entry longer than the first buffer is read again with a bigger one. */
static void test_long_entry(void **state)
{
	size_t gecos = 70000;
	char *text = malloc(gecos + 200), *p;
	struct owner_spec s;
	FILE *pw;
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_non_null(text);
	p = text + sprintf(text, "long:x:3000:3001:");
	memset(p, 'g', gecos);
	p += gecos;
	p += sprintf(p, ":/:/bin/sh\nafter:x:3002:3003::/:/bin/sh\n");
	pw = fmemopen(text, (size_t)(p - text), "r");
	assert_non_null(pw);

	assert_int_equal(owner_parse("long", &s, NULL, 0), 0);
	assert_int_equal(owner_resolve(&s, pw, NULL, &uid, &gid, NULL, 0), 0);
	assert_int_equal(uid, 3000);
	assert_int_equal(gid, 3001);
	owner_spec_free(&s);

	assert_int_equal(owner_parse("after", &s, NULL, 0), 0);
	assert_int_equal(owner_resolve(&s, pw, NULL, &uid, &gid, NULL, 0), 0);
	assert_int_equal(uid, 3002);
	assert_int_equal(gid, 3003);
	owner_spec_free(&s);

	fclose(pw);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_no_files_needed),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_long_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
