/* SPDX-License-Identifier: MIT */
/*
 * What the copy command (stagecp.c) and `stagecp exec` (exec.c) share:
 * stage names, running one copy with the invocation's callbacks and
 * signals, and the exit status.  Both call down into it; it calls neither.
 */
#ifndef STAGECP_TOOL_CLI_H
#define STAGECP_TOOL_CLI_H

#include <stddef.h>

#include "invocation.h"

/* A --from value: a registered stage's root, or the value itself. */
const char *cli_stage_root(const struct cli *cli, const char *from);
/* SIGINT and SIGTERM stop the copy cleanly from now on. */
void cli_catch_signals(void);
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

#endif
