// SPDX-License-Identifier: MIT
/* What stagecp prints: messages, -v lines, --stats, --json, progress. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "json.h"
#include "output.h"

void cli_put_path(FILE *f, const char *p)
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

void cli_progress_clear(struct cli *cli)
{
	if (cli->progress_shown) {
		fputs("\r\033[K", stderr);
		cli->progress_shown = false;
	}
}

static void keep_error(struct cli *cli, const struct stagecp_error *e)
{
	struct kept_error *v = realloc(cli->errors, (cli->nerrors + 1) *
						    sizeof(*v));

	if (!v)
		return;
	cli->errors = v;
	v[cli->nerrors] = (struct kept_error){
		.path = strdup(e->path),
		.op = strdup(e->op),
		.msg = e->msg ? strdup(e->msg) : NULL,
		.err = e->err,
	};
	/* The same lower-case reason as the message on stderr. */
	snprintf(v[cli->nerrors].reason, sizeof(v[cli->nerrors].reason), "%s",
		 strerror(e->err));
	v[cli->nerrors].reason[0] =
		(char)tolower((unsigned char)v[cli->nerrors].reason[0]);
	cli->nerrors++;
}

static void kept_entries_free(struct cli *cli)
{
	for (size_t i = 0; i < cli->nentries; i++) {
		free(cli->entries[i].src);
		free(cli->entries[i].dst);
	}
	free(cli->entries);
	cli->entries = NULL;
	cli->nentries = 0;
}

void cli_kept_free(struct cli *cli)
{
	kept_entries_free(cli);
	for (size_t i = 0; i < cli->nerrors; i++) {
		free(cli->errors[i].path);
		free(cli->errors[i].op);
		free(cli->errors[i].msg);
	}
	free(cli->errors);
	cli->errors = NULL;
	cli->nerrors = 0;
}

/*
 * strerror's text in lower case, as our messages are.  An engine text may
 * quote a path: it is escaped like one.
 */
static void put_reason(FILE *f, const struct stagecp_error *e)
{
	const char *s = e->msg ? e->msg : strerror(e->err);

	if (!e->msg && *s) {
		fputc(tolower((unsigned char)*s), f);
		s++;
	}
	cli_put_path(f, s);
}

void cli_on_error(void *arg, const struct stagecp_error *e)
{
	struct cli *cli = arg;

	if (!e->warning)
		keep_error(cli, e);
	if (e->warning && cli->quiet)
		return;
	cli_progress_clear(cli);
	fputs("stagecp: ", stderr);
	if (e->warning)
		fputs("warning: ", stderr);
	cli_put_path(stderr, e->path);
	fprintf(stderr, ": %s: ", e->op);
	put_reason(stderr, e);
	fputc('\n', stderr);
}

/* A regular file with data is named by its mover, the rest by type. */
static const char *entry_label(const struct stagecp_entry *e)
{
	if (e->type == STAGECP_ENTRY_FILE && e->method != STAGECP_METHOD_NONE)
		return stagecp_method_name(e->method);
	return stagecp_entry_type_name(e->type);
}

/* With --json, stdout holds the JSON document alone: entries go in it. */
static void keep_entry(struct cli *cli, const struct stagecp_entry *e,
		       const char *action)
{
	struct kept_entry *v = realloc(cli->entries, (cli->nentries + 1) *
						     sizeof(*v));

	if (!v)
		return;
	cli->entries = v;
	v[cli->nentries++] = (struct kept_entry){
		.action = action,
		.label = entry_label(e),
		.src = strdup(e->src),
		.dst = strdup(e->dst),
	};
}

void cli_on_dry_entry(void *arg, const struct stagecp_entry *e)
{
	struct cli *cli = arg;

	if (cli->json) {
		keep_entry(cli, e, stagecp_action_name(e->action));
		return;
	}
	printf("%s ", stagecp_action_name(e->action));
	cli_on_entry(arg, e);
}

void cli_on_entry(void *arg, const struct stagecp_entry *e)
{
	struct cli *cli = arg;

	if (cli->json) {
		keep_entry(cli, e, NULL);
		return;
	}
	printf("%s ", entry_label(e));
	cli_put_path(stdout, e->src);
	fputs(" -> ", stdout);
	cli_put_path(stdout, e->dst);
	putchar('\n');
}

