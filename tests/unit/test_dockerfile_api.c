// SPDX-License-Identifier: MIT
/*
 * stagecp_dockerfile_parse(): the public face of the Dockerfile reader, as
 * a builder linking libstagecp sees it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stagecp.h"

static const char text[] =
	"# syntax=docker/dockerfile:1\n"
	"ARG BASE=alpine:3.19\n"
	"FROM golang:1.22 AS Builder\n"
	"RUN go build -o /out/app .\n"
	"FROM ${BASE}\n"
	"ARG HOME_DIR=/opt\n"
	"ENV APP=app\n"
	"WORKDIR $HOME_DIR\n"
	"COPY --from=builder --chown=${APP}:${APP} /out/${APP} \\\n"
	"     ./bin/\n"
	"ADD site.tar.gz /srv/\n"
	"CMD [\"./bin/app\"]\n";

static void test_stages_and_instructions(void **state)
{
	static const char *const args[] = { "HOME_DIR=/home/app", "X=1" };
	static const enum stagecp_df_kind kinds[] = {
		STAGECP_DF_FROM, STAGECP_DF_ARG, STAGECP_DF_ENV,
		STAGECP_DF_WORKDIR, STAGECP_DF_COPY, STAGECP_DF_ADD,
		STAGECP_DF_SKIPPED,
	};
	const struct stagecp_df_instr *in;
	struct stagecp_dockerfile *df;
	char err[256];

	(void)state;
	assert_int_equal(stagecp_dockerfile_parse(text, NULL, args, 2, &df,
						  err, sizeof(err)), 0);
	assert_int_equal(df->nstages, 2);
	assert_int_equal(df->target, 1);
	assert_string_equal(df->stages[0]->name, "builder");
	assert_int_equal(df->stages[0]->line, 3);
	assert_null(df->stages[1]->name);
	assert_string_equal(df->stages[1]->base, "alpine:3.19");
	assert_int_equal(df->stages[1]->base_stage, -1);
	assert_int_equal(df->ninstrs, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(df->instrs[i]->kind, kinds[i]);
	in = df->instrs[4];
	assert_int_equal(in->line, 9);
	assert_int_equal(in->end_line, 10);
	assert_string_equal(in->keyword, "COPY");
	assert_string_equal(in->workdir, "/home/app");
	assert_string_equal(in->copy.from, "builder");
	assert_int_equal(in->from_stage, 0);
	assert_string_equal(in->copy.chown, "app:app");
	assert_int_equal(in->copy.nsrcs, 1);
	assert_string_equal(in->copy.srcs[0], "/out/app");
	assert_string_equal(in->copy.dest, "./bin/");
	assert_true(df->instrs[5]->unpack);
	assert_string_equal(df->instrs[6]->text, "CMD [\"./bin/app\"]");
	assert_int_equal(df->nunused_build_args, 1);
	assert_string_equal(df->unused_build_args[0], "X");
	stagecp_dockerfile_free(df);
}

static void test_target_and_errors(void **state)
{
	struct stagecp_dockerfile *df;
	char err[256];

	(void)state;
	assert_int_equal(stagecp_dockerfile_parse(text, "BUILDER", NULL, 0,
						  &df, err, sizeof(err)), 0);
	assert_int_equal(df->target, 0);
	assert_int_equal(df->ninstrs, 2);
	assert_int_equal(df->instrs[1]->kind, STAGECP_DF_SKIPPED);
	stagecp_dockerfile_free(df);
	assert_int_equal(stagecp_dockerfile_parse(text, "2", NULL, 0, &df, err,
						  sizeof(err)), -EINVAL);
	assert_null(df);
	assert_string_equal(err, "target stage \"2\" could not be found");
	assert_int_equal(stagecp_dockerfile_parse("FROM a\nCOPY --nope a b\n",
						  NULL, NULL, 0, &df, err,
						  sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 2: COPY: unknown flag: --nope");
	stagecp_dockerfile_free(NULL);
}

/* A text without FROM: COPY lines, no stages, no variables. */
static void test_copy_lines(void **state)
{
	struct stagecp_dockerfile *df;
	char err[256];

	(void)state;
	assert_int_equal(stagecp_dockerfile_parse("COPY --from=1 $X /d/\n",
						  NULL, NULL, 0, &df, err,
						  sizeof(err)), 0);
	assert_int_equal(df->nstages, 0);
	assert_int_equal(df->ninstrs, 1);
	assert_string_equal(df->instrs[0]->copy.srcs[0], "$X");
	assert_null(df->instrs[0]->workdir);
	assert_int_equal(df->instrs[0]->from_stage, -1);
	stagecp_dockerfile_free(df);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stages_and_instructions),
		cmocka_unit_test(test_target_and_errors),
		cmocka_unit_test(test_copy_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
