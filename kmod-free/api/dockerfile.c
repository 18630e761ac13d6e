// SPDX-License-Identifier: MIT
/* The public face of the Dockerfile reader (semantics/stages.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/copy_line.h"
#include "semantics/stages.h"
#include "stagecp.h"

struct df_holder {
	struct stagecp_dockerfile pub;	/* first: the handle is its address */
	struct df_plan plan;
	struct stagecp_df_stage *stages;
	const struct stagecp_df_stage **stage_ptrs;
	struct stagecp_df_instr *instrs;
	const struct stagecp_df_instr **instr_ptrs;
};

static enum stagecp_df_kind public_kind(enum df_kind k)
{
	switch (k) {
	case DF_FROM:
		return STAGECP_DF_FROM;
	case DF_ARG:
		return STAGECP_DF_ARG;
	case DF_ENV:
		return STAGECP_DF_ENV;
	case DF_WORKDIR:
		return STAGECP_DF_WORKDIR;
	case DF_COPY:
		return STAGECP_DF_COPY;
	case DF_ADD:
		return STAGECP_DF_ADD;
	default:
		return STAGECP_DF_SKIPPED;
	}
}

static void fill_instr(struct stagecp_df_instr *o, const struct df_step *st)
{
	const struct copyline_instr *c = &st->copy;

	*o = (struct stagecp_df_instr){
		.kind = public_kind(st->in->kind),
		.line = st->in->raw->line,
		.end_line = st->in->raw->end_line,
		.keyword = st->in->keyword,
		.text = st->in->raw->text,
		.workdir = st->workdir,
		.from_stage = (int)st->from_stage,
		.unpack = st->unpack,
	};
	if (o->kind != STAGECP_DF_COPY && o->kind != STAGECP_DF_ADD)
		return;
	copy_line_fill(&o->copy, c);
	o->copy.line = o->line;
	o->heredoc_names = (const char *const *)st->heredoc_names.v;
	o->heredoc_contents = (const char *const *)st->heredoc_data.v;
	o->nheredocs = st->heredoc_names.n;
}

void stagecp_dockerfile_free(struct stagecp_dockerfile *df)
{
	struct df_holder *h = (struct df_holder *)df;

	if (!h)
		return;
	df_plan_free(&h->plan);
	free(h->stages);
	free(h->stage_ptrs);
	free(h->instrs);
	free(h->instr_ptrs);
	free(h);
}

int stagecp_dockerfile_parse(const char *text, const char *target,
			     const char *const *build_args, size_t nbuild_args,
			     struct stagecp_dockerfile **out, char *err,
			     size_t errlen)
{
	struct df_holder *h = calloc(1, sizeof(*h));
	struct df_plan *p;
	size_t i;
	int r;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	p = &h->plan;
	r = df_plan_make(text, target, build_args, nbuild_args, p, err,
			 errlen);
	if (r) {
		free(h);
		return r;
	}
	h->stages = calloc(p->nstages + 1, sizeof(*h->stages));
	h->stage_ptrs = calloc(p->nstages + 1, sizeof(*h->stage_ptrs));
	h->instrs = calloc(p->nsteps + 1, sizeof(*h->instrs));
	h->instr_ptrs = calloc(p->nsteps + 1, sizeof(*h->instr_ptrs));
	if (!h->stages || !h->stage_ptrs || !h->instrs || !h->instr_ptrs) {
		stagecp_dockerfile_free(&h->pub);
		return -ENOMEM;
	}
	for (i = 0; i < p->nstages; i++) {
		h->stages[i] = (struct stagecp_df_stage){
			.index = (unsigned int)i,
			.line = p->stages[i].from->raw->line,
			.name = p->stages[i].name,
			.base = p->stages[i].base,
			.base_stage = (int)p->stages[i].base_stage,
		};
		h->stage_ptrs[i] = &h->stages[i];
	}
	for (i = 0; i < p->nsteps; i++) {
		fill_instr(&h->instrs[i], &p->steps[i]);
		h->instr_ptrs[i] = &h->instrs[i];
	}
	h->pub = (struct stagecp_dockerfile){
		.stages = h->stage_ptrs,
		.nstages = p->nstages,
		.target = p->target,
		.instrs = h->instr_ptrs,
		.ninstrs = p->nsteps,
		.unused_build_args = (const char *const *)p->unused_args.v,
		.nunused_build_args = p->unused_args.n,
	};
	*out = &h->pub;
	return 0;
}
