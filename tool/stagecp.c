// SPDX-License-Identifier: MIT
/*
 * stagecp: the command line over libstagecp.  It parses options, turns the
 * engine's reports into messages and picks the exit status; the engine
 * does everything else.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "output.h"

/* Set by SIGINT or SIGTERM; the engine polls it. */

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
	OPT_JSON,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_NO_OPENAT2,
	OPT_NO_IO_URING,
	OPT_IO_URING,
	OPT_ATOMIC,
	OPT_FROM_LAYERS,
	OPT_USERXATTR,
	OPT_TO_LAYER,
	OPT_TO_LAYERS,
	OPT_BASE,
	OPT_BASE_LAYERS,
	OPT_TARGET,
	OPT_BUILD_ARG,
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
	{ "atomic", no_argument, NULL, OPT_ATOMIC },
	{ "from-layers", required_argument, NULL, OPT_FROM_LAYERS },
	{ "userxattr", no_argument, NULL, OPT_USERXATTR },
	{ "to-layer", required_argument, NULL, OPT_TO_LAYER },
	{ "to-layers", required_argument, NULL, OPT_TO_LAYERS },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "base-layers", required_argument, NULL, OPT_BASE_LAYERS },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "file", required_argument, NULL, 'f' },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "build-arg", required_argument, NULL, OPT_BUILD_ARG },
	/* For tests: take the path walk that stands in for openat2. */
	{ "no-openat2", no_argument, NULL, OPT_NO_OPENAT2 },
	{ "io-uring", required_argument, NULL, OPT_IO_URING },
	/* The same as --io-uring=off. */
	{ "no-io-uring", no_argument, NULL, OPT_NO_IO_URING },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: stagecp [OPTIONS] SRC... DEST\n"
	      "       stagecp exec [OPTIONS] [-f FILE] ['COPY ...' ...]\n"
	      "Copy SRC (files, or the contents of directories) to DEST with "
	      "the rules of a\n"
	      "Dockerfile COPY; exec runs COPY instructions as written.\n"
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
	      "  --from-layers=TOP:...:BOTTOM\n"
	      "                     the source is an overlay layer stack, read "
	      "without mounting\n"
	      "      --userxattr    its markers are user.overlay.* xattrs\n"
	      "  --to-layers=UPPER:LOWER...\n"
	      "                     the destination is an overlay stack: "
	      "resolved in its merged\n"
	      "                     view, written in UPPER only\n"
	      "  --to-layer=DIR     write the copy as a new layer in DIR (COPY "
	      "--link)\n"
	      "  --base=ROOT, --base-layers=L1:L2...\n"
	      "                     where a new layer's --chown names are "
	      "looked up\n"
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
	      "  --strategy=auto|clone|copy|rw|hardlink\n"
	      "                     data mover: auto tries clone, then "
	      "copy_file_range, then\n"
	      "                     read/write; the others force one "
	      "(hardlink: only for a\n"
	      "                     source that is never written again)\n"
	      "  -j, --jobs=N       worker threads (default: one per online "
	      "CPU)\n"
	      "      --io-uring=auto|all|off\n"
	      "                     batch opens and closes (auto), also stats, "
	      "creates,\n"
	      "                     mkdirs, links and read/write (all), or "
	      "make plain\n"
	      "                     syscalls (off)\n"
	      "      --atomic       write each file under a temporary name, "
	      "then rename it\n"
	      "  -f, --file=FILE    (exec) run the COPY and ADD lines of a "
	      "Dockerfile's target\n"
	      "                     stage; --to is its root, --stage=NAME=ROOT "
	      "each stage\n"
	      "                     or image it copies from\n"
	      "      --target=NAME|INDEX  (exec) the stage to run (default: the "
	      "last)\n"
	      "      --build-arg=KEY=VALUE  (exec) replace an ARG's default "
	      "(repeatable)\n"
	      "  -n, --dry-run      print what would be created, replaced or "
	      "merged, and how;\n"
	      "                     change nothing\n"
	      "  -v, --verbose      print one line per copied entry\n"
	      "  -q, --quiet        do not print warnings\n"
	      "      --stats        print totals when done\n"
	      "      --json         print one JSON object when done (exec: one "
	      "per instruction)\n"
	      "      --progress     show a progress line on stderr (default: "
	      "when a terminal)\n"
	      "      --no-progress  never show it\n"
	      "      --help         show this help\n"
	      "      --version      show the version\n"
	      "\n"
	      "Exit status: 0 all copied, 1 some entry failed, 2 bad usage, "
	      "130/143 interrupted.\n",
	      f);
}

