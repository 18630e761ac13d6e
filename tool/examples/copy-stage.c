// SPDX-License-Identifier: MIT
/*
 * copy-stage: the smallest complete program over libstagecp.
 *
 *	copy-stage FROM_ROOT TO_ROOT SRC... DEST
 *
 * runs one COPY --from: each SRC inside FROM_ROOT goes to DEST inside
 * TO_ROOT, with the rules of a Dockerfile COPY.  It prints every failure
 * as it happens, the totals at the end, and exits 0 when everything was
 * copied, 1 when something failed and 2 on bad usage.
 *
 * Build it against the installed library:
 *
 *	cc -o copy-stage copy-stage.c $(pkg-config --cflags --libs stagecp)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagecp.h>

/*
 * The engine never prints: it hands each failure to this callback, and the
 * copy goes on with the next entry.  The strings belong to the engine and
 * live only during the call.
 */
static void print_error(void *arg, const struct stagecp_error *e)
{
	const char *prog = arg;

	fprintf(stderr, "%s: %s%s: %s: %s\n", prog,
		e->warning ? "warning: " : "", e->path, e->op,
		e->msg ? e->msg : strerror(e->err));
}

static void print_stats(const struct stagecp_stats *st)
{
	static const enum stagecp_method movers[] = {
		STAGECP_METHOD_CLONE,
		STAGECP_METHOD_COPY_RANGE,
		STAGECP_METHOD_READ_WRITE,
		STAGECP_METHOD_HARDLINK,
	};

	for (int t = 0; t < STAGECP_ENTRY_TYPE_COUNT; t++)
		printf("%s: %" PRIu64 "\n",
		       stagecp_entry_type_name((enum stagecp_entry_type)t),
		       st->entries[t]);
	printf("bytes: %" PRIu64 "\n", st->bytes);
	for (size_t i = 0; i < sizeof(movers) / sizeof(movers[0]); i++)
		printf("%s: %" PRIu64 " files, %" PRIu64 " bytes\n",
		       stagecp_method_name(movers[i]),
		       st->files_by_method[movers[i]],
		       st->bytes_by_method[movers[i]]);
	printf("errors: %" PRIu64 "\n", st->errors);
	printf("warnings: %" PRIu64 "\n", st->warnings);
	printf("elapsed: %.3f s\n", (double)st->elapsed_ns / 1e9);
}

int main(int argc, char **argv)
{
	struct stagecp_options opt;
	struct stagecp_stats st;
	struct stagecp_ctx *ctx;
	const char *prog;
	int r;

	prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	if (argc < 5) {
		fprintf(stderr, "usage: %s FROM_ROOT TO_ROOT SRC... DEST\n",
			prog);
		return 2;
	}

	/* Defaults first: fields added by later versions stay sane. */
	stagecp_options_init(&opt);
	opt.from_root = argv[1];
	opt.to_root = argv[2];
	opt.on_error = print_error;
	opt.error_arg = (void *)prog;

	/* A root that cannot be opened was already reported. */
	r = stagecp_new(&ctx, &opt);
	if (r < 0)
		return 1;

	/* argv[3..argc-2] are the sources, argv[argc-1] the destination. */
	r = stagecp_copy(ctx, (const char *const *)argv + 3,
			 (size_t)(argc - 4), argv[argc - 1]);
	stagecp_get_stats(ctx, &st);
	stagecp_free(ctx);

	print_stats(&st);
	return r < 0 ? 1 : 0;
}
