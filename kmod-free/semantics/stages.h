/* SPDX-License-Identifier: MIT */
/*
 * The stages of a Dockerfile and the state COPY depends on, tracked the
 * way BuildKit's dockerfile2llb tracks them.
 *
 * ARGs before the first FROM are global: each default is expanded with
 * the global ARGs before it, and a build argument (--build-arg K=V)
 * replaces it.  The global ARGs are used to expand FROM lines only; a
 * stage sees one after declaring it again (ARG NAME without a default
 * takes the global value).  The automatic platform ARGs (TARGETPLATFORM,
 * TARGETOS, TARGETARCH, TARGETVARIANT, BUILDPLATFORM, BUILDOS, BUILDARCH,
 * BUILDVARIANT) are global ARGs for the machine stagecp was built for.
 *
 * FROM IMAGE [AS NAME] starts a stage: numbered from 0, NAME compared
 * without case.  A stage whose IMAGE names an earlier stage starts with
 * that stage's state: its variables and WORKDIR.  Another starts with
 * WORKDIR / and PATH set to the default (the environment of an image is
 * not known to stagecp).  In a stage, ARG and ENV set variables in one
 * environment, the later setting winning; an ARG's default is expanded,
 * a build argument for it is not.  WORKDIR is expanded, and a relative
 * one is joined to the current WORKDIR and cleaned.
 *
 * COPY and ADD of the target stage have their sources, destination,
 * --chown and --chmod expanded (shlex.h); --exclude and --from are not.
 * --from names a stage by name or index, else an image.  ADD of a URL or
 * git source is refused (stagecp does no network I/O).  A heredoc source
 * (<<EOF) is a file of that name holding the heredoc's text: with its
 * leading tabs removed for <<-, and expanded (variables and '\' escapes,
 * quotes kept) when its name was not quoted.  Errors name the line:
 * "line N: KEYWORD: ...".
 *
 * A text without any FROM is a list of COPY instructions (copyline_parse):
 * no stages, and no variables.
 */
#ifndef STAGECP_STAGES_H
#define STAGECP_STAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "semantics/dockerfile.h"
#include "semantics/strbuf.h"

struct df_stage {
	char *name;		/* lower case, or NULL */
	char *base;		/* FROM's image, expanded */
	long base_stage;	/* the earlier stage it starts from, or -1 */
	const struct df_instr *from;	/* its FROM instruction */
};

/* One instruction of the target stage, evaluated. */
struct df_step {
	const struct df_instr *in;
	char *workdir;		/* COPY/ADD: the stage's WORKDIR then */
	struct copyline_instr copy;	/* COPY/ADD: expanded */
	long from_stage;	/* --from: a stage's index, or -1 */
	bool unpack;		/* ADD: local tar archives are extracted */
	/* Heredoc sources (COPY <<EOF): names, and contents expanded. */
	struct strv heredoc_names;
	struct strv heredoc_data;
};

struct df_plan {
	struct df_file file;
	struct df_stage *stages;
	size_t nstages;		/* 0: a text of COPY lines only */
	size_t target;
	struct df_step *steps;
	size_t nsteps, steps_cap;
	struct strv unused_args;	/* build arguments no ARG declared */
};

/*
 * Read text and evaluate the target stage (a name or an index; NULL: the
 * last).  build_args are "KEY=VALUE" strings.  Returns 0, -EINVAL with
 * the message in err, or -ENOMEM.  Release with df_plan_free().
 */
int df_plan_make(const char *text, const char *target,
		 const char *const *build_args, size_t nbuild_args,
		 struct df_plan *out, char *err, size_t errlen);
void df_plan_free(struct df_plan *p);

#endif /* STAGECP_STAGES_H */
