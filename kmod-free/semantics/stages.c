// SPDX-License-Identifier: MIT
/*
 * Stages and their state (see stages.h).  The order of the steps follows
 * dockerfile2llb: the global ARGs (buildMetaArgs), the FROM lines
 * expanded with them, the target, then each stage of the target's FROM
 * chain dispatched in order (dispatchArg, dispatchEnv, dispatchWorkdir,
 * and the COPY/ADD expansion of dispatch()).
 */
#include "semantics/stages.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seam/pathbuf.h"
#include "semantics/shlex.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
		     "/sbin:/bin"

#if defined(__x86_64__)
#define HOST_ARCH "amd64"
#elif defined(__aarch64__)
#define HOST_ARCH "arm64"
#elif defined(__i386__)
#define HOST_ARCH "386"
#elif defined(__arm__)
#define HOST_ARCH "arm"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ARCH "ppc64le"
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#else
#define HOST_ARCH "unknown"
#endif

/* --build-arg values, and which an ARG asked for. */
struct build_args {
	const char *const *kv;	/* "KEY=VALUE" */
	size_t n;
	bool *used;
};

static const char *build_arg(const struct build_args *ba, const char *key)
{
	size_t len = strlen(key);

	/* The last one given wins, as with repeated --build-arg. */
	for (size_t i = ba->n; i-- > 0;) {
		if (!strncmp(ba->kv[i], key, len) && ba->kv[i][len] == '=') {
			ba->used[i] = true;
			return ba->kv[i] + len + 1;
		}
	}
	return NULL;
}

struct eval {
	struct df_plan *p;
	struct build_args ba;
	struct shenv global;
	char escape;
	char *err;
	size_t errlen;
};

/* Expand word in env; errors get the line. */
static int expand(struct eval *ev, const struct df_instr *in,
		  const struct shenv *env, const char *word, char **out)
{
	char msg[512];
	int r = shlex_word(word, ev->escape, env, out, msg, sizeof(msg));

	if (r == -EINVAL) {
		struct df_err e = { ev->err, ev->errlen };

		df_fail(&e, in->raw->line, "%s", msg);
		df_err_keyword(&e, in->keyword);
	}
	return r;
}

