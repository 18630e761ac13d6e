// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: a whole Dockerfile read and its target stage
 * evaluated (df_plan_make): the reader, the instruction parser, the
 * variable expander and the stage tracking, with and without a target and
 * build arguments.
 *
 * Input: the text of a Dockerfile, any bytes (a NUL ends it, as it ends
 * the C string the tool hands over).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "semantics/stages.h"

/* Bigger inputs only slow the fuzzer down; they find nothing new. */
#define MAX_INPUT (64u << 10)

static void check_plan(const struct df_plan *p, unsigned int nlines)
{
	const struct df_instr *first = p->file.instrs;
	size_t i, k;

	if (p->nstages)
		CHECK(p->target < p->nstages, "target %zu of %zu", p->target,
		      p->nstages);
	for (i = 0; i < p->nsteps; i++) {
		const struct df_step *st = &p->steps[i];
		const struct copyline_instr *c = &st->copy;

		CHECK(st->in >= first && st->in < first + p->file.n,
		      "step %zu points outside the file", i);
		CHECK(st->in->raw->line >= 1 &&
		      st->in->raw->line <= st->in->raw->end_line &&
		      st->in->raw->end_line <= nlines, "lines %u..%u of %u",
		      st->in->raw->line, st->in->raw->end_line, nlines);
		CHECK(st->from_stage < (long)p->nstages, "from %ld",
		      st->from_stage);
		if (st->in->kind != DF_COPY && st->in->kind != DF_ADD)
			continue;
		CHECK(c->nsrcs + st->heredoc_names.n >= 1 && c->dest,
		      "COPY without arguments");
		CHECK(st->heredoc_names.n == st->heredoc_data.n,
		      "%zu heredoc names, %zu texts", st->heredoc_names.n,
		      st->heredoc_data.n);
		for (k = 0; k < c->nsrcs; k++)
			CHECK(c->srcs[k], "source %zu is NULL", k);
		if (p->nstages)
			CHECK(st->workdir && st->workdir[0] == '/',
			      "workdir %s", st->workdir ? st->workdir : "-");
	}
}

static void run(const char *text, unsigned int nlines, const char *target,
		const char *const *args, size_t nargs)
{
	struct df_plan p;
	char err[512];
	int r;

	memset(err, 0xA5, sizeof(err));
	r = df_plan_make(text, target, args, nargs, &p, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "returned %d", r);
	if (r == 0) {
		check_plan(&p, nlines);
		df_plan_free(&p);
	} else if (r == -EINVAL) {
		CHECK(memchr(err, '\0', sizeof(err)), "errbuf not terminated");
		CHECK(!strncmp(err, "line ", 5) ||
		      !strncmp(err, "target stage ", 13), "message \"%s\"",
		      err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const args[] = { "A=1", "B=$A", "TARGETOS=x" };
	unsigned int nlines = 1;
	char *text;
	size_t i;

	if (size > MAX_INPUT)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; text[i]; i++)
		nlines += text[i] == '\n';
	run(text, nlines, NULL, NULL, 0);
	run(text, nlines, size % 2 ? "0" : "build", args, 3);
	free(text);
	return 0;
}
