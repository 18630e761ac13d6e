// SPDX-License-Identifier: MIT
/* The public face of the COPY-line parser (dockerfile.h). */
#include <errno.h>
#include <stdlib.h>

#include "api/copy_line.h"
#include "semantics/dockerfile.h"
#include "stagecp.h"

void copy_line_fill(struct stagecp_copy_line *o,
		    const struct copyline_instr *in)
{
	*o = (struct stagecp_copy_line){
		.line = in->line,
		.from = in->from,
		.chown = in->chown && in->chown[0] ? in->chown : NULL,
		.chmod = in->chmod && in->chmod[0] ? in->chmod : NULL,
		.link = in->link,
		.parents = in->parents,
		.excludes = (const char *const *)in->excludes,
		.nexcludes = in->nexcludes,
		.srcs = (const char *const *)in->srcs,
		.nsrcs = in->nsrcs,
		.dest = in->dest,
	};
}

int stagecp_parse_copy_lines(const char *text, struct stagecp_copy_lines *out,
			     char *err, size_t errlen)
{
	struct copyline_list *list = calloc(1, sizeof(*list));
	int r;

	out->v = NULL;
	out->n = 0;
	out->priv = NULL;
	if (!list)
		return -ENOMEM;
	r = copyline_parse(text, list, err, errlen);
	if (r == 0 && list->count) {
		out->v = calloc(list->count, sizeof(*out->v));
		if (!out->v) {
			copyline_list_free(list);
			r = -ENOMEM;
		}
	}
	if (r < 0) {
		free(list);
		return r;
	}
	for (size_t i = 0; i < list->count; i++) {
		const struct copyline_instr *in = &list->instrs[i];

		copy_line_fill(&out->v[i], in);
	}
	out->n = list->count;
	out->priv = list;
	return 0;
}

void stagecp_copy_lines_free(struct stagecp_copy_lines *l)
{
	if (l->priv) {
		copyline_list_free(l->priv);
		free(l->priv);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->priv = NULL;
}
