// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: Go's filepath.Match and its helpers (gomatch_match,
 * gomatch_validate, gomatch_has_wildcard, gomatch_split_wildcard,
 * gomatch_clean, gomatch_decode_rune, gomatch_trim_space).
 *
 * Input: PATTERN NUL NAME.  Without a NUL, the bytes are the pattern and
 * it is matched against a few fixed names and against itself.  The
 * pattern is also taken as a COPY source path and split and cleaned.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "semantics/gomatch.h"

/* Matching is quadratic at worst: longer inputs only cost time. */
#define MAX_INPUT (16u << 10)

static const char *const fixed_names[] = {
	"", "a", "abc", ".hidden", "dir/file", "a/b/c", "/",
	"\xc3\xa9t\xc3\xa9", "\xff\xfe", "[", "*", "\\",
};

static void check_match(const char *pattern, const char *name, int valid)
{
	int r = gomatch_match(pattern, name);

	CHECK(r == 1 || r == 0 || r == -EINVAL, "returned %d", r);
	/* The whole pattern is checked before any answer (Go 1.16+). */
	CHECK((r == -EINVAL) == (valid == -EINVAL),
	      "match %d but validate %d", r, valid);
	/* '*' alone is any name without a '/'. */
	if (!strcmp(pattern, "*"))
		CHECK(r == !strchr(name, '/'), "'*' on a name gave %d", r);
}

/* What filepath.Clean promises about its result. */
static void check_clean(const char *path)
{
	char *c, *cc;
	size_t n;

	if (gomatch_clean(path, &c))
		return;
	n = strlen(c);
	CHECK(n > 0, "clean gave \"\"");
	CHECK(n <= strlen(path) || !strcmp(c, "."), "clean grew the path");
	CHECK(!strstr(c, "//"), "clean left \"//\": %s", c);
	CHECK(n == 1 || c[n - 1] != '/', "clean left a trailing '/': %s", c);
	CHECK(strcmp(c, "/..") && strncmp(c, "/../", 4),
	      "clean left \"..\" under the root: %s", c);
	CHECK(!strstr(c, "/./") && strncmp(c, "./", 2) &&
	      (n < 2 || strcmp(c + n - 2, "/.")), "clean left a '.': %s", c);
	if (!gomatch_clean(c, &cc)) {
		CHECK(!strcmp(c, cc), "clean is not idempotent: %s -> %s",
		      c, cc);
		free(cc);
	}
	free(c);
}

static void check_split(const char *path)
{
	char *prefix, *rest, *clean, *joined;
	int r;

	r = gomatch_split_wildcard(path, &prefix, &rest);
	CHECK(r == 0 || r == -ENOMEM, "split returned %d", r);
	if (r)
		return;
	CHECK(prefix && rest, "split left NULL");
	if (!*path || gomatch_clean(path, &clean)) {
		free(prefix);
		free(rest);
		return;
	}
	/* The wildcard test is the same on the cleaned path. */
	CHECK(gomatch_has_wildcard(clean) == (*rest != '\0'),
	      "'%s' split into '%s' + '%s'", clean, prefix, rest);
	/* Glued together again, the pieces are the cleaned path. */
	if (*rest) {
		joined = malloc(strlen(prefix) + strlen(rest) + 2);
		if (joined) {
			if (!*prefix)
				strcpy(joined, rest);
			else if (!strcmp(prefix, "/"))
				sprintf(joined, "/%s", rest);
			else
				sprintf(joined, "%s/%s", prefix, rest);
			CHECK(!strcmp(joined, clean),
			      "'%s' split into '%s' + '%s'", clean, prefix,
			      rest);
			free(joined);
		}
	} else {
		CHECK(!strcmp(prefix, clean), "'%s' gave prefix '%s'", clean,
		      prefix);
	}
	free(clean);
	free(prefix);
	free(rest);
}

static void check_runes(const char *s, size_t n)
{
	size_t pos = 0, len, start, end;
	uint32_t r;

	while (pos < n) {
		len = gomatch_decode_rune(s + pos, n - pos, &r);
		CHECK(len >= 1 && len <= 4 && len <= n - pos, "rune length %zu",
		      len);
		CHECK(r <= 0x10FFFF && (r < 0xD800 || r > 0xDFFF),
		      "rune %#x", r);
		CHECK(len == 1 || r != GOMATCH_RUNE_ERROR ||
		      !memcmp(s + pos, "\xef\xbf\xbd", 3), "bad long rune");
		pos += len;
	}
	CHECK(gomatch_decode_rune(s, 0, &r) == 0, "empty input decoded");
	gomatch_trim_space(s, n, &start, &end);
	CHECK(start <= end && end <= n, "trim gave %zu..%zu of %zu", start,
	      end, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul;
	char *buf, *pattern, *name = NULL;
	size_t i;
	int valid;

	if (size > MAX_INPUT)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	pattern = buf;
	nul = memchr(buf, '\0', size);
	if (nul)
		name = buf + (nul - buf) + 1;

	valid = gomatch_validate(pattern);
	CHECK(valid == 0 || valid == -EINVAL, "validate returned %d", valid);
	if (name) {
		check_match(pattern, name, valid);
	} else {
		for (i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]);
		     i++)
			check_match(pattern, fixed_names[i], valid);
		check_match(pattern, pattern, valid);
	}
	/* A pattern without any special byte is the literal name. */
	if (!strpbrk(pattern, "*?[\\")) {
		CHECK(valid == 0, "plain pattern '%s' is invalid", pattern);
		CHECK(gomatch_match(pattern, pattern) == 1,
		      "plain pattern '%s' does not match itself", pattern);
		CHECK(!gomatch_has_wildcard(pattern), "wildcard in '%s'",
		      pattern);
	}

	check_clean(pattern);
	check_split(pattern);
	check_runes(buf, size);
	if (name)
		check_clean(name);
	free(buf);
	return 0;
}
