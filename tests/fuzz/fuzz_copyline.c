// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the COPY-line parser (copyline_parse), and what the
 * tool does next with a parsed instruction: --chmod and --chown values
 * parsed, --exclude patterns compiled and tried on the sources, sources
 * split at their first wildcard.
 *
 * Input: the text of a COPY file, any bytes (a NUL ends it, as it ends
 * the C string the tool hands over).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "semantics/dockerfile.h"
#include "semantics/gomatch.h"
#include "semantics/ignore.h"
#include "semantics/modespec.h"
#include "semantics/owner.h"

/* Bigger inputs only slow the fuzzer down; they find nothing new. */
#define MAX_INPUT (64u << 10)

static void check_errbuf(const char *errbuf, size_t errlen)
{
	CHECK(memchr(errbuf, '\0', errlen) != NULL, "errbuf not terminated");
}

/*
 * Does s hold something the shell lexer surely expands ("$name", "${")?
 * --from must not: BuildKit refuses a --from that expansion changes.  A
 * '$' before anything else may stay, as it does in BuildKit.
 */
static bool expands(const char *s)
{
	for (; (s = strchr(s, '$')); s++) {
		char c = s[1];

		if (c == '{' || c == '_' || (c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return true;
	}
	return false;
}

static void try_chmod(const char *value)
{
	static const mode_t modes[] = { 0, 0644, 0755, 04711, 07777 };
	struct modespec spec;
	char err[256];
	size_t i;

	if (modespec_parse(value, &spec, err, sizeof(err)) < 0)
		return;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		CHECK(modespec_apply(&spec, modes[i], false) <= 07777, "%s",
		      value);
		CHECK(modespec_apply(&spec, modes[i], true) <= 07777, "%s",
		      value);
	}
	modespec_free(&spec);
}

static void try_chown(const char *value)
{
	struct owner_spec spec;
	char err[256];

	if (owner_parse(value, &spec, err, sizeof(err)) == 0)
		owner_spec_free(&spec);
}

/* The excludes of one instruction against its sources, as relative paths. */
static void try_excludes(const struct copyline_instr *in)
{
	struct ignore ig;
	char err[256];
	size_t i;

	if (ignore_compile(&ig, (const char *const *)in->excludes,
			   in->nexcludes, err, sizeof(err)) < 0) {
		check_errbuf(err, sizeof(err));
		return;
	}
	for (i = 0; i < in->nsrcs; i++) {
		const char *rel = in->srcs[i];

		while (*rel == '/')
			rel++;
		ignore_matches(&ig, rel, NULL, NULL);
		ignore_may_match_below(&ig, rel);
	}
	ignore_free(&ig);
}

static void try_src(const char *src)
{
	char *prefix, *rest;
	int r;

	r = gomatch_split_wildcard(src, &prefix, &rest);
	CHECK(r == 0 || r == -ENOMEM, "split returned %d", r);
	if (r)
		return;
	r = gomatch_validate(rest);
	CHECK(r == 0 || r == -EINVAL, "validate returned %d", r);
	free(prefix);
	free(rest);
}

static void check_list(const struct copyline_list *list, size_t nlines)
{
	unsigned int last = 0;
	size_t i, k;

	CHECK(list->count >= 1 && list->instrs, "empty list");
	for (i = 0; i < list->count; i++) {
		const struct copyline_instr *in = &list->instrs[i];

		CHECK(in->line > last && in->line <= nlines,
		      "line %u after %u of %zu", in->line, last, nlines);
		last = in->line;
		CHECK(in->nsrcs >= 1 && in->srcs, "no sources");
		for (k = 0; k < in->nsrcs; k++)
			CHECK(in->srcs[k], "source %zu is NULL", k);
		CHECK(in->dest, "no destination");
		CHECK(!in->nexcludes || in->excludes, "no exclude vector");
		for (k = 0; k < in->nexcludes; k++)
			CHECK(in->excludes[k], "exclude %zu is NULL", k);
		CHECK(!in->from || !expands(in->from), "--from=%s", in->from);

		if (in->chmod && *in->chmod)
			try_chmod(in->chmod);
		if (in->chown && *in->chown)
			try_chown(in->chown);
		try_excludes(in);
		for (k = 0; k < in->nsrcs; k++)
			try_src(in->srcs[k]);
		try_src(in->dest);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct copyline_list list;
	char err[512], *text, *small;
	size_t nlines = 1, smallen, i;
	int r, r2;

	if (size > MAX_INPUT)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; text[i]; i++)
		nlines += text[i] == '\n';

	memset(&list, 0xA5, sizeof(list));
	r = copyline_parse(text, &list, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "returned %d", r);
	if (r == 0) {
		check_list(&list, nlines);
		copyline_list_free(&list);
		CHECK(!list.instrs && !list.count, "free left entries");
	} else {
		CHECK(!list.instrs && !list.count, "failure left entries");
		check_errbuf(err, sizeof(err));
		if (r == -EINVAL)
			CHECK(!strncmp(err, "line ", 5), "message \"%s\"", err);
	}

	/* A short error buffer: the message is cut, never overrun. */
	smallen = 1 + size % 24;
	small = malloc(smallen);
	if (small) {
		r2 = copyline_parse(text, &list, small, smallen);
		CHECK(r2 == r, "second parse gave %d, first %d", r2, r);
		if (r2 == 0)
			copyline_list_free(&list);
		else
			check_errbuf(small, smallen);
		free(small);
	}
	free(text);
	return 0;
}
