// SPDX-License-Identifier: MIT
/*
 * stagecp exec: the COPY and ADD instructions of a Dockerfile's target
 * stage run in order, each with the flags, WORKDIR and variables of its
 * line, over the roots and options of the command line.  The library
 * reads the Dockerfile (stagecp_dockerfile_parse); this file maps its
 * stages to the --stage roots, lists what it skips and reports.  The
 * first failure stops the run and names its line.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "exec.h"
#include "json.h"
#include "output.h"

#include "cli.h"

/* Instruction files are small: a cap keeps a wrong file from hurting. */
#define EXEC_MAX_TEXT (64u << 20)

/* Report a failure to read an instruction file, in our lower case. */
static void text_error(const char *file, const char *op, int r)
{
	const char *s = strerror(-r);

	fprintf(stderr, "stagecp: %s: %s: %c%s\n", file, op,
		tolower((unsigned char)s[0]), s + 1);
}

/* Read FILE ("-": stdin) whole; a failure is reported when report. */
static int read_text(const char *file, char **text, bool report)
{
	/* open(2) and read(2): each error is taken from errno right after
	 * the call that set it (stdio would hide a read error as EIO). */
	int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC)
				   : STDIN_FILENO;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int r = fd < 0 ? -errno : 0;

	if (r < 0) {
		if (report)
			text_error(file, "open", r);
		return r;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = cap < EXEC_MAX_TEXT ? realloc(buf, cap + 65536)
						       : NULL;

			if (!nb) {
				r = cap < EXEC_MAX_TEXT ? -ENOMEM : -EFBIG;
				break;
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (r < 0) {
		if (report)
			text_error(file, "read", r);
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

/* The instructions given as arguments, one line each. */
static int join_lines(const char *const *lines, size_t n, char **text)
{
	size_t len = 1;
	char *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	p = *text = malloc(len);
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);

		memcpy(p, lines[i], l);
		p[l] = '\n';
		p += l + 1;
	}
	*p = '\0';
	return 0;
}

/* The --stage registered under name (case-insensitive), or NULL. */
static const struct stage *find_stage(const struct cli *cli, const char *name)
{
	for (size_t i = 0; name && i < cli->nstages; i++)
		if (!strcasecmp(cli->stages[i].name, name))
			return &cli->stages[i];
	return NULL;
}

/*
 * The --stage of a COPY --from in a Dockerfile: the value as written (a
 * stage name, an index or an image), else the stage it names by its name
 * or its index.
 */
static const struct stage *df_stage_for(const struct cli *cli,
					const struct stagecp_dockerfile *df,
					const struct stagecp_df_instr *in)
{
	const struct stage *st = find_stage(cli, in->copy.from);
	const struct stagecp_df_stage *s;
	char idx[24];

	if (st || in->from_stage < 0)
		return st;
	s = df->stages[in->from_stage];
	st = find_stage(cli, s->name);
	if (!st) {
		snprintf(idx, sizeof(idx), "%u", s->index);
		st = find_stage(cli, idx);
	}
	return st;
}

/*
 * A COPY line without stages: a stage name (case-insensitive), else the
 * index of a --stage, else a directory.  Without one, the command line's
 * source.
 */
static int line_source(const struct cli *cli, const char *from,
		       const char **root)
{
	const struct stage *named = find_stage(cli, from);
	char *end;
	long idx;

	*root = cli->opt.from_root;
	if (!from)
		return 0;
	if (named) {
		*root = named->root;
		return 0;
	}
	idx = strtol(from, &end, 10);
	if (*from && !*end) {
		if (idx < 0 || (size_t)idx >= cli->nstages) {
			fprintf(stderr, "stagecp: --from=%s: invalid stage "
				"index %ld\n", from, idx);
			return -EINVAL;
		}
		*root = cli->stages[idx].root;
		return 0;
	}
	*root = from;
	return 0;
}

static bool is_copy(const struct stagecp_df_instr *in)
{
	return in->kind == STAGECP_DF_COPY || in->kind == STAGECP_DF_ADD;
}

/* How a stage is called in messages: its name, else its index. */
static void stage_label(const struct stagecp_dockerfile *df, size_t i,
			char *buf, size_t len)
{
	if (df->stages[i]->name)
		snprintf(buf, len, "\"%s\"", df->stages[i]->name);
	else
		snprintf(buf, len, "%zu", i);
}

/* Every --from of the target mapped, before anything is copied. */
static int check_stages(const struct cli *cli, const char *what,
			const struct stagecp_dockerfile *df)
{
	const struct stagecp_df_instr *missing = NULL;
	const char *sep;
	char target[80];
	size_t i, k;

	if (!df->nstages)
		return 0;
	for (i = 0; i < df->ninstrs && !missing; i++)
		if (is_copy(df->instrs[i]) && df->instrs[i]->copy.from &&
		    !df_stage_for(cli, df, df->instrs[i]))
			missing = df->instrs[i];
	stage_label(df, df->target, target, sizeof(target));
	if (missing) {
		fprintf(stderr, "stagecp: %s: line %u: %s --from=%s: no "
			"--stage=%s=ROOT for it\n", what, missing->line,
			missing->keyword, missing->copy.from,
			missing->copy.from);
		fprintf(stderr, "stagecp: the target stage %s copies from:",
			target);
		sep = " ";
		for (i = 0; i < df->ninstrs; i++) {
			if (!is_copy(df->instrs[i]) || !df->instrs[i]->copy.from)
				continue;
			fprintf(stderr, "%s%s (line %u)", sep,
				df->instrs[i]->copy.from, df->instrs[i]->line);
			sep = ", ";
		}
		fputs("\nstagecp: --stage options given:", stderr);
		for (k = 0; k < cli->nstages; k++)
			fprintf(stderr, "%s%s", k ? ", " : " ",
				cli->stages[k].name);
		fputs(cli->nstages ? "\n" : " none\n", stderr);
		return -EINVAL;
	}
	for (k = 0; k < cli->nstages && !cli->quiet; k++) {
		bool used = false;

		for (i = 0; i < df->ninstrs && !used; i++)
			used = is_copy(df->instrs[i]) &&
			       df->instrs[i]->copy.from &&
			       df_stage_for(cli, df, df->instrs[i]) ==
				       &cli->stages[k];
		if (!used)
			fprintf(stderr, "stagecp: warning: --stage=%s: the "
				"target stage %s never copies from it\n",
				cli->stages[k].name, target);
	}
	for (i = 0; i < df->nunused_build_args && !cli->quiet; i++)
		fprintf(stderr, "stagecp: warning: --build-arg %s: no ARG of "
			"the target's stages reads it\n",
			df->unused_build_args[i]);
	return 0;
}

/* -v and --dry-run: what the instruction is and what it does. */
static void list_instr(const struct cli *cli,
		       const struct stagecp_dockerfile *df,
		       const struct stagecp_df_instr *in)
{
	const struct stagecp_copy_line *c = &in->copy;
	struct json j;

	if (cli->json) {
		if (is_copy(in))
			return;		/* cli_run_copy writes its object */
		json_begin(&j, stdout);
		json_str(&j, "version", STAGECP_VERSION);
		json_u64(&j, "line", in->line);
		json_str(&j, "instruction", in->keyword);
		json_str(&j, "text", in->text);
		if (in->kind == STAGECP_DF_SKIPPED)
			json_bool(&j, "skipped", true);
		if (in->kind == STAGECP_DF_WORKDIR)
			json_str(&j, "workdir", in->workdir);
		if (in->kind == STAGECP_DF_FROM) {
			json_u64(&j, "stage", df->target);
			json_str(&j, "name", df->stages[df->target]->name);
			json_str(&j, "base", df->stages[df->target]->base);
		}
		json_end(&j);
		return;
	}
	if (!cli->verbose && !(cli->opt.flags & STAGECP_F_DRY_RUN))
		return;
	if (in->kind == STAGECP_DF_FROM) {
		printf("line %u: %s  (stage %zu, the target)\n", in->line,
		       in->text, df->target);
		return;
	}
	if (in->kind == STAGECP_DF_WORKDIR) {
		printf("line %u: %s  (WORKDIR %s)\n", in->line, in->text,
		       in->workdir);
		return;
	}
	if (!is_copy(in)) {
		printf("line %u: %s%s\n", in->line, in->text,
		       in->kind == STAGECP_DF_SKIPPED ? "  (skipped)" : "");
		return;
	}
	printf("line %u: %s", in->line, in->keyword);
	if (c->from)
		printf(" --from=%s", c->from);
	if (c->chown)
		printf(" --chown=%s", c->chown);
	if (c->chmod)
		printf(" --chmod=%s", c->chmod);
	if (c->link)
		fputs(" --link", stdout);
	if (c->parents)
		fputs(" --parents", stdout);
	for (size_t i = 0; i < c->nexcludes; i++)
		printf(" --exclude=%s", c->excludes[i]);
	for (size_t i = 0; i < c->nsrcs; i++) {
		putchar(' ');
		cli_put_path(stdout, c->srcs[i]);
	}
	for (size_t i = 0; i < in->nheredocs; i++) {
		fputs(" <<", stdout);
		cli_put_path(stdout, in->heredoc_names[i]);
	}
	putchar(' ');
	cli_put_path(stdout, c->dest);
	if (in->workdir)
		printf("  (WORKDIR %s)", in->workdir);
	putchar('\n');
}

/* Write len bytes of data to a new file dir/name, mode 0644. */
static int write_file(int dirfd, const char *name, const char *data)
{
	size_t len = strlen(data);
	int fd, r = 0;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			r = -errno;
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/*
 * Heredoc sources (COPY <<EOF /dest), as BuildKit makes them: each a
 * 0644 file of its name, here in a private temporary directory, copied
 * from there with the line's flags.
 */
static int run_heredocs(struct cli *cli, const struct stagecp_df_instr *in)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	size_t i, made = 0;
	int dfd, r = 0;

	snprintf(dir, sizeof(dir), "%s/stagecp-heredoc.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		r = -errno;
		fprintf(stderr, "stagecp: %s: mkdtemp: %s\n", dir,
			strerror(-r));
		return r;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		r = -errno;
	for (i = 0; r == 0 && i < in->nheredocs; i++) {
		const char *name = in->heredoc_names[i];

		if (strchr(name, '/') || !strcmp(name, ".") ||
		    !strcmp(name, "..")) {
			fprintf(stderr, "stagecp: line %u: heredoc <<%s: not "
				"a file name\n", in->line, name);
			r = -EINVAL;
			break;
		}
		r = write_file(dfd, name, in->heredoc_contents[i]);
		if (r < 0)
			fprintf(stderr, "stagecp: %s/%s: write: %s\n", dir,
				name, strerror(-r));
		else
			made++;
	}
	if (r == 0) {
		cli->opt.from_root = dir;
		r = cli_run_copy(cli, in->heredoc_names, in->nheredocs,
				 in->copy.dest, (int)in->line);
	}
	for (i = 0; dfd >= 0 && i < made; i++)
		unlinkat(dfd, in->heredoc_names[i], 0);
	if (dfd >= 0)
		close(dfd);
	rmdir(dir);
	return r;
}

static int run_line(struct cli *cli, const struct stagecp_dockerfile *df,
		    const struct stagecp_df_instr *in)
{
	const struct stagecp_copy_line *l = &in->copy;
	struct stagecp_options saved = cli->opt;
	const struct stage *st;
	int r = 0;

	if (df->nstages) {
		st = l->from ? df_stage_for(cli, df, in) : NULL;
		if (st)
			cli->opt.from_root = st->root;
		if (in->workdir)
			cli->opt.workdir = in->workdir;
	} else {
		r = line_source(cli, l->from, &cli->opt.from_root);
	}
	if (r == 0) {
		/* The line's flags win; the command line's are defaults. */
		if (l->chown)
			cli->opt.chown = l->chown;
		if (l->chmod)
			cli->opt.chmod = l->chmod;
		cli->opt.link |= l->link;
		cli->opt.parents |= l->parents;
		if (l->nexcludes) {
			cli->opt.excludes = l->excludes;
			cli->opt.nexcludes = l->nexcludes;
		}
		cli->add = in->kind == STAGECP_DF_ADD && in->unpack;
		cli->instruction = in->keyword;
		if (l->nsrcs)
			r = cli_run_copy(cli, l->srcs, l->nsrcs, l->dest,
					 (int)l->line);
		if (r == 0 && in->nheredocs)
			r = run_heredocs(cli, in);
		cli->add = false;
		cli->instruction = NULL;
	}
	cli->opt = saved;
	return r;
}

/* WORKDIR of the target stage: its directory made in --to. */
static int make_workdir(struct cli *cli, const struct stagecp_df_instr *in)
{
	struct stagecp_ctx *ctx;
	int r = stagecp_new(&ctx, &cli->opt);

	if (r == 0) {
		r = stagecp_make_workdir(ctx, in->workdir);
		stagecp_free(ctx);
	}
	return r == -EINVAL ? -EIO : r;
}

static int parse_text(const struct cli *cli, const char *text,
		      struct stagecp_dockerfile **df, char *err, size_t errlen)
{
	return stagecp_dockerfile_parse(text, cli->target, cli->build_args,
					cli->nbuild_args, df, err, errlen);
}

static int check_text(struct cli *cli, const char *text, char *msg,
		      size_t msglen)
{
	struct stagecp_dockerfile *df;
	char err[256];
	int r = parse_text(cli, text, &df, err, sizeof(err));

	if (r < 0)
		return 0;
	for (size_t i = 0; r == 0 && i < df->ninstrs; i++) {
		struct stagecp_options o = cli->opt;

		if (!is_copy(df->instrs[i]))
			continue;
		o.chown = df->instrs[i]->copy.chown;
		r = stagecp_drop_capabilities(&o, msg, msglen);
	}
	stagecp_dockerfile_free(df);
	return r;
}

int cli_exec_check_caps(struct cli *cli, const char *file,
			const char *const *lines, size_t n, char *msg,
			size_t msglen)
{
	char *text = NULL;
	int r = 0;

	/* A file that cannot be read is reported when it is run. */
	if (file && strcmp(file, "-") && read_text(file, &text, false) == 0) {
		r = check_text(cli, text, msg, msglen);
		free(text);
	}
	if (r == 0 && n && join_lines(lines, n, &text) == 0) {
		r = check_text(cli, text, msg, msglen);
		free(text);
	}
	return r;
}

/* Parse text and run its instructions; what names it in messages. */
static int run_text(struct cli *cli, const char *what, const char *text)
{
	struct stagecp_dockerfile *df;
	char err[1024];
	int r;

	r = parse_text(cli, text, &df, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "stagecp: %s: %s\n", what,
			r == -EINVAL ? err : strerror(-r));
		return r;
	}
	r = check_stages(cli, what, df);
	for (size_t i = 0; r == 0 && i < df->ninstrs; i++) {
		const struct stagecp_df_instr *in = df->instrs[i];

		list_instr(cli, df, in);
		if (in->kind == STAGECP_DF_WORKDIR)
			r = make_workdir(cli, in);
		else if (is_copy(in))
			r = run_line(cli, df, in);
		if (r < 0)
			fprintf(stderr, "stagecp: %s: line %u: %s: "
				"failed, stopping\n", what, in->line,
				in->keyword);
	}
	stagecp_dockerfile_free(df);
	return r;
}

int cli_exec(struct cli *cli, const char *file, const char *const *lines,
	     size_t n)
{
	char *text = NULL;
	int r = 0;

	if (!file && !n) {
		fputs("stagecp: exec: no instructions: give -f FILE or COPY "
		      "instructions as arguments\n", stderr);
		return -EINVAL;
	}
	/* The file first, then the arguments, as the synopsis reads. */
	if (file) {
		r = read_text(file, &text, true);
		if (r < 0)
			return r == -ENOMEM ? r : -EIO;
		r = run_text(cli, file, text);
		free(text);
	}
	if (r == 0 && n) {
		r = join_lines(lines, n, &text);
		if (r == 0)
			r = run_text(cli, "COPY arguments", text);
		free(text);
	}
	return r;
}
