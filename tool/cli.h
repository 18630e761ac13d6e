/* SPDX-License-Identifier: MIT */
/* The stagecp command's state, shared by its parts. */
#ifndef STAGECP_TOOL_CLI_H
#define STAGECP_TOOL_CLI_H

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
	bool progress_shown;	/* a progress line is on the terminal */
	/* exec */
	const char *target;	/* --target: a stage name or index */
	const char **build_args;	/* --build-arg K=V, in order */
	size_t nbuild_args;
	bool add;		/* the copy is an ADD: archives extract */
	const char *instruction;	/* its keyword, for --json */
};

/* Engine callbacks: messages on stderr, entries on stdout. */
void cli_on_error(void *arg, const struct stagecp_error *e);
void cli_on_entry(void *arg, const struct stagecp_entry *e);
/* --dry-run: the same line after what would be done: "create ...". */
void cli_on_dry_entry(void *arg, const struct stagecp_entry *e);
void cli_on_progress(void *arg, const struct stagecp_stats *st,
		     enum stagecp_method last);
/* Wipe a progress line before other output. */
void cli_progress_clear(struct cli *cli);

/* The summary of --stats, and the object of --json. */
void cli_print_stats(const struct stagecp_stats *st);
void cli_print_json(const struct cli *cli, struct stagecp_ctx *ctx,
		    const struct stagecp_stats *st, const char *const *srcs,
		    size_t nsrcs, const char *dest, int line);
void cli_errors_free(struct cli *cli);

/* A --from value: a registered stage's root, or the value itself. */
const char *cli_stage_root(const struct cli *cli, const char *from);
/* Engine callbacks and cancellation from the options given. */
void cli_setup_callbacks(struct cli *cli);
/*
 * Run one copy with cli->opt and print what was asked (--stats, --json;
 * line > 0 names the COPY line in the JSON).  Returns 0 or a negative
 * errno; -EINVAL only for bad options.
 */
int cli_run_copy(struct cli *cli, const char *const *srcs, size_t nsrcs,
		 const char *dest, int line);
/* The exit status for a result: 130/143 after a signal. */
int cli_exit_status(int r);

/* Show a path with control characters escaped. */
void cli_put_path(FILE *f, const char *p);

#endif
