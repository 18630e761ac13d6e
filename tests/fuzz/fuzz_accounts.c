// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the passwd and group readers behind --chown
 * (owner_resolve on arbitrary file contents).
 *
 * Input: the contents of an account file, any bytes, NULs included.  The
 * same bytes serve as /etc/passwd and as /etc/group.  The names looked up
 * are a few fixed ones plus the first field of the first lines, so that
 * lookups succeed as well as fail.  Each answer is checked against libc's
 * own reader (fgetpwent/fgetgrent, which size their buffers themselves):
 * the first entry with the name must win, a name libc cannot find must be
 * an "unknown" error.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "semantics/owner.h"

/* Every lookup scans the whole file: keep each run fast. */
#define MAX_INPUT (64u << 10)
/* How many names are taken from the contents. */
#define MAX_LINE_NAMES 6

static const char *const fixed_names[] = { "daemon", "nobody", "staff", "x" };

/* libc's answer: the first passwd entry called name. */
static bool oracle_user(FILE *f, const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	rewind(f);
	while ((pw = fgetpwent(f))) {
		if (!strcmp(pw->pw_name, name)) {
			*uid = pw->pw_uid;
			*gid = pw->pw_gid;
			return true;
		}
	}
	return false;
}

static bool oracle_group(FILE *f, const char *name, gid_t *gid)
{
	struct group *gr;

	rewind(f);
	while ((gr = fgetgrent(f))) {
		if (!strcmp(gr->gr_name, name)) {
			*gid = gr->gr_gid;
			return true;
		}
	}
	return false;
}

/*
 * Look name up as "name" (passwd only) and as "name:name" (both files),
 * and compare with libc.
 */
static void lookup(const char *name, FILE *passwd, FILE *group)
{
	struct owner_spec spec;
	uid_t uid = 0, want_uid = 0;
	gid_t gid = 0, want_gid = 0, want_grp = 0;
	bool user_known, group_known;
	char err[512], *value;
	size_t n = strlen(name);
	int r;

	value = malloc(2 * n + 2);
	if (!value)
		return;
	memcpy(value, name, n);
	value[n] = ':';
	memcpy(value + n + 1, name, n + 1);

	/* The name alone: a user, whose primary group comes along. */
	value[n] = '\0';
	if (owner_parse(value, &spec, err, sizeof(err)))
		goto free_value;
	if (!owner_needs_passwd(&spec)) {
		/* A number or "root": no lookup to check. */
		owner_spec_free(&spec);
		goto free_value;
	}
	user_known = oracle_user(passwd, name, &want_uid, &want_gid);
	r = owner_resolve(&spec, passwd, group, &uid, &gid, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL, "user '%s': %d (%s)", name, r, err);
	CHECK((r == 0) == user_known, "user '%s': %d, libc %sfinds it", name,
	      r, user_known ? "" : "never ");
	if (r == 0)
		CHECK(uid == want_uid && gid == want_gid,
		      "user '%s': %u:%u, libc %u:%u", name, uid, gid,
		      want_uid, want_gid);
	owner_spec_free(&spec);

	/* name:name: the group file decides the gid. */
	value[n] = ':';
	if (owner_parse(value, &spec, err, sizeof(err)))
		goto free_value;
	group_known = oracle_group(group, name, &want_grp);
	r = owner_resolve(&spec, passwd, group, &uid, &gid, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL, "'%s': %d (%s)", value, r, err);
	CHECK((r == 0) == (user_known && group_known),
	      "'%s': %d, libc: user %d group %d", value, r, user_known,
	      group_known);
	if (r == 0)
		CHECK(uid == want_uid && gid == want_grp,
		      "'%s': %u:%u, libc %u:%u", value, uid, gid, want_uid,
		      want_grp);
	owner_spec_free(&spec);
free_value:
	free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size, *s;
	FILE *passwd, *group;
	size_t i, taken = 0;
	char *copy, *name;

	if (size > MAX_INPUT)
		return 0;
	/* A private copy: fmemopen wants a writable pointer. */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	passwd = fmemopen(copy, size, "r");
	group = fmemopen(copy, size, "r");
	if (!passwd || !group)
		goto close_streams;

	for (i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++)
		lookup(fixed_names[i], passwd, group);

	/* The first field of the first lines: names the file does hold. */
	for (s = text; s < end && taken < MAX_LINE_NAMES;) {
		const char *nl = memchr(s, '\n', end - s);
		const char *line_end = nl ? nl : end;
		const char *colon = memchr(s, ':', line_end - s);

		if (colon && colon > s) {
			name = strndup(s, colon - s);
			if (name) {
				lookup(name, passwd, group);
				free(name);
			}
			taken++;
		}
		s = nl ? nl + 1 : end;
	}
close_streams:
	if (passwd)
		fclose(passwd);
	if (group)
		fclose(group);
	free(copy);
	return 0;
}
