/* SPDX-License-Identifier: MIT */
/*
 * What the command prints: errors as they come, -v lines, progress on a
 * terminal, --stats and --json.  The library's callbacks land here.
 */
#ifndef STAGECP_TOOL_OUTPUT_H
#define STAGECP_TOOL_OUTPUT_H

#include <stdio.h>

#include "invocation.h"

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

/* Show a path with control characters escaped. */
void cli_put_path(FILE *f, const char *p);

#endif
