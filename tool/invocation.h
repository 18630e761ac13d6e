/* SPDX-License-Identifier: MIT */
/* One stagecp invocation: its options and what it has reported. */
#ifndef STAGECP_TOOL_INVOCATION_H
#define STAGECP_TOOL_INVOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "stagecp.h"

#define EXIT_USAGE 2

/* A stage root registered with --stage=NAME=ROOT. */
struct stage {
	char *name;
	const char *root;
};

/* One failure, kept for --json. */
struct kept_error {
	char *path;
	char *op;
	char *msg;
	int err;
	char reason[128];	/* strerror(err), in lower case */
};

/* One entry of a --dry-run plan (or a -v line), kept for --json. */
struct kept_entry {
	const char *action;	/* NULL for a -v line */
	const char *label;	/* the type, or the data mover of a file */
	char *src;
	char *dst;
};

struct cli {
	struct stagecp_options opt;
	const char **excludes;
	struct stage *stages;
	size_t nstages;
	const char *from;	/* --from as given: a stage name or a root */
	char **from_layers;	/* --from-layers, split */
	char **base_layers;	/* --base-layers, split */
	char **to_layers;	/* --to-layers, split */
	bool verbose;
	bool stats;
	bool quiet;
	bool json;
	int progress;		/* -1 auto, 0 off, 1 on */
	struct kept_error *errors;
	size_t nerrors;
	struct kept_entry *entries;
	size_t nentries;
	bool progress_shown;	/* a progress line is on the terminal */
	/* exec */
	const char *target;	/* --target: a stage name or index */
	const char **build_args;	/* --build-arg K=V, in order */
	size_t nbuild_args;
	bool add;		/* the copy is an ADD: archives extract */
	const char *instruction;	/* its keyword, for --json */
};

#endif
