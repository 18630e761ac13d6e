// SPDX-License-Identifier: MIT
/*
 * stages: multi-stage Dockerfiles, and the WORKDIR, ARG and ENV state the
 * COPY lines of the target stage see.  The cases are written from the
 * Dockerfile reference (ARG, ENV, WORKDIR, "Environment replacement",
 * multi-stage builds) and BuildKit's dispatch rules, not copied from
 * BuildKit's tests.
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

#include "semantics/stages.h"

/* What the first COPY or ADD of the target must look like. */
struct want {
	const char *srcs;	/* joined with '|' */
	const char *dest;
	const char *workdir;
	const char *chown;
	long from_stage;
};

struct row {
	const char *name;
	const char *text;
	const char *target;
	const char *args[3];	/* build arguments, NULL-terminated */
	const char *err;	/* a substring of the error; NULL: parses */
	struct want want;
};

static const struct row rows[] = {
	/* Reference, "Environment replacement". */
	{ "env-replacement",
	  "FROM busybox\nENV FOO=/bar\nWORKDIR ${FOO}\nCOPY \\$FOO /quux\n",
	  NULL, { 0 }, NULL, { "$FOO", "/quux", "/bar", NULL, -1 } },
	{ "env-same-line-sees-old-value",
	  "FROM busybox\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n"
	  "COPY $def $ghi /\n",
	  NULL, { 0 }, NULL, { "hello|bye", "/", "/", NULL, -1 } },
	{ "env-legacy-form",
	  "FROM busybox\nENV DIR /opt/my app\nCOPY a \"${DIR}/\"\n",
	  NULL, { 0 }, NULL, { "a", "/opt/my app/", "/", NULL, -1 } },
	{ "default-and-alternative",
	  "FROM busybox\nENV SET=x\nCOPY ${UNSET:-def} ${SET:+alt} /d/\n",
	  NULL, { 0 }, NULL, { "def|alt", "/d/", "/", NULL, -1 } },
	{ "flags-expanded",
	  "FROM busybox\nARG U=app\nCOPY --chown=${U}:${U} a b\n",
	  NULL, { 0 }, NULL, { "a", "b", "/", "app:app", -1 } },
	{ "quotes-in-words",
	  "FROM busybox\nENV N=x\nCOPY \"a$N\" 'b$N' /d/\n",
	  NULL, { 0 }, NULL, { "ax|b$N", "/d/", "/", NULL, -1 } },
	/* The JSON form is expanded too, quotes and all, as BuildKit does. */
	{ "json-form-expanded",
	  "FROM busybox\nENV N=x\nCOPY [\"a $N\", \"/d/\"]\n",
	  NULL, { 0 }, NULL, { "a x", "/d/", "/", NULL, -1 } },
	/* Reference, WORKDIR. */
	{ "workdir-relative-chain",
	  "FROM busybox\nWORKDIR /a\nWORKDIR b\nWORKDIR c\nCOPY x .\n",
	  NULL, { 0 }, NULL, { "x", ".", "/a/b/c", NULL, -1 } },
	{ "workdir-variables",
	  "FROM busybox\nENV DIRPATH=/path\nWORKDIR $DIRPATH/$DIRNAME\n"
	  "COPY x y\n",
	  NULL, { 0 }, NULL, { "x", "y", "/path", NULL, -1 } },
	{ "workdir-cleaned",
	  "FROM busybox\nWORKDIR /a/../b/./c/\nWORKDIR ../d\nCOPY x y\n",
	  NULL, { 0 }, NULL, { "x", "y", "/b/d", NULL, -1 } },
	{ "workdir-default-root",
	  "FROM busybox\nCOPY x y\n", NULL, { 0 }, NULL,
	  { "x", "y", "/", NULL, -1 } },
	{ "workdir-empty-error",
	  "FROM busybox\nWORKDIR $UNSET\nCOPY x y\n", NULL, { 0 },
	  "line 2: WORKDIR: normalizing workdir: cannot normalize nothing",
	  { 0 } },
	/* Reference, ARG. */
	{ "arg-not-visible-before-declared",
	  "FROM busybox\nCOPY ${user:-some_user} /\nARG user\n",
	  NULL, { "user=joe" }, NULL, { "some_user", "/", "/", NULL, -1 } },
	{ "arg-build-arg-overrides-default",
	  "FROM busybox\nARG V=v1.0.0\nCOPY $V /\n", NULL, { "V=v2" }, NULL,
	  { "v2", "/", "/", NULL, -1 } },
	{ "arg-default",
	  "FROM busybox\nARG V=v1.0.0\nCOPY $V /\n", NULL, { 0 }, NULL,
	  { "v1.0.0", "/", "/", NULL, -1 } },
	{ "env-after-arg-wins",
	  "FROM ubuntu\nARG CONT_IMG_VER\nENV CONT_IMG_VER=v1.0.0\n"
	  "COPY $CONT_IMG_VER /\n",
	  NULL, { "CONT_IMG_VER=v2.0.1" }, NULL,
	  { "v1.0.0", "/", "/", NULL, -1 } },
	{ "env-from-arg-with-default",
	  "FROM ubuntu\nARG CONT_IMG_VER\n"
	  "ENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nCOPY $CONT_IMG_VER /\n",
	  NULL, { "CONT_IMG_VER=v2.0.1" }, NULL,
	  { "v2.0.1", "/", "/", NULL, -1 } },
	{ "global-arg-redeclared",
	  "ARG VERSION=latest\nFROM busybox:$VERSION\nARG VERSION\n"
	  "COPY $VERSION /\n",
	  NULL, { 0 }, NULL, { "latest", "/", "/", NULL, -1 } },
	{ "global-arg-not-redeclared",
	  "ARG VERSION=latest\nFROM busybox:$VERSION\nCOPY x$VERSION /\n",
	  NULL, { 0 }, NULL, { "x", "/", "/", NULL, -1 } },
	{ "global-arg-build-arg",
	  "ARG VERSION=latest\nFROM busybox\nARG VERSION\nCOPY $VERSION /\n",
	  NULL, { "VERSION=1.2" }, NULL, { "1.2", "/", "/", NULL, -1 } },
	{ "arg-out-of-scope-in-next-stage",
	  "FROM busybox AS one\nARG A=1\nFROM busybox\nCOPY x$A /\n",
	  NULL, { 0 }, NULL, { "x", "/", "/", NULL, -1 } },
	{ "arg-default-sees-earlier-arg",
	  "FROM busybox\nARG A=a\nARG B=${A}b\nCOPY $B /\n", NULL, { 0 },
	  NULL, { "ab", "/", "/", NULL, -1 } },
	{ "platform-arg",
	  "FROM busybox\nARG TARGETOS\nCOPY $TARGETOS /\n", NULL, { 0 },
	  NULL, { "linux", "/", "/", NULL, -1 } },
	/* Stages: inheritance, names, indexes, --target. */
	{ "stage-inherits-env-and-workdir",
	  "FROM golang AS base\nENV OUT=/out\nWORKDIR /src\n"
	  "FROM base AS next\nWORKDIR sub\nCOPY $OUT/bin .\n",
	  NULL, { 0 }, NULL, { "/out/bin", ".", "/src/sub", NULL, -1 } },
	{ "stage-inherits-args",
	  "FROM golang AS base\nARG V=7\nFROM BASE\nCOPY x$V /\n",
	  NULL, { 0 }, NULL, { "x7", "/", "/", NULL, -1 } },
	{ "image-stage-starts-fresh",
	  "FROM golang AS base\nENV OUT=/out\nWORKDIR /src\n"
	  "FROM alpine\nCOPY --from=base x$OUT y\n",
	  NULL, { 0 }, NULL, { "x", "y", "/", NULL, 0 } },
	{ "from-by-name-any-case",
	  "FROM golang AS Builder\nFROM alpine\nCOPY --from=BUILDER a b\n",
	  NULL, { 0 }, NULL, { "a", "b", "/", NULL, 0 } },
	{ "from-by-index",
	  "FROM golang\nFROM node\nFROM alpine\nCOPY --from=1 a b\n",
	  NULL, { 0 }, NULL, { "a", "b", "/", NULL, 1 } },
	{ "from-image",
	  "FROM alpine\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n",
	  NULL, { 0 }, NULL, { "/etc/nginx", "/etc/nginx", "/", NULL, -1 } },
	{ "from-index-out-of-range",
	  "FROM golang\nFROM alpine\nCOPY --from=5 a b\n", NULL, { 0 },
	  "line 3: COPY: invalid stage index 5", { 0 } },
	{ "from-variable-refused",
	  "FROM golang\nFROM alpine\nCOPY --from=$X a b\n", NULL, { 0 },
	  "variable expansion is not supported for --from", { 0 } },
	{ "target-by-name",
	  "FROM golang AS build\nWORKDIR /b\nCOPY x y\nFROM alpine\n"
	  "COPY z w\n",
	  "build", { 0 }, NULL, { "x", "y", "/b", NULL, -1 } },
	{ "target-by-index",
	  "FROM golang AS build\nWORKDIR /b\nCOPY x y\nFROM alpine\n"
	  "COPY z w\n",
	  "0", { 0 }, NULL, { "x", "y", "/b", NULL, -1 } },
	{ "target-missing",
	  "FROM golang AS build\nCOPY x y\n", "nope", { 0 },
	  "target stage \"nope\" could not be found", { 0 } },
	{ "stage-name-invalid",
	  "FROM golang AS 1abc\n", NULL, { 0 },
	  "invalid name for build stage: \"1abc\"", { 0 } },
	{ "stage-name-duplicate",
	  "FROM a AS x\nFROM b AS X\n", NULL, { 0 },
	  "duplicate stage name \"x\"", { 0 } },
	{ "instruction-before-from",
	  "ENV A=1\nFROM alpine\n", NULL, { 0 },
	  "line 1: ENV: no build stage in current context", { 0 } },
	/* Other instructions are read and skipped; heredocs are bodies. */
	{ "skipped-and-heredoc",
	  "FROM alpine\nRUN <<EOF\nFROM nothing\nCOPY no no\nEOF\n"
	  "LABEL a=b\nEXPOSE 80\nUSER app\nVOLUME /v\nSTOPSIGNAL TERM\n"
	  "HEALTHCHECK CMD true\nSHELL [\"/bin/sh\", \"-c\"]\n"
	  "ONBUILD RUN x\nCMD [\"x\"]\nENTRYPOINT x\nCOPY a b\n",
	  NULL, { 0 }, NULL, { "a", "b", "/", NULL, -1 } },
	{ "escape-directive",
	  "# escape=`\nFROM alpine\nENV D=C:\\app\nCOPY a `\n  $D\n",
	  NULL, { 0 }, NULL, { "a", "C:\\app", "/", NULL, -1 } },
	{ "unknown-instruction",
	  "FROM alpine\nFOO bar\n", NULL, { 0 },
	  "line 2: unknown instruction: FOO", { 0 } },
	{ "add-url-refused",
	  "FROM alpine\nADD https://example.com/a.tgz /\n", NULL, { 0 },
	  "does no network I/O", { 0 } },
	{ "add-git-refused",
	  "FROM alpine\nADD git@github.com:moby/buildkit.git /src\n", NULL,
	  { 0 }, "does no network I/O", { 0 } },
	{ "copy-url-refused",
	  "FROM alpine\nCOPY https://example.com/a /\n", NULL, { 0 },
	  "source can't be a URL for COPY", { 0 } },
	{ "heredoc-expansion-error",
	  "FROM alpine\nCOPY <<EOF /a\n${X:?unset}\nEOF\n", NULL, { 0 },
	  "line 2: COPY: failed to process", { 0 } },
	{ "expansion-error-names-line",
	  "FROM alpine\n\nCOPY ${A:?is required} /\n", NULL, { 0 },
	  "line 3: COPY: failed to process", { 0 } },
};