static uint64_t total_entries(const struct stagecp_stats *st)
{
	uint64_t n = 0;

	for (int i = 0; i < STAGECP_ENTRY_TYPE_COUNT; i++)
		n += st->entries[i];
	return n;
}

static double per_second(double n, uint64_t ns)
{
	return ns ? n * 1e9 / (double)ns : 0;
}

void cli_on_progress(void *arg, const struct stagecp_stats *st,
		     enum stagecp_method last)
{
	struct cli *cli = arg;
	double secs = (double)st->elapsed_ns / 1e9;

	/* Auto mode waits a second: short copies print nothing. */
	if (cli->progress < 0 && secs < 1.0)
		return;
	fprintf(stderr, "\r\033[K%" PRIu64 " entries, %.1f MiB, "
		"%.1f MiB/s, %s", total_entries(st),
		(double)st->bytes / (1 << 20),
		per_second((double)st->bytes, st->elapsed_ns) / (1 << 20),
		last == STAGECP_METHOD_NONE ? "-" : stagecp_method_name(last));
	cli->progress_shown = true;
}

/* The workers' time by phase, summed over workers; its total. */
static uint64_t phase_times(struct stagecp_ctx *ctx,
			    uint64_t ns[STAGECP_PHASE_COUNT])
{
	uint64_t sum = 0;

	stagecp_get_phase_ns(ctx, ns, STAGECP_PHASE_COUNT);
	for (int i = 0; i < STAGECP_PHASE_COUNT; i++)
		sum += ns[i];
	return sum;
}

void cli_print_stats(struct stagecp_ctx *ctx, const struct stagecp_stats *st)
{
	uint64_t ns[STAGECP_PHASE_COUNT], sum = phase_times(ctx, ns);
	static const enum stagecp_method movers[] = {
		STAGECP_METHOD_CLONE, STAGECP_METHOD_COPY_RANGE,
		STAGECP_METHOD_READ_WRITE,
	};
	const uint64_t *n = st->entries;
	double secs = (double)st->elapsed_ns / 1e9;

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
	/* Worker time: with N workers it adds up to about N x elapsed. */
	for (int i = 0; i < STAGECP_PHASE_COUNT; i++)
		printf("phase %s: %.3f s (%.1f%%)\n", stagecp_phase_name(i),
		       (double)ns[i] / 1e9,
		       sum ? 100.0 * (double)ns[i] / (double)sum : 0.0);
	printf("throughput: %.2f MiB/s, %.0f entries/s\n",
	       per_second((double)st->bytes, st->elapsed_ns) / (1 << 20),
	       per_second((double)total_entries(st), st->elapsed_ns));
}

static const char *strategy_name(enum stagecp_strategy s)
{
	static const char *const names[] = { "auto", "clone", "copy", "rw",
					     "hardlink" };

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s]
								  : "?";
}

static void json_options(struct json *j, const struct cli *cli,
			 struct stagecp_ctx *ctx, const char *const *srcs,
			 size_t nsrcs, const char *dest)
{
	const struct stagecp_options *o = &cli->opt;

	json_key_object(j, "options");
	json_str(j, "from", o->from_root ? o->from_root : ".");
	json_str(j, "to", o->to_root ? o->to_root : "/");
	/* The one used: a defaulted workdir is known to the context. */
	json_str(j, "workdir", ctx ? stagecp_workdir(ctx) : o->workdir);
	json_key_array(j, "sources");
	for (size_t i = 0; i < nsrcs; i++)
		json_str_elem(j, srcs[i]);
	json_close_array(j);
	json_str(j, "dest", dest);
	json_str(j, "chown", o->chown);
	json_str(j, "chmod", o->chmod);
	json_key_array(j, "exclude");
	for (size_t i = 0; i < o->nexcludes; i++)
		json_str_elem(j, o->excludes[i]);
	json_close_array(j);
	json_bool(j, "parents", o->parents);
	json_bool(j, "link", o->link);
	json_str(j, "strategy", strategy_name(o->strategy));
	json_close_object(j);
}