static int fail_at(struct eval *ev, const struct df_instr *in,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail_at(struct eval *ev, const struct df_instr *in,
		   const char *fmt, ...)
{
	struct df_err e = { ev->err, ev->errlen };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	df_fail(&e, in->raw->line, "%s", msg);
	df_err_keyword(&e, in->keyword);
	return -EINVAL;
}

/*
 * One ARG into env: a build argument as given, else the default expanded
 * in env, else (without a default) the global ARG of that name.
 */
static int set_arg(struct eval *ev, const struct df_instr *in,
		   const struct df_kv *kv, struct shenv *env,
		   const struct shenv *global)
{
	const char *given = build_arg(&ev->ba, kv->key);
	char *v = NULL;
	int r;

	if (given)
		return shenv_set(env, kv->key, given);
	if (kv->value) {
		r = expand(ev, in, env, kv->value, &v);
		if (!r)
			r = shenv_set(env, kv->key, v);
		free(v);
		return r;
	}
	given = global ? shenv_get(global, kv->key) : NULL;
	return given ? shenv_set(env, kv->key, given) : 0;
}

/* The automatic platform ARGs, for the machine we were built for. */
static int platform_args(struct shenv *g)
{
	static const char *const keys[] = {
		"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
		"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
	};
	static const char *const vals[] = {
		"linux/" HOST_ARCH, "linux", HOST_ARCH, "",
		"linux/" HOST_ARCH, "linux", HOST_ARCH, "",
	};
	int r = 0;

	for (size_t i = 0; !r && i < sizeof(keys) / sizeof(keys[0]); i++)
		r = shenv_set(g, keys[i], vals[i]);
	return r;
}

/* buildMetaArgs: the ARGs before the first FROM. */
static int global_args(struct eval *ev, size_t *first_from)
{
	const struct df_file *f = &ev->p->file;
	size_t i, k;
	int r = platform_args(&ev->global);

	for (i = 0; !r && i < f->n && f->instrs[i].kind != DF_FROM; i++) {
		const struct df_instr *in = &f->instrs[i];

		if (in->kind != DF_ARG)
			return fail_at(ev, in, "%s", "no build stage in "
				       "current context");
		for (k = 0; !r && k < in->nkvs; k++)
			r = set_arg(ev, in, &in->kvs[k], &ev->global, NULL);
	}
	*first_from = i;
	return r;
}

static long stage_by_name(const struct df_plan *p, size_t below,
			  const char *name)
{
	for (size_t i = 0; i < below; i++)
		if (p->stages[i].name && !strcasecmp(p->stages[i].name, name))
			return (long)i;
	return -1;
}

/* The FROM lines: names, bases expanded with the global ARGs. */
static int find_stages(struct eval *ev, size_t first_from)
{
	struct df_plan *p = ev->p;
	const struct df_file *f = &p->file;
	size_t i, n = 0;
	int r;

	for (i = first_from; i < f->n; i++)
		n += f->instrs[i].kind == DF_FROM;
	p->stages = calloc(n, sizeof(*p->stages));
	if (!p->stages)
		return -ENOMEM;
	for (i = first_from; i < f->n; i++) {
		const struct df_instr *in = &f->instrs[i];
		struct df_stage *st = &p->stages[p->nstages];

		if (in->kind != DF_FROM)
			continue;
		if (in->name && stage_by_name(p, p->nstages, in->name) >= 0)
			return fail_at(ev, in, "duplicate stage name \"%s\"",
				       in->name);
		st->from = in;
		/* Counted now: df_plan_free() then frees what it holds. */
		p->nstages++;
		r = expand(ev, in, &ev->global, in->base, &st->base);
		if (r)
			return r;
		if (!*st->base)
			return fail_at(ev, in, "base name (%s) should not be "
				       "blank", in->base);
		st->base_stage = stage_by_name(p, p->nstages - 1, st->base);
		if (in->name) {
			st->name = strdup(in->name);
			if (!st->name)
				return -ENOMEM;
		}
	}
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int pick_target(struct eval *ev, const char *target)
{
	struct df_plan *p = ev->p;
	long i;

	p->target = p->nstages - 1;
	if (!target)
		return 0;
	i = stage_by_name(p, p->nstages, target);
	if (i < 0 && all_digits(target)) {
		i = strtol(target, NULL, 10);
		if (i >= (long)p->nstages)
			i = -1;
	}
	if (i < 0) {
		snprintf(ev->err, ev->errlen, "target stage \"%s\" could not "
			 "be found", target);
		return -EINVAL;
	}
	p->target = (size_t)i;
	return 0;
}

/* One stage's state while its instructions are dispatched. */
struct state {
	struct shenv env;
	char *workdir;
};

static void state_free(struct state *s)
{
	shenv_free(&s->env);
	free(s->workdir);
}

static int dispatch_arg(struct eval *ev, struct state *s,
			const struct df_instr *in)
{
	int r = 0;

	for (size_t k = 0; !r && k < in->nkvs; k++)
		r = set_arg(ev, in, &in->kvs[k], &s->env, &ev->global);
	return r;
}

static int dispatch_env(struct eval *ev, struct state *s,
			const struct df_instr *in)
{
	struct strv kv = { 0 };
	size_t k;
	int r = 0;

	/* The whole line is expanded before any of it is set. */
	for (k = 0; !r && k < in->nkvs; k++) {
		char *w = NULL;

		r = expand(ev, in, &s->env, in->kvs[k].key, &w);
		if (!r)
			r = strv_push(&kv, w);
		if (!r)
			r = expand(ev, in, &s->env, in->kvs[k].value, &w);
		if (!r)
			r = strv_push(&kv, w);
	}
	for (k = 0; !r && k + 1 < kv.n; k += 2)
		r = shenv_set(&s->env, kv.v[k], kv.v[k + 1]);
	strv_free(&kv);
	return r;
}

static int dispatch_workdir(struct eval *ev, struct state *s,
			    const struct df_instr *in)
{
	char *p, *wd;
	int r = expand(ev, in, &s->env, in->path, &p);

	if (r)
		return r;
	if (!*p) {
		free(p);
		return fail_at(ev, in, "%s", "normalizing workdir: cannot "
			       "normalize nothing");
	}
	wd = p[0] == '/' ? path_clean(p) : path_join_clean(s->workdir, p);
	free(p);
	if (!wd)
		return -ENOMEM;
	free(s->workdir);
	s->workdir = wd;
	return 0;
}

/* parseGitRef's schemes: git@host:, git://, ssh://, https://...git. */
static bool is_git_source(const char *s)
{
	if (!strncmp(s, "git@", 4) || !strncmp(s, "git://", 6) ||
	    !strncmp(s, "ssh://", 6))
		return true;
	return (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8)) &&
	       (strstr(s, ".git") || strchr(s, '#'));
}

static bool is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

/* The --from of a COPY: a stage by name or index, else an image. */
static int from_stage(struct eval *ev, const struct df_instr *in,
		      const char *from, long *out)
{
	const struct df_plan *p = ev->p;
	long i;

	*out = -1;
	if (!from)
		return 0;
	i = stage_by_name(p, p->nstages, from);
	if (i < 0 && all_digits(from)) {
		i = strtol(from, NULL, 10);
		if (i >= (long)p->nstages)
			return fail_at(ev, in, "invalid stage index %s", from);
	}
	if (i == (long)p->target)
		return fail_at(ev, in, "circular dependency detected on "
			       "stage: %s", from);
	*out = i;
	return 0;
}

static int expand_field(struct eval *ev, const struct df_instr *in,
			const struct shenv *env, const char *word, char **out)
{
	*out = NULL;
	if (!word || !*word)
		return 0;
	return expand(ev, in, env, word, out);
}

/* <<-: the leading tabs of every line go (ChompHeredocContent). */
static char *chomp_tabs(const char *s)
{
	struct sbuf b = { 0 };
	bool line_start = true;

	sb_add(&b, "", 0);
	for (; *s; s++) {
		if (line_start && *s == '\t')
			continue;
		line_start = *s == '\n';
		sb_addc(&b, *s);
	}
	return sb_take(&b);
}

/*
 * A source word that is a heredoc (<<EOF): its name and its content, as
 * BuildKit makes the file.  1 when it is one, 0 when not, or -errno.
 */
static int heredoc_source(struct eval *ev, struct state *s,
			  const struct df_instr *in, const char *word,
			  struct df_step *st)
{
	const struct df_heredoc *found = NULL;
	struct df_heredoc h;
	char *text, *data = NULL, msg[512];
	int r = df_heredoc_word(word, &h);

	if (r <= 0)
		return r;
	/* The last heredoc of that name, as BuildKit's lookup map has it. */
	for (size_t k = 0; k < in->raw->nheredocs; k++)
		if (!strcmp(in->raw->heredocs[k].name, h.name))
			found = &in->raw->heredocs[k];
	if (!found) {
		r = fail_at(ev, in, "heredoc %s has no content", h.name);
		goto free_name;
	}
	text = h.chomp ? chomp_tabs(found->content) : strdup(found->content);
	if (!text) {
		r = -ENOMEM;
		goto free_name;
	}
	if (found->expand) {
		r = shlex_heredoc(text, &s->env, &data, msg, sizeof(msg));
		free(text);
		if (r == -EINVAL)
			r = fail_at(ev, in, "%s", msg);
	} else {
		data = text;
		r = 0;
	}
	if (!r)
		r = strv_push(&st->heredoc_data, data);
	if (!r)
		r = strv_push(&st->heredoc_names, h.name);
	else
		free(h.name);
	return r ? r : 1;
free_name:
	free(h.name);
	return r;
}

/* COPY or ADD of the target stage, expanded. */
static int copy_step(struct eval *ev, struct state *s,
		     const struct df_instr *in, struct df_step *st)
{
	const struct copyline_instr *c = &in->copy;
	struct copyline_instr *o = &st->copy;
	bool add = in->kind == DF_ADD;
	size_t i;
	int r;

	*o = (struct copyline_instr){ .line = c->line, .link = c->link,
				      .parents = c->parents,
				      .json = c->json };
	st->workdir = strdup(s->workdir);
	o->srcs = calloc(c->nsrcs, sizeof(*o->srcs));
	o->excludes = calloc(c->nexcludes + 1, sizeof(*o->excludes));
	if (!st->workdir || !o->srcs || !o->excludes)
		return -ENOMEM;
	for (i = 0; i < c->nexcludes; i++) {
		o->excludes[i] = strdup(c->excludes[i]);
		if (!o->excludes[i])
			return -ENOMEM;
		o->nexcludes++;
	}
	if (c->from) {
		o->from = strdup(c->from);
		if (!o->from)
			return -ENOMEM;
	}
	r = from_stage(ev, in, c->from, &st->from_stage);
	if (!r)
		r = expand_field(ev, in, &s->env, c->chown, &o->chown);
	if (!r)
		r = expand_field(ev, in, &s->env, c->chmod, &o->chmod);
	for (i = 0; !r && i < c->nsrcs; i++) {
		const char *src;

		r = c->json ? 0 : heredoc_source(ev, s, in, c->srcs[i], st);
		if (r < 0)
			return r;
		if (r == 1) {
			r = 0;
			continue;
		}
		r = expand(ev, in, &s->env, c->srcs[i], &o->srcs[o->nsrcs]);
		if (r)
			break;
		src = o->srcs[o->nsrcs++];
		if (is_git_source(src) || is_url(src)) {
			if (!add)
				return fail_at(ev, in, "%s", is_git_source(src)
					       ? "source can't be a git ref "
						 "for COPY"
					       : "source can't be a URL for "
						 "COPY");
			return fail_at(ev, in, "ADD %s: remote sources (URLs "
				       "and git repositories) are not "
				       "supported: stagecp does no network "
				       "I/O", src);
		}
	}
	if (!r)
		r = expand(ev, in, &s->env, c->dest, &o->dest);
	if (r)
		return r;
	if (in->checksum && *in->checksum)
		return fail_at(ev, in, "%s", c->nsrcs > 1 ? "checksum can't "
			       "be specified for multiple sources" :
			       "checksum requires HTTP(S) or Git sources");
	st->unpack = add && (!in->unpack_set || in->unpack);
	return 0;
}

static int push_step(struct df_plan *p, const struct df_instr *in,
		     struct df_step **out)
{
	struct df_step *n = p->steps;

	if (p->nsteps == p->steps_cap) {
		size_t cap = p->steps_cap ? p->steps_cap * 2 : 16;

		n = realloc(p->steps, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->steps = n;
		p->steps_cap = cap;
	}
	*out = &n[p->nsteps++];
	memset(*out, 0, sizeof(**out));
	(*out)->in = in;
	(*out)->from_stage = -1;
	return 0;
}

/* One stage's instructions; the target's become steps. */
static int dispatch_stage(struct eval *ev, size_t idx, struct state *s)
{
	struct df_plan *p = ev->p;
	const struct df_file *f = &p->file;
	bool target = idx == p->target;
	size_t i = (size_t)(p->stages[idx].from - f->instrs);
	struct df_step *st;
	int r = 0;

	if (target)
		r = push_step(p, &f->instrs[i], &st);
	for (i++; !r && i < f->n && f->instrs[i].kind != DF_FROM; i++) {
		const struct df_instr *in = &f->instrs[i];

		switch (in->kind) {
		case DF_ARG:
			r = dispatch_arg(ev, s, in);
			break;
		case DF_ENV:
			r = dispatch_env(ev, s, in);
			break;
		case DF_WORKDIR:
			r = dispatch_workdir(ev, s, in);
			break;
		default:
			break;
		}
		if (r || !target)
			continue;
		r = push_step(p, in, &st);
		if (!r && (in->kind == DF_COPY || in->kind == DF_ADD))
			r = copy_step(ev, s, in, st);
		if (!r && in->kind == DF_WORKDIR) {
			st->workdir = strdup(s->workdir);
			r = st->workdir ? 0 : -ENOMEM;
		}
	}
	return r;
}

/* The target's FROM chain, root first, each stage in turn. */
static int dispatch(struct eval *ev)
{
	struct df_plan *p = ev->p;
	size_t *chain = calloc(p->nstages, sizeof(*chain)), n = 0;
	struct state s = { 0 };
	long i;
	int r;

	if (!chain)
		return -ENOMEM;
	for (i = (long)p->target; i >= 0 && n < p->nstages;
	     i = p->stages[i].base_stage)
		chain[n++] = (size_t)i;
	s.workdir = strdup("/");
	r = s.workdir ? shenv_set(&s.env, "PATH", DEFAULT_PATH) : -ENOMEM;
	while (!r && n > 0)
		r = dispatch_stage(ev, chain[--n], &s);
	state_free(&s);
	free(chain);
	return r;
}

/* A text without FROM: COPY lines, as stagecp_parse_copy_lines reads. */
static int copy_lines(struct df_plan *p, const char *text, char *err,
		      size_t errlen)
{
	struct copyline_list list;
	size_t i;
	int r;

	r = copyline_parse(text, &list, err, errlen);
	for (i = 0; !r && i < list.count; i++) {
		struct df_step *st;

		r = push_step(p, &p->file.instrs[i], &st);
		if (r)
			break;
		st->copy = list.instrs[i];
		memset(&list.instrs[i], 0, sizeof(list.instrs[i]));
	}
	if (!r)
		copyline_list_free(&list);
	return r;
}

static void step_free(struct df_step *st)
{
	strv_free(&st->heredoc_names);
	strv_free(&st->heredoc_data);
	free(st->workdir);
	copyline_instr_free(&st->copy);
}

void df_plan_free(struct df_plan *p)
{
	size_t i;

	for (i = 0; i < p->nsteps; i++)
		step_free(&p->steps[i]);
	free(p->steps);
	for (i = 0; i < p->nstages; i++) {
		free(p->stages[i].name);
		free(p->stages[i].base);
	}
	free(p->stages);
	strv_free(&p->unused_args);
	df_file_free(&p->file);
	memset(p, 0, sizeof(*p));
}

static int note_unused(struct eval *ev)
{
	for (size_t i = 0; i < ev->ba.n; i++) {
		const char *kv = ev->ba.kv[i], *eq = strchr(kv, '=');
		int r;

		if (ev->ba.used[i])
			continue;
		r = strv_push(&ev->p->unused_args,
			      strndup(kv, eq ? (size_t)(eq - kv) : strlen(kv)));
		if (r)
			return r;
	}
	return 0;
}

int df_plan_make(const char *text, const char *target,
		 const char *const *build_args, size_t nbuild_args,
		 struct df_plan *out, char *err, size_t errlen)
{
	struct eval ev = { .p = out, .err = err, .errlen = errlen,
			   .ba = { build_args, nbuild_args, NULL } };
	size_t first_from = 0, i;
	int r;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nbuild_args; i++) {
		if (!strchr(build_args[i], '=') || build_args[i][0] == '=') {
			snprintf(err, errlen, "--build-arg=%s: expected "
				 "KEY=VALUE", build_args[i]);
			return -EINVAL;
		}
	}
	ev.ba.used = calloc(nbuild_args + 1, sizeof(bool));
	if (!ev.ba.used)
		return -ENOMEM;
	r = df_parse(text, &out->file, err, errlen);
	if (r)
		goto free_eval;
	ev.escape = out->file.text.escape;
	for (i = 0; i < out->file.n; i++)
		if (out->file.instrs[i].kind == DF_FROM)
			break;
	if (i == out->file.n) {
		if (target) {
			snprintf(err, errlen, "target stage \"%s\" could not "
				 "be found: the file has no FROM", target);
			r = -EINVAL;
		} else {
			r = copy_lines(out, text, err, errlen);
		}
		goto free_eval;
	}
	r = global_args(&ev, &first_from);
	if (!r)
		r = find_stages(&ev, first_from);
	if (!r)
		r = pick_target(&ev, target);
	if (!r)
		r = dispatch(&ev);
	if (!r)
		r = note_unused(&ev);
free_eval:
	free(ev.ba.used);
	shenv_free(&ev.global);
	if (r)
		df_plan_free(out);
	return r;
}
