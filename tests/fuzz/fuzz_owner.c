// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: --chown values (owner_parse, owner_resolve).
 *
 * Input: VALUE NUL PASSWD NUL GROUP.  PASSWD and GROUP become in-memory
 * streams (fmemopen); a part that is not there stands for a missing file
 * (a NULL stream), so "55:staff" alone tests the "is missing" errors.
 * fuzz_accounts.c checks the lookups against libc; this one holds the
 * parsed value and the resolved ids to what owner.h promises.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "semantics/owner.h"

/* The streams are scanned per lookup: keep each run fast. */
#define MAX_INPUT (64u << 10)

/* One NUL-separated part of the input; *n is its length. */
static const char *next_part(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *nul;

	if (!s)
		return NULL;
	nul = memchr(s, '\0', end - s);
	*n = (nul ? nul : end) - s;
	*p = nul ? nul + 1 : NULL;
	return s;
}

/* A part as a read-only stream; NULL when the part is absent. */
static FILE *part_stream(const char *s, size_t n)
{
	static char empty[1];

	if (!s)
		return NULL;
	/* fmemopen wants a writable pointer even for "r". */
	return fmemopen(n ? (void *)s : empty, n, "r");
}

static void check_spec(const struct owner_spec *spec, const char *value)
{
	const char *colon = strchr(value, ':');

	CHECK(spec->has_group == (colon != NULL), "has_group for '%s'", value);
	CHECK(owner_needs_passwd(spec) == (spec->user.name != NULL),
	      "needs_passwd for '%s'", value);
	CHECK(owner_needs_group(spec) ==
	      (spec->has_group && spec->group.name != NULL),
	      "needs_group for '%s'", value);
	if (spec->user.name) {
		size_t ulen = colon ? (size_t)(colon - value) : strlen(value);

		CHECK(strlen(spec->user.name) == ulen &&
		      !memcmp(spec->user.name, value, ulen),
		      "user name '%s' from '%s'", spec->user.name, value);
		CHECK(*spec->user.name && strcmp(spec->user.name, "root"),
		      "'%s' is a name in '%s'", spec->user.name, value);
	}
	if (spec->has_group && spec->group.name) {
		CHECK(!strcmp(spec->group.name, colon + 1),
		      "group name '%s' from '%s'", spec->group.name, value);
		CHECK(*spec->group.name && strcmp(spec->group.name, "root"),
		      "'%s' is a name in '%s'", spec->group.name, value);
	}
}

static void check_resolve(const struct owner_spec *spec, const char *value,
			  FILE *passwd, FILE *group)
{
	uid_t uid = 1, uid2 = 2;
	gid_t gid = 1, gid2 = 2;
	char err[512];
	int r, r2;

	memset(err, 0, sizeof(err));
	r = owner_resolve(spec, passwd, group, &uid, &gid, err, sizeof(err));
	CHECK(r <= 0, "'%s' returned %d", value, r);
	if (r < 0)
		CHECK(err[0] && memchr(err, '\0', sizeof(err)),
		      "no message for '%s'", value);

	if (!owner_needs_passwd(spec) && !owner_needs_group(spec)) {
		CHECK(r == 0, "'%s' needs no lookup but failed", value);
		CHECK(uid == spec->user.id, "'%s' gave uid %u", value, uid);
		CHECK(gid == (spec->has_group ? spec->group.id :
			      spec->user.id), "'%s' gave gid %u", value, gid);
	}
	if (owner_needs_passwd(spec) && !passwd)
		CHECK(r == -ENOENT, "'%s' without passwd gave %d", value, r);
	if (!owner_needs_passwd(spec) && owner_needs_group(spec) && !group)
		CHECK(r == -ENOENT, "'%s' without group gave %d", value, r);
	if (r == 0 && !owner_needs_passwd(spec))
		CHECK(uid == spec->user.id, "'%s' gave uid %u", value, uid);
	if (r == 0 && spec->has_group && !owner_needs_group(spec))
		CHECK(gid == spec->group.id, "'%s' gave gid %u", value, gid);

	/* The streams are rewound: asking again gives the same answer. */
	r2 = owner_resolve(spec, passwd, group, &uid2, &gid2, NULL, 0);
	CHECK(r2 == r, "'%s': %d then %d", value, r, r2);
	if (r == 0)
		CHECK(uid2 == uid && gid2 == gid, "'%s': %u:%u then %u:%u",
		      value, uid, gid, uid2, gid2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *value, *pw, *gr;
	size_t vlen = 0, pwlen = 0, grlen = 0;
	struct owner_spec spec;
	FILE *passwd = NULL, *group = NULL;
	char err[256], *v;
	int r;

	if (size > MAX_INPUT)
		return 0;
	value = next_part(&p, end, &vlen);
	pw = next_part(&p, end, &pwlen);
	gr = next_part(&p, end, &grlen);
	v = strndup(value, vlen);
	if (!v)
		return 0;

	memset(err, 0, sizeof(err));
	r = owner_parse(v, &spec, err, sizeof(err));
	if (!*v) {
		CHECK(r == -EINVAL && err[0], "empty value gave %d", r);
		goto free_value;
	}
	CHECK(r == 0 || r == -ENOMEM, "'%s' returned %d", v, r);
	if (r)
		goto free_value;
	check_spec(&spec, v);

	passwd = part_stream(pw, pwlen);
	group = part_stream(gr, grlen);
	if ((pw && !passwd) || (gr && !group))
		goto close_streams;
	check_resolve(&spec, v, passwd, group);
close_streams:
	if (passwd)
		fclose(passwd);
	if (group)
		fclose(group);
	owner_spec_free(&spec);
free_value:
	free(v);
	return 0;
}