static void json_pairs(struct json *j, struct stagecp_ctx *ctx)
{
	struct stagecp_fs_pair pairs[64];
	size_t n = stagecp_fs_pairs(ctx, pairs, 64);
	char dev[32];

	if (stagecp_source_description(ctx))
		json_str(j, "source", stagecp_source_description(ctx));
	json_key_array(j, "methods");
	for (size_t i = 0; i < n && i < 64; i++) {
		json_object_in_array(j);
		snprintf(dev, sizeof(dev), "%u:%u", major(pairs[i].src_dev),
			 minor(pairs[i].src_dev));
		json_str(j, "source_dev", dev);
		snprintf(dev, sizeof(dev), "%u:%u", major(pairs[i].dst_dev),
			 minor(pairs[i].dst_dev));
		json_str(j, "dest_dev", dev);
		json_str(j, "method", stagecp_method_name(pairs[i].method));
		json_close_object(j);
	}
	json_close_array(j);
}

void cli_print_json(struct cli *cli, struct stagecp_ctx *ctx,
		    const struct stagecp_stats *st, const char *const *srcs,
		    size_t nsrcs, const char *dest, int line)
{
	struct json j;
	double secs = (double)st->elapsed_ns / 1e9;

	json_begin(&j, stdout);
	json_str(&j, "version", STAGECP_VERSION);
	if (line > 0)
		json_u64(&j, "line", (uint64_t)line);
	if (cli->instruction)
		json_str(&j, "instruction", cli->instruction);
	json_options(&j, cli, ctx, srcs, nsrcs, dest);
	json_key_object(&j, "entries");
	for (int i = 0; i < STAGECP_ENTRY_TYPE_COUNT; i++)
		json_u64(&j, stagecp_entry_type_name(i), st->entries[i]);
	json_close_object(&j);
	json_key_object(&j, "bytes");
	json_u64(&j, "logical", st->bytes);
	json_u64(&j, "cloned", st->bytes_by_method[STAGECP_METHOD_CLONE]);
	json_u64(&j, "copied_in_kernel",
		 st->bytes_by_method[STAGECP_METHOD_COPY_RANGE]);
	json_u64(&j, "copied_userspace",
		 st->bytes_by_method[STAGECP_METHOD_READ_WRITE]);
	json_u64(&j, "hardlinked",
		 st->bytes_by_method[STAGECP_METHOD_HARDLINK]);
	json_close_object(&j);
	json_key_object(&j, "movers");
	for (int i = STAGECP_METHOD_CLONE; i < STAGECP_METHOD_COUNT; i++) {
		json_key_object(&j, stagecp_method_name(i));
		json_u64(&j, "files", st->files_by_method[i]);
		json_u64(&j, "bytes", st->bytes_by_method[i]);
		json_close_object(&j);
	}
	json_close_object(&j);
	if (ctx) {
		uint64_t ns[STAGECP_PHASE_COUNT];

		phase_times(ctx, ns);
		json_key_object(&j, "phases_s");
		for (int i = 0; i < STAGECP_PHASE_COUNT; i++)
			json_double(&j, stagecp_phase_name(i),
				    (double)ns[i] / 1e9);
		json_close_object(&j);
		json_pairs(&j, ctx);
	}
	json_double(&j, "elapsed_s", secs);
	json_double(&j, "entries_per_s",
		    per_second((double)total_entries(st), st->elapsed_ns));
	/* --dry-run: the plan; -v: the entries copied. */
	if (cli->opt.flags & STAGECP_F_DRY_RUN || cli->verbose) {
		json_key_array(&j, cli->opt.flags & STAGECP_F_DRY_RUN ?
				   "plan" : "copied");
		for (size_t i = 0; i < cli->nentries; i++) {
			const struct kept_entry *e = &cli->entries[i];

			json_object_in_array(&j);
			if (e->action)
				json_str(&j, "action", e->action);
			json_str(&j, "type", e->label);
			json_str(&j, "source", e->src);
			json_str(&j, "dest", e->dst);
			json_close_object(&j);
		}
		json_close_array(&j);
	}
	json_key_array(&j, "errors");
	for (size_t i = 0; i < cli->nerrors; i++) {
		struct kept_error *e = &cli->errors[i];

		json_object_in_array(&j);
		json_str(&j, "path", e->path);
		json_str(&j, "op", e->op);
		json_str(&j, "errno", e->err ? strerrorname_np(e->err) : NULL);
		json_str(&j, "message", e->msg ? e->msg : e->reason);
		json_close_object(&j);
	}
	json_close_array(&j);
	json_u64(&j, "warnings", st->warnings);
	json_end(&j);
	/* The next instruction's document has its own entries. */
	kept_entries_free(cli);
}