/* --io-uring=auto|all|off, as option flags. */
static int parse_io_uring(const char *s, unsigned int *flags)
{
	*flags &= ~(unsigned int)(STAGECP_F_NO_IO_URING |
				  STAGECP_F_IO_URING_ALL);
	if (!strcmp(s, "all"))
		*flags |= STAGECP_F_IO_URING_ALL;
	else if (!strcmp(s, "off"))
		*flags |= STAGECP_F_NO_IO_URING;
	else if (strcmp(s, "auto")) {
		fprintf(stderr, "stagecp: --io-uring=%s: unknown mode (auto, "
			"all, off)\n", s);
		return -EINVAL;
	}
	return 0;
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
		{ "hardlink", STAGECP_STRATEGY_HARDLINK },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i].name)) {
			*out = names[i].strategy;
			return 0;
		}
	}
	fprintf(stderr, "stagecp: --strategy=%s: unknown strategy (auto, "
		"clone, copy, rw, hardlink)\n", s);
	return -EINVAL;
}

/*
 * A layer list as overlayfs takes lowerdir: directories separated by ":",
 * a "\\:" standing for a colon in a name.
 */
static int split_layers(const char *opt, const char *arg, char ***out,
			size_t *n)
{
	char *cur = malloc(strlen(arg) + 1);
	size_t cap = 2, len = 0, k = 0;
	int r = 0;
	char **v;

	for (const char *p = arg; *p; p++)
		cap += *p == ':';
	v = calloc(cap, sizeof(*v));
	if (!cur || !v) {
		free(cur);
		free(v);
		return -ENOMEM;
	}
	for (const char *p = arg;; p++) {
		if (p[0] == '\\' && p[1] == ':') {
			cur[len++] = ':';
			p++;
			continue;
		}
		if (*p && *p != ':') {
			cur[len++] = *p;
			continue;
		}
		if (!len) {
			fprintf(stderr, "stagecp: %s=%s: an empty layer "
				"(\"::\" data-only layers are not "
				"supported)\n", opt, arg);
			r = -EINVAL;
			break;
		}
		v[k++] = strndup(cur, len);
		len = 0;
		if (!*p)
			break;
	}
	free(cur);
	*out = v;
	*n = k;
	for (size_t i = 0; i < k; i++)
		if (!v[i])
			return -ENOMEM;
	return r;
}

static int parse_jobs(const char *s, unsigned int *out)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || n < 1 || n > 1024) {
		fprintf(stderr, "stagecp: --jobs=%s: expected a number from 1 "
			"to 1024\n", s);
		return -EINVAL;
	}
	*out = (unsigned int)n;
	return 0;
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