static const struct df_step *first_copy(const struct df_plan *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].in->kind == DF_COPY ||
		    p->steps[i].in->kind == DF_ADD)
			return &p->steps[i];
	return NULL;
}

static void check_row(const struct row *r)
{
	const char *const *args = r->args;
	struct df_plan p;
	const struct df_step *st;
	char err[512] = "", srcs[256] = "";
	size_t nargs = 0;
	int rc;

	while (nargs < 3 && args[nargs])
		nargs++;
	rc = df_plan_make(r->text, r->target, args, nargs, &p, err,
			  sizeof(err));
	if (r->err) {
		if (rc != -EINVAL || !strstr(err, r->err))
			fail_msg("%s: %d \"%s\", want \"%s\"", r->name, rc, err,
				 r->err);
		return;
	}
	if (rc)
		fail_msg("%s: %d %s", r->name, rc, err);
	st = first_copy(&p);
	if (!st)
		fail_msg("%s: no COPY", r->name);
	for (size_t i = 0; i < st->copy.nsrcs; i++) {
		if (i)
			strcat(srcs, "|");
		strcat(srcs, st->copy.srcs[i]);
	}
	if (strcmp(srcs, r->want.srcs) || strcmp(st->copy.dest, r->want.dest) ||
	    strcmp(st->workdir, r->want.workdir) ||
	    (r->want.chown ? !st->copy.chown ||
			     strcmp(st->copy.chown, r->want.chown)
			   : st->copy.chown != NULL) ||
	    st->from_stage != r->want.from_stage)
		fail_msg("%s: srcs \"%s\" dest \"%s\" workdir \"%s\" chown %s "
			 "from %ld", r->name, srcs, st->copy.dest, st->workdir,
			 st->copy.chown ? st->copy.chown : "-",
			 st->from_stage);
	df_plan_free(&p);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
}

