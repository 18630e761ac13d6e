// SPDX-License-Identifier: MIT
/* What the copy command and exec share: see cli.h. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "output.h"

/* The signal that asked the copy to stop: the engine polls it. */
static volatile int cancel_signal;

const char *cli_stage_root(const struct cli *cli, const char *from)
{
	/* Stage names are matched case-insensitively, as Dockerfiles do. */
	for (size_t i = 0; from && i < cli->nstages; i++)
		if (!strcasecmp(cli->stages[i].name, from))
			return cli->stages[i].root;
	return from;
}

static void on_signal(int sig)
{
	cancel_signal = sig;
}

/* SIGINT and SIGTERM stop the copy cleanly instead of killing it. */
void cli_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void cli_setup_callbacks(struct cli *cli)
{
	cli->opt.on_error = cli_on_error;
	cli->opt.error_arg = cli;
	cli->opt.on_entry = cli->verbose ? cli_on_entry : NULL;
	if (cli->opt.flags & STAGECP_F_DRY_RUN)
		cli->opt.on_entry = cli_on_dry_entry;
	cli->opt.entry_arg = cli;
	/* Never on a pipe or a file: logs stay clean, even if asked. */
	if (!isatty(STDERR_FILENO))
		cli->progress = 0;
	cli->opt.on_progress = cli->progress ? cli_on_progress : NULL;
	cli->opt.progress_arg = cli;
	cli->opt.cancel = &cancel_signal;
}

int cli_exit_status(int r)
{
	if (cancel_signal)
		return 128 + cancel_signal;
	if (r == -EINVAL)
		return EXIT_USAGE;
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cli_run_copy(struct cli *cli, const char *const *srcs, size_t nsrcs,
		 const char *dest, int line)
{
	struct stagecp_ctx *ctx;
	struct stagecp_stats st;
	int r;

	r = stagecp_new(&ctx, &cli->opt);
	if (r < 0)
		return r;
	/* -v and -n name the path the data takes; --json names it too. */
	if ((cli->verbose ||
	     ((cli->opt.flags & STAGECP_F_DRY_RUN) && !cli->json)) &&
	    stagecp_source_description(ctx))
		printf("source: %s\n", stagecp_source_description(ctx));
	r = cli->add ? stagecp_add(ctx, srcs, nsrcs, dest)
		     : stagecp_copy(ctx, srcs, nsrcs, dest);
	/* Usage errors are the caller's: a failed copy is not one. */
	if (r == -EINVAL)
		r = -EIO;
	stagecp_get_stats(ctx, &st);
	cli_progress_clear(cli);
	if (cli->stats)
		cli_print_stats(ctx, &st);
	if (cli->json)
		cli_print_json(cli, ctx, &st, srcs, nsrcs, dest, line);
	stagecp_free(ctx);
	return r;
}