static int parse_option(struct cli *cli, int ch, const char **file)
{
	int r;

	switch (ch) {
	case OPT_FROM:
		cli->from = optarg;
		return 0;
	case OPT_TO:
		cli->opt.to_root = optarg;
		return 0;
	case OPT_WORKDIR:
		cli->opt.workdir = optarg;
		return 0;
	case OPT_STAGE:
		return add_stage(cli, optarg);
	case OPT_CHOWN:
		cli->opt.chown = optarg;
		return 0;
	case OPT_CHMOD:
		cli->opt.chmod = optarg;
		return 0;
	case OPT_EXCLUDE:
		cli->excludes[cli->opt.nexcludes++] = optarg;
		return 0;
	case OPT_PARENTS:
		cli->opt.parents = true;
		return 0;
	case OPT_LINK:
		cli->opt.link = true;
		return 0;
	case OPT_STRATEGY:
		return parse_strategy(optarg, &cli->opt.strategy);
	case OPT_STATS:
		cli->stats = true;
		return 0;
	case OPT_JSON:
		cli->json = true;
		return 0;
	case OPT_PROGRESS:
		cli->progress = 1;
		return 0;
	case OPT_NO_PROGRESS:
		cli->progress = 0;
		return 0;
	case OPT_NO_OPENAT2:
		cli->opt.flags |= STAGECP_F_NO_OPENAT2;
		return 0;
	case OPT_NO_IO_URING:
		return parse_io_uring("off", &cli->opt.flags);
	case OPT_IO_URING:
		return parse_io_uring(optarg, &cli->opt.flags);
	case OPT_ATOMIC:
		cli->opt.flags |= STAGECP_F_ATOMIC;
		return 0;
	case OPT_FROM_LAYERS:
		r = split_layers("--from-layers", optarg, &cli->from_layers,
				 &cli->opt.nfrom_layers);
		cli->opt.from_layers = (const char *const *)cli->from_layers;
		return r;
	case OPT_USERXATTR:
		cli->opt.userxattr = true;
		return 0;
	case OPT_TO_LAYER:
		cli->opt.to_root = optarg;
		cli->opt.flags |= STAGECP_F_NEW_LAYER;
		return 0;
	case OPT_TO_LAYERS:
		r = split_layers("--to-layers", optarg, &cli->to_layers,
				 &cli->opt.nto_layers);
		cli->opt.to_layers = (const char *const *)cli->to_layers;
		return r;
	case OPT_BASE:
		cli->opt.base_root = optarg;
		return 0;
	case OPT_BASE_LAYERS:
		r = split_layers("--base-layers", optarg, &cli->base_layers,
				 &cli->opt.nbase_layers);
		cli->opt.base_layers = (const char *const *)cli->base_layers;
		return r;
	case 'n':
		cli->opt.flags |= STAGECP_F_DRY_RUN;
		return 0;
	case 'j':
		return parse_jobs(optarg, &cli->opt.jobs);
	case 'v':
		cli->verbose = true;
		return 0;
	case 'q':
		cli->quiet = true;
		return 0;
	case 'f':
		*file = optarg;
		return 0;
	case OPT_TARGET:
		cli->target = optarg;
		return 0;
	case OPT_BUILD_ARG:
		if (!strchr(optarg, '=') || optarg[0] == '=') {
			fprintf(stderr, "stagecp: --build-arg=%s: expected "
				"KEY=VALUE\n", optarg);
			return -EINVAL;
		}
		cli->build_args[cli->nbuild_args++] = optarg;
		return 0;
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

static int parse_args(struct cli *cli, int argc, char **argv, bool exec,
		      const char **file)
{
	int ch;

	/* At most one pattern per argument. */
	cli->excludes = calloc((size_t)argc, sizeof(*cli->excludes));
	if (!cli->excludes)
		return -ENOMEM;
	cli->opt.excludes = cli->excludes;
	cli->build_args = calloc((size_t)argc, sizeof(*cli->build_args));
	if (!cli->build_args)
		return -ENOMEM;
	/* Our own messages, not getopt's: they would name argv[0]. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vqnf:j:", long_opts, NULL)) !=
	       -1) {
		if ((ch == 'f' || ch == OPT_TARGET || ch == OPT_BUILD_ARG) && !exec)
			ch = '?';
		if (ch == '?' || ch == ':') {
			fprintf(stderr, "stagecp: %s: %s\n", argv[optind - 1],
				ch == ':' ? "missing a value"
					  : "unrecognized option");
			return -EINVAL;
		}
		if (parse_option(cli, ch, file) < 0)
			return -EINVAL;
	}
	cli->opt.from_root = cli_stage_root(cli, cli->from);
	if (exec || argc - optind >= 2)
		return 0;
	fputs(argc - optind == 1 ? "stagecp: missing DEST after the sources\n"
				 : "stagecp: missing SRC and DEST\n", stderr);
	return -EINVAL;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void cli_free(struct cli *cli)
{
	free_strv(cli->from_layers);
	free_strv(cli->base_layers);
	free_strv(cli->to_layers);
	for (size_t i = 0; i < cli->nstages; i++)
		free(cli->stages[i].name);
	free(cli->stages);
	free(cli->excludes);
	free(cli->build_args);
	cli_kept_free(cli);
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

/*
 * Least privilege before anything is written: keep only the capabilities
 * a copy can use.  exec checks what the --chown of every line needs.
 */
static int drop_capabilities(struct cli *cli, bool exec, const char *file,
			     const char *const *lines, size_t n)
{
	char msg[256];
	int r = stagecp_drop_capabilities(&cli->opt, msg, sizeof(msg));

	if (r == 0 && exec)
		r = cli_exec_check_caps(cli, file, lines, n, msg, sizeof(msg));
	if (r < 0)
		fprintf(stderr, "stagecp: %s\n", msg);
	return r;
}

int main(int argc, char **argv)
{
	struct cli cli = { .progress = -1 };
	bool exec = argc > 1 && !strcmp(argv[1], "exec");
	const char *file = NULL;
	int r;

	stagecp_options_init(&cli.opt);
	if (exec) {
		argv++;
		argc--;
	}
	if (parse_args(&cli, argc, argv, exec, &file) < 0) {
		fputs("Try 'stagecp --help' for more information.\n", stderr);
		cli_free(&cli);
		return EXIT_USAGE;
	}
	r = drop_capabilities(&cli, exec, file, (const char *const *)argv +
						 optind, (size_t)(argc - optind));
	if (r < 0) {
		cli_free(&cli);
		return EXIT_FAILURE;
	}
	cli_setup_callbacks(&cli);
	/* Entries are created with their final modes: no umask in the
	 * way saves a chmod per file. */
	umask(0);
	raise_fd_limit();
	cli_catch_signals();
	if (exec)
		r = cli_exec(&cli, file, (const char *const *)argv + optind,
			     (size_t)(argc - optind));
	else
		r = cli_run_copy(&cli, (const char *const *)argv + optind,
				 (size_t)(argc - optind - 1), argv[argc - 1],
				 0);
	cli_free(&cli);
	return cli_exit_status(r);
}
