// SPDX-License-Identifier: MIT
/*
 * stagecp: the command line over libstagecp.  It parses options, turns the
 * engine's reports into messages and picks the exit status; the engine
 * does everything else.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "stagecp.h"

#define EXIT_USAGE 2

/* A stage root registered with --stage=NAME=ROOT. */
struct stage {
	const char *name;
	const char *root;
};

struct cli {
	struct stagecp_options opt;
	const char **excludes;
	struct stage *stages;
	size_t nstages;
	const char *from;	/* --from as given: a stage name or a root */
	bool verbose;
	bool stats;
	bool quiet;
};

enum {
	OPT_FROM = 256,
	OPT_TO,
	OPT_WORKDIR,
	OPT_STRATEGY,
	OPT_STATS,
	OPT_CHOWN,
	OPT_CHMOD,
	OPT_EXCLUDE,
	OPT_PARENTS,
	OPT_LINK,
	OPT_STAGE,
	OPT_NO_OPENAT2,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "workdir", required_argument, NULL, OPT_WORKDIR },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "chown", required_argument, NULL, OPT_CHOWN },
	{ "chmod", required_argument, NULL, OPT_CHMOD },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "parents", no_argument, NULL, OPT_PARENTS },
	{ "link", no_argument, NULL, OPT_LINK },
	{ "stage", required_argument, NULL, OPT_STAGE },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	/* For tests: take the path walk that stands in for openat2. */
	{ "no-openat2", no_argument, NULL, OPT_NO_OPENAT2 },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: stagecp [OPTIONS] SRC... DEST\n"
	      "Copy SRC (files or directory contents) to DEST with the rules "
	      "of a Dockerfile COPY.\n"
	      "\n"
	      "  --from=ROOT|NAME   source stage root, or a stage named with "
	      "--stage;\n"
	      "                     SRC resolves inside it (default: .)\n"
	      "  --stage=NAME=ROOT  register a stage root under a name "
	      "(repeatable)\n"
	      "  --to=ROOT          destination stage root; DEST resolves "
	      "inside it (default: /)\n"
	      "  --workdir=PATH     where a relative DEST starts (default: / "
	      "with --to, else .)\n"
	      "  --chown=USER[:GROUP]  owner of every copied entry, names from "
	      "DEST's /etc/passwd\n"
	      "  --chmod=MODE       mode of every copied entry: octal or "
	      "symbolic (u+x,go-w)\n"
	      "  --exclude=PATTERN  leave out what matches (.dockerignore rules; "
	      "repeatable)\n"
	      "  --parents          keep the parent directories of each SRC "
	      "(a/./b keeps b)\n"
	      "  --link             copy as into an empty layer, then merge "
	      "(COPY --link)\n"
	      "  --strategy=auto|clone|copy|rw\n"
	      "                     data mover: auto tries clone, then "
	      "copy_file_range, then\n"
	      "                     read/write; the others force one\n"
	      "  -v, --verbose      print one line per copied entry\n"
	      "      --stats        print totals when done\n"
	      "  -q, --quiet        do not print warnings\n"
	      "      --help         show this help\n"
	      "      --version      show the version\n"
	      "\n"
	      "Exit status: 0 all copied, 1 some entry failed, 2 bad usage.\n",
	      f);
}

/* Names are opaque bytes: show control characters escaped. */
static void put_path(FILE *f, const char *p)
{
	for (; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\\')
			fputs("\\\\", f);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
}

static void on_error(void *arg, const struct stagecp_error *e)
{
	const struct cli *cli = arg;

	if (e->warning && cli->quiet)
		return;
	fputs("stagecp: ", stderr);
	if (e->warning)
		fputs("warning: ", stderr);
	put_path(stderr, e->path);
	fprintf(stderr, ": %s: %s\n", e->op, e->msg ? e->msg : strerror(e->err));
}

static void on_entry(void *arg, const struct stagecp_entry *e)
{
	const char *label = stagecp_entry_type_name(e->type);

	if (e->type == STAGECP_ENTRY_FILE && e->method != STAGECP_METHOD_NONE)
		label = stagecp_method_name(e->method);
	printf("%s ", label);
	put_path(stdout, e->src);
	fputs(" -> ", stdout);
	put_path(stdout, e->dst);
	putchar('\n');
}

static void print_stats(const struct stagecp_stats *st)
{
	static const enum stagecp_method movers[] = {
		STAGECP_METHOD_CLONE, STAGECP_METHOD_COPY_RANGE,
		STAGECP_METHOD_READ_WRITE,
	};
	const uint64_t *n = st->entries;
	uint64_t entries = 0;
	double secs = (double)st->elapsed_ns / 1e9;

	for (int i = 0; i < STAGECP_ENTRY_TYPE_COUNT; i++)
		entries += n[i];
	printf("files: %" PRIu64 "\n", n[STAGECP_ENTRY_FILE]);
	printf("dirs: %" PRIu64 "\n", n[STAGECP_ENTRY_DIR]);
	printf("symlinks: %" PRIu64 "\n", n[STAGECP_ENTRY_SYMLINK]);
	printf("hardlinks: %" PRIu64 "\n", n[STAGECP_ENTRY_HARDLINK]);
	printf("special: %" PRIu64 "\n",
	       n[STAGECP_ENTRY_FIFO] + n[STAGECP_ENTRY_CHR] +
	       n[STAGECP_ENTRY_BLK] + n[STAGECP_ENTRY_SOCK]);
	printf("bytes: %" PRIu64 "\n", st->bytes);
	for (size_t i = 0; i < sizeof(movers) / sizeof(movers[0]); i++)
		printf("method %s: %" PRIu64 " files, %" PRIu64 " bytes\n",
		       stagecp_method_name(movers[i]),
		       st->files_by_method[movers[i]],
		       st->bytes_by_method[movers[i]]);
	printf("elapsed: %.3f s\n", secs);
	if (secs <= 0)
		secs = 1e-9;
	printf("throughput: %.2f MiB/s, %.0f entries/s\n",
	       (double)st->bytes / secs / (1024 * 1024),
	       (double)entries / secs);
}

static int parse_strategy(const char *s, enum stagecp_strategy *out)
{
	static const struct {
		const char *name;
		enum stagecp_strategy strategy;
	} names[] = {
		{ "auto", STAGECP_STRATEGY_AUTO },
		{ "clone", STAGECP_STRATEGY_CLONE },
		{ "copy", STAGECP_STRATEGY_COPY },
		{ "rw", STAGECP_STRATEGY_RW },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i].name)) {
			*out = names[i].strategy;
			return 0;
		}
	}
	return -EINVAL;
}