/* The target's instructions in order, FROM first, skipped ones kept. */
static void test_steps(void **state)
{
	static const char text[] =
		"ARG G=1\n"
		"FROM golang AS build\n"
		"RUN make\n"
		"FROM alpine AS final\n"
		"WORKDIR /app\n"
		"RUN apk add x\n"
		"COPY --from=build /out ./\n"
		"ADD --unpack=false a.tar /t/\n";
	static const enum df_kind kinds[] = {
		DF_FROM, DF_WORKDIR, DF_OTHER, DF_COPY, DF_ADD,
	};
	static const char *const unused[] = { "NOPE=1", "G=2" };
	struct df_plan p;
	char err[256];

	(void)state;
	assert_int_equal(df_plan_make(text, NULL, unused, 2, &p, err,
				      sizeof(err)), 0);
	assert_int_equal(p.nstages, 2);
	assert_int_equal(p.target, 1);
	assert_string_equal(p.stages[0].name, "build");
	assert_string_equal(p.stages[1].base, "alpine");
	assert_int_equal(p.nsteps, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(p.steps[i].in->kind, kinds[i]);
	assert_int_equal(p.steps[0].in->raw->line, 4);
	assert_string_equal(p.steps[1].workdir, "/app");
	assert_int_equal(p.steps[3].from_stage, 0);
	assert_false(p.steps[4].unpack);
	/* G is a global ARG: declared, so used; NOPE is not. */
	assert_int_equal(p.unused_args.n, 1);
	assert_string_equal(p.unused_args.v[0], "NOPE");
	df_plan_free(&p);
}

/* Heredoc sources: names and texts, expanded unless the name is quoted. */
static void test_heredocs(void **state)
{
	static const char text[] =
		"FROM alpine\n"
		"ENV N=world\n"
		"COPY a <<EOF <<'Q' <<-T /d/\n"
		"hi $N \\$N \"x\"\n"
		"EOF\n"
		"raw $N\n"
		"Q\n"
		"\t\ttabs $N\n"
		"\tT\n"
		"COPY b c\n";
	const struct df_step *st;
	struct df_plan p;
	char err[256];

	(void)state;
	assert_int_equal(df_plan_make(text, NULL, NULL, 0, &p, err,
				      sizeof(err)), 0);
	st = first_copy(&p);
	assert_int_equal(st->in->raw->line, 3);
	assert_int_equal(st->in->raw->end_line, 9);
	assert_int_equal(st->copy.nsrcs, 1);
	assert_string_equal(st->copy.srcs[0], "a");
	assert_int_equal(st->heredoc_names.n, 3);
	assert_string_equal(st->heredoc_names.v[0], "EOF");
	assert_string_equal(st->heredoc_data.v[0], "hi world $N \"x\"\n");
	assert_string_equal(st->heredoc_names.v[1], "Q");
	assert_string_equal(st->heredoc_data.v[1], "raw $N\n");
	assert_string_equal(st->heredoc_names.v[2], "T");
	assert_string_equal(st->heredoc_data.v[2], "tabs world\n");
	/* The line after the last heredoc is the next instruction. */
	assert_int_equal(p.steps[p.nsteps - 1].in->raw->line, 10);
	df_plan_free(&p);
}

/* Without FROM: COPY lines as before, no variables. */
static void test_copy_lines(void **state)
{
	struct df_plan p;
	char err[256];

	(void)state;
	assert_int_equal(df_plan_make("COPY --from=s $A 'b' /d/\n", NULL,
				      NULL, 0, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nstages, 0);
	assert_int_equal(p.nsteps, 1);
	assert_string_equal(p.steps[0].copy.srcs[0], "$A");
	assert_string_equal(p.steps[0].copy.srcs[1], "b");
	assert_null(p.steps[0].workdir);
	df_plan_free(&p);
	assert_int_equal(df_plan_make("RUN x\n", NULL, NULL, 0, &p, err,
				      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 1: unsupported instruction "
				    "\"RUN\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_copy_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
