// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: --chmod values (modespec_parse, modespec_apply,
 * modespec_created_dir_mode).
 *
 * Input: the value, any bytes up to the first NUL.  Each value that
 * parses is applied to a fixed set of source modes, as a file and as a
 * directory, and the results are held to what modespec.h promises.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_check.h"
#include "semantics/modespec.h"

/* A value longer than this is no more interesting, just slower. */
#define MAX_INPUT (64u << 10)

/* Source modes with every kind of bit pattern a tree holds. */
static const mode_t src_modes[] = {
	0, 0100, 0111, 0400, 0444, 0600, 0640, 0644, 0700, 0750, 0755, 0777,
	01777, 02755, 04755, 06711, 07000, 07777, 0222, 0555, 0070, 0007,
};

#define NMODES (sizeof(src_modes) / sizeof(src_modes[0]))

static bool is_octal_digits(const char *s)
{
	return *s && strspn(s, "01234567") == strlen(s);
}

static void check_applied(const struct modespec *spec, const char *value)
{
	mode_t m, res, dir, created;
	size_t i;

	created = modespec_created_dir_mode(spec);
	CHECK(created <= 0777, "created dir mode %o for '%s'", created, value);
	if (spec->kind != MODESPEC_OCTAL)
		CHECK(created == 0755, "created dir mode %o for '%s'",
		      created, value);
	for (i = 0; i < NMODES; i++) {
		m = src_modes[i];
		res = modespec_apply(spec, m, false);
		dir = modespec_apply(spec, m, true);
		CHECK(res <= 07777 && dir <= 07777,
		      "'%s' on %o gave %o / %o", value, m, res, dir);
		/* The type bits of the source never matter. */
		CHECK(modespec_apply(spec, m | S_IFREG, false) == res,
		      "'%s': S_IFREG changes the result", value);
		CHECK(modespec_apply(spec, m | S_IFDIR, true) == dir,
		      "'%s': S_IFDIR changes the result", value);
		switch (spec->kind) {
		case MODESPEC_NONE:
			CHECK(res == m && dir == m, "NONE changed %o", m);
			break;
		case MODESPEC_OCTAL:
			CHECK(res == spec->octal, "'%s' on a file gave %o",
			      value, res);
			CHECK(dir == (spec->octal | (spec->octal & 0444) >> 2),
			      "'%s' on a directory gave %o", value, dir);
			break;
		case MODESPEC_SYMBOLIC:
			/* 'X' is the only thing that looks at is_dir. */
			if (!strchr(value, 'X'))
				CHECK(res == dir, "'%s' on %o: %o vs %o",
				      value, m, res, dir);
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modespec spec;
	char err[256], *value;
	int r, r2;

	if (size > MAX_INPUT)
		return 0;
	value = malloc(size + 1);
	if (!value)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';

	memset(err, 0, sizeof(err));
	r = modespec_parse(value, &spec, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "returned %d", r);
	if (r == 0) {
		if (!*value)
			CHECK(spec.kind == MODESPEC_NONE, "'' is not NONE");
		if (spec.kind == MODESPEC_OCTAL)
			CHECK(is_octal_digits(value) && spec.octal <= 07777,
			      "'%s' parsed as octal %o", value, spec.octal);
		if (is_octal_digits(value))
			CHECK(spec.kind == MODESPEC_OCTAL,
			      "'%s' is not octal", value);
		if (spec.kind == MODESPEC_SYMBOLIC)
			CHECK(!(value[0] >= '0' && value[0] <= '9'),
			      "'%s' parsed as symbolic", value);
		check_applied(&spec, value);
		modespec_free(&spec);
		CHECK(!spec.cmds && !spec.ncmds, "free left commands");
	} else if (r == -EINVAL) {
		CHECK(err[0] && memchr(err, '\0', sizeof(err)),
		      "no message for '%s'", value);
		CHECK(!spec.cmds, "failure left commands");
	}

	/* Without an error buffer: no message, same answer. */
	r2 = modespec_parse(value, &spec, NULL, 0);
	CHECK(r2 == r, "'%s': %d without errbuf, %d with", value, r2, r);
	if (r2 == 0)
		modespec_free(&spec);
	free(value);
	return 0;
}
