// SPDX-License-Identifier: MIT
/*
 * stagecp exec: Dockerfile COPY instructions run in order, each with the
 * flags written on its line, over the roots and options of the command
 * line.  The first failure stops the run and names its line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#include "cli.h"

/* Instruction files are small: a cap keeps a wrong file from hurting. */
#define EXEC_MAX_TEXT (64u << 20)

static int read_text(const char *file, char **text)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int r = 0;

	if (!f) {
		r = -errno;
		fprintf(stderr, "stagecp: %s: open: %s\n", file, strerror(-r));
		return r;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *nb = cap < EXEC_MAX_TEXT ? realloc(buf, cap + 65536)
						       : NULL;

			if (!nb) {
				r = -EFBIG;
				break;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	if (f != stdin)
		fclose(f);
	if (r < 0) {
		fprintf(stderr, "stagecp: %s: read: %s\n", file, strerror(-r));
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

/*
 * A COPY line's --from: a stage name (case-insensitive), else the index of
 * a --stage, else a directory.  Without one, the command line's source.
 */
static int line_source(const struct cli *cli, const char *from,
		       const char **root)
{
	const char *named = cli_stage_root(cli, from);
	char *end;
	long idx;

	*root = cli->opt.from_root;
	if (!from)
		return 0;
	if (named != from) {
		*root = named;
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

static int run_line(struct cli *cli, const struct stagecp_copy_line *l)
{
	struct stagecp_options saved = cli->opt;
	int r;

	r = line_source(cli, l->from, &cli->opt.from_root);
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
		r = cli_run_copy(cli, l->srcs, l->nsrcs, l->dest, (int)l->line);
	}
	cli->opt = saved;
	return r;
}

static int check_text(struct cli *cli, const char *text, char *msg,
		      size_t msglen)
{
	struct stagecp_copy_lines list;
	char err[256];
	int r = stagecp_parse_copy_lines(text, &list, err, sizeof(err));

	if (r < 0)
		return 0;
	for (size_t i = 0; r == 0 && i < list.n; i++) {
		struct stagecp_options o = cli->opt;

		o.chown = list.v[i].chown;
		r = stagecp_drop_capabilities(&o, msg, msglen);
	}
	stagecp_copy_lines_free(&list);
	return r;
}

int cli_exec_check_caps(struct cli *cli, const char *file,
			const char *const *lines, size_t n, char *msg,
			size_t msglen)
{
	char *text = NULL;
	int r = 0;

	if (file && strcmp(file, "-") && read_text(file, &text) == 0) {
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
	struct stagecp_copy_lines list;
	char err[1024];
	int r;

	r = stagecp_parse_copy_lines(text, &list, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "stagecp: %s: parse: %s\n", what,
			r == -EINVAL ? err : strerror(-r));
		return r;
	}
	for (size_t i = 0; i < list.n; i++) {
		r = run_line(cli, &list.v[i]);
		if (r < 0) {
			fprintf(stderr, "stagecp: %s: line %u: copy failed, "
				"stopping\n", what, list.v[i].line);
			break;
		}
	}
	stagecp_copy_lines_free(&list);
	return r;
}

int cli_exec(struct cli *cli, const char *file, const char *const *lines,
	     size_t n)
{
	char *text = NULL;
	int r = 0;

	if (!file && !n) {
		fputs("stagecp: exec: no COPY instructions: give -f FILE or "
		      "instructions as arguments\n", stderr);
		return -EINVAL;
	}
	/* The file first, then the arguments, as the synopsis reads. */
	if (file) {
		r = read_text(file, &text);
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