static int add_stage(struct cli *cli, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct stage *st;

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "stagecp: --stage: expected NAME=ROOT, not "
			"'%s'\n", arg);
		return -EINVAL;
	}
	st = realloc(cli->stages, (cli->nstages + 1) * sizeof(*st));
	if (!st)
		return -ENOMEM;
	cli->stages = st;
	st[cli->nstages].name = strndup(arg, (size_t)(eq - arg));
	st[cli->nstages].root = eq + 1;
	if (!st[cli->nstages].name)
		return -ENOMEM;
	cli->nstages++;
	return 0;
}

/*
 * --from names a registered stage (case-insensitively, as Dockerfile stage
 * names are) or else a directory.
 */
static const char *stage_root(const struct cli *cli, const char *from)
{
	for (size_t i = 0; from && i < cli->nstages; i++)
		if (!strcasecmp(cli->stages[i].name, from))
			return cli->stages[i].root;
	return from;
}

static int parse_args(struct cli *cli, int argc, char **argv)
{
	int ch;

	/* At most one pattern per argument. */
	cli->excludes = calloc((size_t)argc, sizeof(*cli->excludes));
	if (!cli->excludes)
		return -ENOMEM;
	cli->opt.excludes = cli->excludes;

	while ((ch = getopt_long(argc, argv, "vq", long_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FROM:
			cli->from = optarg;
			break;
		case OPT_STAGE:
			if (add_stage(cli, optarg) < 0)
				return -EINVAL;
			break;
		case OPT_CHOWN:
			cli->opt.chown = optarg;
			break;
		case OPT_CHMOD:
			cli->opt.chmod = optarg;
			break;
		case OPT_EXCLUDE:
			cli->excludes[cli->opt.nexcludes++] = optarg;
			break;
		case OPT_PARENTS:
			cli->opt.parents = true;
			break;
		case OPT_LINK:
			cli->opt.link = true;
			break;
		case OPT_TO:
			cli->opt.to_root = optarg;
			break;
		case OPT_WORKDIR:
			cli->opt.workdir = optarg;
			break;
		case OPT_STRATEGY:
			if (parse_strategy(optarg, &cli->opt.strategy) < 0) {
				fprintf(stderr, "stagecp: --strategy: unknown "
					"strategy '%s' (auto, clone, copy, "
					"rw)\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_STATS:
			cli->stats = true;
			break;
		case OPT_NO_OPENAT2:
			cli->opt.flags |= STAGECP_F_NO_OPENAT2;
			break;
		case 'v':
			cli->verbose = true;
			break;
		case 'q':
			cli->quiet = true;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("stagecp %s\n", STAGECP_VERSION);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	cli->opt.from_root = stage_root(cli, cli->from);
	if (argc - optind < 2) {
		fputs(argc - optind == 1
			      ? "stagecp: missing DEST after the sources\n"
			      : "stagecp: missing SRC and DEST\n", stderr);
		return -EINVAL;
	}
	return 0;
}

static void cli_free(struct cli *cli)
{
	for (size_t i = 0; i < cli->nstages; i++)
		free((char *)cli->stages[i].name);
	free(cli->stages);
	free(cli->excludes);
}

/*
 * Each directory level of a deep tree holds two fds: lift the soft limit
 * to the hard one so depth, not the default 1024, is the bound.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct stagecp_ctx *ctx;
	struct stagecp_stats st;
	int r;

	stagecp_options_init(&cli.opt);
	if (parse_args(&cli, argc, argv) < 0) {
		fputs("Try 'stagecp --help' for more information.\n", stderr);
		cli_free(&cli);
		return EXIT_USAGE;
	}
	cli.opt.on_error = on_error;
	cli.opt.error_arg = &cli;
	if (cli.verbose)
		cli.opt.on_entry = on_entry;
	/* Entries are created with their final modes: no umask in the
	 * way saves a chmod per file. */
	umask(0);
	raise_fd_limit();
	r = stagecp_new(&ctx, &cli.opt);
	if (r < 0) {
		cli_free(&cli);
		return r == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	r = stagecp_copy(ctx, (const char *const *)argv + optind,
			 (size_t)(argc - optind - 1), argv[argc - 1]);
	stagecp_get_stats(ctx, &st);
	stagecp_free(ctx);
	cli_free(&cli);
	if (cli.stats)
		print_stats(&st);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
