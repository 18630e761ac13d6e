// SPDX-License-Identifier: MIT
/*
 * Dockerfile instructions (see dockerfile.h).  For COPY and ADD the steps
 * follow BuildKit's frontend in order, because the order decides which
 * error a bad line gets: the keyword and the flag words (splitCommand,
 * extractBuilderFlags), the JSON or word arguments (parseMaybeJSONToList),
 * the argument count, the flag values (BFlags.Parse), heredocs, and the
 * --from check.
 */
#include "semantics/dockerfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "semantics/dfjson.h"
#include "semantics/gomatch.h"
#include "semantics/strbuf.h"

struct parser {
	char escape;		/* '\' or '`' */
	const struct df_err *err;
};

static bool is_ascii_space(char c)
{
	return df_is_blank(c) || c == '\n';
}

/* BuildKit's extractBuilderFlags: the leading "--" words, unquoted. */
static int extract_flags(const struct parser *ps, const char *s, size_t n,
			 struct strv *flags, size_t *args_off)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	struct sbuf w = { 0 };
	bool blank_ok = false;
	char quote = 0;
	size_t pos;
	int err = 0;

	*args_off = n;
	for (pos = 0; pos <= n && !err; pos++) {
		char c = pos < n ? s[pos] : 0;

		if (phase == IN_SPACES) {
			if (pos == n)
				break;
			if (is_ascii_space(c))
				continue;
			/* Only words that start with "--" are flags. */
			if (c != '-' || pos + 1 == n || s[pos + 1] != '-') {
				*args_off = pos;
				break;
			}
			phase = IN_WORD;
		}
		if (pos == n) {
			if ((w.n != 2 || memcmp(w.p, "--", 2)) &&
			    (blank_ok || w.n > 0))
				err = strv_push(flags, sb_dup(&w));
			break;
		}
		if (phase == IN_WORD) {
			if (is_ascii_space(c)) {
				phase = IN_SPACES;
				/* "--" ends the flags. */
				if (w.n == 2 && !memcmp(w.p, "--", 2)) {
					*args_off = pos;
					break;
				}
				if (blank_ok || w.n > 0)
					err = strv_push(flags, sb_dup(&w));
				w.n = 0;
				blank_ok = false;
				continue;
			}
			if (c == '\'' || c == '"') {
				quote = c;
				blank_ok = true;
				phase = IN_QUOTE;
				continue;
			}
			if (c == ps->escape) {
				if (pos + 1 == n)
					continue;	/* a last escape goes */
				c = s[++pos];
			}
			sb_addc(&w, c);
			continue;
		}
		/* IN_QUOTE: the escape still works inside quotes. */
		if (c == quote) {
			phase = IN_WORD;
			continue;
		}
		if (c == ps->escape) {
			if (pos + 1 == n) {
				phase = IN_WORD;
				continue;
			}
			c = s[++pos];
		}
		sb_addc(&w, c);
	}
	if (!err && w.oom)
		err = -ENOMEM;
	sb_free(&w);
	return err;
}

/* --- flags --- */

enum flag_type { FLAG_BOOL, FLAG_STRING, FLAG_STRINGS };

struct flag_def {
	const char *name;
	enum flag_type type;
};

#define MAX_FLAGS 8

/* In the order BuildKit adds them; a suggestion prefers earlier ones. */
static const struct flag_def copy_flags[] = {
	{ "chown", FLAG_STRING }, { "from", FLAG_STRING },
	{ "chmod", FLAG_STRING }, { "link", FLAG_BOOL },
	{ "exclude", FLAG_STRINGS }, { "parents", FLAG_BOOL }, { NULL, 0 },
};

static const struct flag_def add_flags[] = {
	{ "chown", FLAG_STRING }, { "chmod", FLAG_STRING },
	{ "link", FLAG_BOOL }, { "keep-git-dir", FLAG_BOOL },
	{ "checksum", FLAG_STRING }, { "unpack", FLAG_BOOL },
	{ "exclude", FLAG_STRINGS }, { NULL, 0 },
};

static const struct flag_def from_flags[] = {
	{ "platform", FLAG_STRING }, { NULL, 0 },
};

static const struct flag_def no_flags[] = { { NULL, 0 } };

/* The values BFlags.Parse found, by position in the table. */
struct flag_vals {
	bool used[MAX_FLAGS];
	bool b[MAX_FLAGS];
	char *s[MAX_FLAGS];
	struct strv list;	/* the one FLAG_STRINGS flag */
};

static void flag_vals_free(struct flag_vals *fv)
{
	for (size_t i = 0; i < MAX_FLAGS; i++)
		free(fv->s[i]);
	strv_free(&fv->list);
}

/* Take the string of flag name (NULL when not given). */
static char *flag_take(const struct flag_def *defs, struct flag_vals *fv,
		       const char *name)
{
	for (size_t i = 0; defs[i].name; i++) {
		if (!strcmp(defs[i].name, name)) {
			char *s = fv->s[i];

			fv->s[i] = NULL;
			return s;
		}
	}
	return NULL;
}

static bool flag_bool(const struct flag_def *defs, const struct flag_vals *fv,
		      const char *name, bool *used)
{
	for (size_t i = 0; defs[i].name; i++) {
		if (!strcmp(defs[i].name, name)) {
			if (used)
				*used = fv->used[i];
			return fv->b[i];
		}
	}
	return false;
}

static size_t distance(const char *a, const char *b)
{
	uint32_t ra[16], rb[16];
	size_t na = 0, nb = 0, i, k, row[17], prev, tmp, la = strlen(a),
	       lb = strlen(b);

	for (i = 0; i < la; na++) {
		if (na == 16)
			return SIZE_MAX;
		i += gomatch_decode_rune(a + i, la - i, &ra[na]);
	}
	for (i = 0; i < lb; nb++) {
		if (nb == 16)
			return SIZE_MAX;
		i += gomatch_decode_rune(b + i, lb - i, &rb[nb]);
	}
	for (k = 0; k <= nb; k++)
		row[k] = k;
	for (i = 1; i <= na; i++) {
		prev = row[0];
		row[0] = i;
		for (k = 1; k <= nb; k++) {
			size_t best = prev + (ra[i - 1] != rb[k - 1]);

			if (row[k] + 1 < best)
				best = row[k] + 1;
			if (row[k - 1] + 1 < best)
				best = row[k - 1] + 1;
			tmp = row[k];
			row[k] = best;
			prev = tmp;
		}
	}
	return row[nb];
}

/* BuildKit's suggest.Search: the closest flag within distance 2. */
static const char *suggest_flag(const struct flag_def *defs, const char *name)
{
	size_t i, best = 3, d;
	const char *match = NULL;

	for (i = 0; defs[i].name; i++) {
		d = distance(name, defs[i].name);
		if (d < best) {
			best = d;
			match = defs[i].name;
		}
	}
	return match;
}


/* BFlags.Parse over the flag words. */
static int parse_flags(const struct parser *ps, unsigned int lineno,
		       const struct flag_def *defs, const struct strv *words,
		       struct flag_vals *fv)
{
	size_t i, f;
	int err;

	for (i = 0; i < words->n; i++) {
		char *a = words->v[i], *eq, *name, *value;
		const char *hint;

		if (strncmp(a, "--", 2))
			return df_fail(ps->err, lineno, "arg should start with "
				       "-- : %s", a);
		eq = strchr(a, '=');
		if (eq)
			*eq = '\0';
		name = a + 2;
		value = eq ? eq + 1 : NULL;
		for (f = 0; defs[f].name; f++)
			if (!strcmp(name, defs[f].name))
				break;
		if (!defs[f].name) {
			hint = suggest_flag(defs, name);
			if (hint)
				return df_fail(ps->err, lineno, "unknown flag: "
					       "%s (did you mean %s?)", a,
					       hint);
			return df_fail(ps->err, lineno, "unknown flag: %s", a);
		}
		if (fv->used[f] && defs[f].type != FLAG_STRINGS)
			return df_fail(ps->err, lineno, "duplicate flag "
				       "specified: %s", a);
		fv->used[f] = true;
		if (defs[f].type == FLAG_BOOL) {
			if (value && !*value)
				return df_fail(ps->err, lineno, "missing a "
					       "value on flag: %s", a);
			if (!value || !strcasecmp(value, "true")) {
				fv->b[f] = true;
			} else if (!strcasecmp(value, "false")) {
				fv->b[f] = false;
			} else {
				return df_fail(ps->err, lineno, "expecting "
					       "boolean value for flag %s, "
					       "not: %s", a, value);
			}
			continue;
		}
		if (!value)
			return df_fail(ps->err, lineno, "missing a value on "
				       "flag: %s", a);
		if (defs[f].type == FLAG_STRINGS) {
			err = strv_push(&fv->list, strdup(value));
			if (err)
				return err;
			continue;
		}
		free(fv->s[f]);
		fv->s[f] = strdup(value);
		if (!fv->s[f])
			return -ENOMEM;
	}
	return 0;
}

/*
 * ProcessWord without variables: quotes and escapes removed, '$' kept.
 * Returns 0, -EINVAL (message in ps) or -ENOMEM.
 */
static int process_word(const struct parser *ps, unsigned int lineno,
			const char *word, char **out)
{
	struct sbuf b = { 0 }, q = { 0 };
	const char *s = word, *what = NULL;
	int err;

	sb_add(&b, "", 0);
	while (*s) {
		if (*s == '\'') {
			const char *close = strchr(s + 1, '\'');

			if (!close) {
				what = "single-quote";
				break;
			}
			sb_add(&b, s + 1, close - s - 1);
			s = close + 1;
		} else if (*s == '"') {
			for (s++;; s++) {
				if (!*s) {
					what = "double-quote";
					break;
				}
				if (*s == '"') {
					s++;
					break;
				}
				/* \", \$ and \\ only; other escapes stay. */
				if (*s == ps->escape && (s[1] == '"' ||
				    s[1] == '$' || s[1] == ps->escape))
					s++;
				else if (*s == ps->escape && !s[1])
					continue;
				sb_addc(&b, *s);
			}
			if (what)
				break;
		} else if (*s == ps->escape) {
			if (!s[1])
				break;
			sb_addc(&b, s[1]);
			s += 2;
		} else {
			sb_addc(&b, *s++);
		}
	}
	if (what) {
		sb_add_quoted(&q, word);
		err = q.oom ? -ENOMEM :
		      df_fail(ps->err, lineno, "failed to process %s: unexpected end "
			   "of statement while looking for matching %s", q.p,
			   what);
		sb_free(&q);
		sb_free(&b);
		return err;
	}
	*out = sb_dup(&b);
	sb_free(&b);
	return *out ? 0 : -ENOMEM;
}

/* Would the shell lexer expand something in s?  '$' then a name start. */
static bool has_variable(const char *s)
{
	for (; (s = strchr(s, '$')); s++) {
		unsigned char c = (unsigned char)s[1];

		if (c == '{' || c == '_' || c >= 0x80 ||
		    (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
						 (c | 0x20) <= 'z') ||
		    (c && strchr("@*#?-$!", c)))
			return true;
	}
	return false;
}


void copyline_instr_free(struct copyline_instr *in)
{
	size_t i;

	free(in->from);
	free(in->chown);
	free(in->chmod);
	for (i = 0; i < in->nexcludes; i++)
		free(in->excludes[i]);
	free(in->excludes);
	for (i = 0; i < in->nsrcs; i++)
		free(in->srcs[i]);
	free(in->srcs);
	free(in->dest);
	memset(in, 0, sizeof(*in));
}

/* Split s[0..n) at runs of [\t\v\f\r ]. */
static int split_words(const char *s, size_t n, struct strv *out)
{
	size_t pos = 0, start;
	int err;

	while (pos < n && df_is_blank(s[pos]))
		pos++;
	while (pos < n) {
		start = pos;
		while (pos < n && !df_is_blank(s[pos]))
			pos++;
		err = strv_push(out, strndup(s + start, pos - start));
		if (err)
			return err;
		while (pos < n && df_is_blank(s[pos]))
			pos++;
	}
	return 0;
}

/*
 * parseWords of BuildKit's line parsers (ARG, ENV, LABEL): words split at
 * white space outside quotes, quotes and escapes kept for the lexer.
 */
static int parse_words(const struct parser *ps, const char *s,
		       struct strv *out)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	struct sbuf w = { 0 };
	bool blank_ok = false;
	char quote = 0;
	int err = 0;

	for (;; s++) {
		char c = *s;

		if (phase == IN_SPACES) {
			if (!c)
				break;
			if (is_ascii_space(c))
				continue;
			phase = IN_WORD;
		}
		if (!c) {
			if (blank_ok || w.n)
				err = strv_push(out, sb_dup(&w));
			break;
		}
		if (phase == IN_WORD) {
			if (is_ascii_space(c)) {
				phase = IN_SPACES;
				if (blank_ok || w.n)
					err = strv_push(out, sb_dup(&w));
				if (err)
					break;
				w.n = 0;
				blank_ok = false;
				continue;
			}
			if (c == '\'' || c == '"') {
				quote = c;
				blank_ok = true;
				phase = IN_QUOTE;
			}
			if (c == ps->escape) {
				if (!s[1])
					continue;
				sb_addc(&w, c);
				c = *++s;
			}
			sb_addc(&w, c);
			continue;
		}
		if (c == quote)
			phase = IN_WORD;
		if (c == ps->escape && quote != '\'') {
			if (!s[1]) {
				phase = IN_WORD;
				continue;
			}
			sb_addc(&w, c);
			c = *++s;
		}
		sb_addc(&w, c);
	}
	if (!err && w.oom)
		err = -ENOMEM;
	sb_free(&w);
	return err;
}

/* The keyword and where the rest of the text starts. */
static size_t keyword_end(const char *s)
{
	size_t k = 0;

	while (s[k] && !df_is_blank(s[k]))
		k++;
	return k;
}

static const char *skip_blanks(const char *s)
{
	while (df_is_blank(*s))
		s++;
	return s;
}

/*
 * COPY or ADD at rest (after the keyword): flags and arguments as written
 * into in->copy, checked as BuildKit checks them.
 */
static int parse_copy_add(const struct parser *ps, struct df_instr *in,
			  const char *rest)
{
	const struct flag_def *defs = in->kind == DF_ADD ? add_flags
							 : copy_flags;
	const char *what = in->kind == DF_ADD ? "ADD" : "COPY";
	struct copyline_instr *c = &in->copy;
	unsigned int lineno = in->raw->line;
	struct strv flags = { 0 }, args = { 0 };
	struct flag_vals fv = { 0 };
	size_t len = strlen(rest), args_off, start, end;
	bool other = false, nul = false;
	const char *s;
	char *w;
	int err;

	c->line = lineno;
	err = extract_flags(ps, rest, len, &flags, &args_off);
	if (err)
		goto free_words;
	s = rest + args_off;
	len -= args_off;
	gomatch_trim_space(s, len, &start, &end);
	s += start;
	len = end - start;
	if (len > 0 && s[0] == '[') {
		err = df_json_array(s, len, &args, &other, &nul);
		if (err < 0)
			goto free_words;
		c->json = err == 1;
		err = 0;
		if (other) {
			err = df_fail(ps->err, lineno, "when using JSON array "
				      "syntax, arrays must be comprised of "
				      "strings only");
			goto free_words;
		}
		if (nul) {
			err = df_fail(ps->err, lineno, "a NUL character in a "
				      "JSON string is not supported");
			goto free_words;
		}
	}
	if (!c->json) {
		err = split_words(s, len, &args);
		if (err)
			goto free_words;
	}
	if (args.n < 2) {
		err = df_fail(ps->err, lineno, "%s requires at least two "
			      "arguments, but only one was provided. "
			      "Destination could not be determined", what);
		goto free_words;
	}
	err = parse_flags(ps, lineno, defs, &flags, &fv);
	if (err)
		goto free_words;
	if (!c->json && df_heredoc_word(args.v[args.n - 1], NULL) > 0) {
		err = df_fail(ps->err, lineno, "%s cannot accept a heredoc as "
			      "a destination", what);
		goto free_words;
	}
	c->from = flag_take(defs, &fv, "from");
	if (c->from) {
		err = process_word(ps, lineno, c->from, &w);
		if (err)
			goto free_words;
		if (strcmp(w, c->from) || has_variable(c->from))
			err = df_fail(ps->err, lineno, "variable expansion is "
				      "not supported for --from, define a new "
				      "stage with FROM using ARG from global "
				      "scope as a workaround");
		free(w);
		if (err)
			goto free_words;
	}
	c->chown = flag_take(defs, &fv, "chown");
	c->chmod = flag_take(defs, &fv, "chmod");
	c->link = flag_bool(defs, &fv, "link", NULL);
	c->parents = flag_bool(defs, &fv, "parents", NULL);
	in->checksum = flag_take(defs, &fv, "checksum");
	in->keep_git_dir = flag_bool(defs, &fv, "keep-git-dir", NULL);
	in->unpack = flag_bool(defs, &fv, "unpack", &in->unpack_set);
	c->dest = args.v[--args.n];
	c->srcs = args.v;
	c->nsrcs = args.n;
	args.v = NULL;
	args.n = 0;
	c->excludes = fv.list.v;
	c->nexcludes = fv.list.n;
	fv.list.v = NULL;
	fv.list.n = 0;
free_words:
	flag_vals_free(&fv);
	strv_free(&flags);
	strv_free(&args);
	return err;
}

static bool valid_stage_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr("-_.", *s)))
			return false;
	return true;
}

/* Flags of an instruction other than COPY or ADD; rest moves past them. */
static int other_flags(const struct parser *ps, struct df_instr *in,
		       const struct flag_def *defs, const char **rest,
		       struct flag_vals *fv)
{
	struct strv flags = { 0 };
	size_t off;
	int err;

	err = extract_flags(ps, *rest, strlen(*rest), &flags, &off);
	if (!err)
		err = parse_flags(ps, in->raw->line, defs, &flags, fv);
	strv_free(&flags);
	*rest = skip_blanks(*rest + off);
	return err;
}

static int parse_from(const struct parser *ps, struct df_instr *in,
		      const char *rest)
{
	unsigned int lineno = in->raw->line;
	struct flag_vals fv = { 0 };
	struct strv args = { 0 };
	int err;

	err = other_flags(ps, in, from_flags, &rest, &fv);
	if (!err)
		err = split_words(rest, strlen(rest), &args);
	if (err)
		goto free_args;
	if (args.n == 3 && !strcasecmp(args.v[1], "as")) {
		for (char *p = args.v[2]; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p |= 0x20;
		if (!valid_stage_name(args.v[2])) {
			err = df_fail(ps->err, lineno, "invalid name for build "
				      "stage: \"%s\", name can't start with a "
				      "number or contain symbols", args.v[2]);
			goto free_args;
		}
		in->name = args.v[2];
		args.v[2] = NULL;
	} else if (args.n != 1) {
		err = df_fail(ps->err, lineno, "FROM requires either one or "
			      "three arguments");
		goto free_args;
	}
	in->base = args.v[0];
	args.v[0] = NULL;
	in->platform = flag_take(from_flags, &fv, "platform");
free_args:
	flag_vals_free(&fv);
	strv_free(&args);
	return err;
}

static int push_kv(struct df_instr *in, const char *key, size_t keylen,
		   const char *value)
{
	struct df_kv *n = realloc(in->kvs, (in->nkvs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	in->kvs = n;
	n[in->nkvs].key = strndup(key, keylen);
	n[in->nkvs].value = value ? strdup(value) : NULL;
	if (!n[in->nkvs].key || (value && !n[in->nkvs].value)) {
		free(n[in->nkvs].key);
		free(n[in->nkvs].value);
		return -ENOMEM;
	}
	in->nkvs++;
	return 0;
}

/* ARG NAME[=DEFAULT]... and ENV NAME=VALUE... (or ENV NAME VALUE). */
static int parse_kvs(const struct parser *ps, struct df_instr *in,
		     const char *rest)
{
	unsigned int lineno = in->raw->line;
	const char *what = in->kind == DF_ARG ? "ARG" : "ENV";
	struct flag_vals fv = { 0 };
	struct strv words = { 0 };
	size_t i;
	int err;

	err = other_flags(ps, in, no_flags, &rest, &fv);
	if (!err)
		err = parse_words(ps, rest, &words);
	if (err)
		goto free_words;
	if (!words.n) {
		err = df_fail(ps->err, lineno, "%s requires at least one "
			      "argument", what);
		goto free_words;
	}
	if (in->kind == DF_ENV && !strchr(words.v[0], '=')) {
		/* The legacy form: a name, then the rest of the line. */
		size_t k = 0;

		while (rest[k] && !df_is_blank(rest[k]))
			k++;
		if (!rest[k]) {
			err = df_fail(ps->err, lineno, "ENV must have two "
				      "arguments");
			goto free_words;
		}
		err = push_kv(in, rest, k, skip_blanks(rest + k));
		goto free_words;
	}
	for (i = 0; !err && i < words.n; i++) {
		char *eq = strchr(words.v[i], '=');

		if (in->kind == DF_ENV && !eq) {
			err = df_fail(ps->err, lineno, "Syntax error - can't "
				      "find = in \"%s\". Must be of the form: "
				      "name=value", words.v[i]);
			break;
		}
		if (eq == words.v[i] || !words.v[i][0]) {
			err = df_fail(ps->err, lineno, "%s names can not be "
				      "blank", what);
			break;
		}
		err = push_kv(in, words.v[i], eq ? (size_t)(eq - words.v[i])
						 : strlen(words.v[i]),
			      eq ? eq + 1 : NULL);
	}
free_words:
	flag_vals_free(&fv);
	strv_free(&words);
	return err;
}

static int parse_workdir(const struct parser *ps, struct df_instr *in,
			 const char *rest)
{
	struct flag_vals fv = { 0 };
	int err = other_flags(ps, in, no_flags, &rest, &fv);

	flag_vals_free(&fv);
	if (err)
		return err;
	if (!*rest)
		return df_fail(ps->err, in->raw->line, "WORKDIR requires "
			       "exactly one argument");
	in->path = strdup(rest);
	return in->path ? 0 : -ENOMEM;
}

static const struct {
	const char *name;
	enum df_kind kind;
} keywords[] = {
	{ "ADD", DF_ADD }, { "ARG", DF_ARG }, { "CMD", DF_OTHER },
	{ "COPY", DF_COPY }, { "ENTRYPOINT", DF_OTHER }, { "ENV", DF_ENV },
	{ "EXPOSE", DF_OTHER }, { "FROM", DF_FROM },
	{ "HEALTHCHECK", DF_OTHER }, { "LABEL", DF_OTHER },
	{ "MAINTAINER", DF_OTHER }, { "ONBUILD", DF_OTHER },
	{ "RUN", DF_OTHER }, { "SHELL", DF_OTHER },
	{ "STOPSIGNAL", DF_OTHER }, { "USER", DF_OTHER },
	{ "VOLUME", DF_OTHER }, { "WORKDIR", DF_WORKDIR },
};

static void df_instr_free(struct df_instr *in)
{
	free(in->base);
	free(in->name);
	free(in->platform);
	for (size_t i = 0; i < in->nkvs; i++) {
		free(in->kvs[i].key);
		free(in->kvs[i].value);
	}
	free(in->kvs);
	free(in->path);
	copyline_instr_free(&in->copy);
	free(in->checksum);
	memset(in, 0, sizeof(*in));
}

static int parse_instr(const struct parser *ps, const struct df_rawline *rl,
		       struct df_instr *in)
{
	size_t k = keyword_end(rl->text), i;
	const char *rest = skip_blanks(rl->text + k);

	memset(in, 0, sizeof(*in));
	in->raw = rl;
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].name) == k &&
		    !strncasecmp(rl->text, keywords[i].name, k))
			break;
	if (i == sizeof(keywords) / sizeof(keywords[0]))
		return df_fail(ps->err, rl->line, "unknown instruction: %.*s",
			       (int)k, rl->text);
	in->kind = keywords[i].kind;
	strcpy(in->keyword, keywords[i].name);
	switch (in->kind) {
	case DF_FROM:
		return parse_from(ps, in, rest);
	case DF_ARG:
	case DF_ENV:
		return parse_kvs(ps, in, rest);
	case DF_WORKDIR:
		return parse_workdir(ps, in, rest);
	case DF_COPY:
	case DF_ADD:
		return parse_copy_add(ps, in, rest);
	default:
		return 0;
	}
}

void df_file_free(struct df_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		df_instr_free(&f->instrs[i]);
	free(f->instrs);
	f->instrs = NULL;
	f->n = 0;
	df_text_free(&f->text);
}

/*
 * The text's instructions, with room for n of what the caller makes of
 * them; a text without any is an error.
 */
static int read_instructions(const char *text, struct df_text *t,
			     struct parser *ps, void **room, size_t size)
{
	int err = df_read(text, t, ps->err);

	if (err)
		return err;
	ps->escape = t->escape;
	if (!t->n)
		err = df_fail(ps->err, t->nlines ? t->nlines : 1, "file with "
			      "no instructions");
	else if (!(*room = calloc(t->n, size)))
		err = -ENOMEM;
	if (err)
		df_text_free(t);
	return err;
}

int df_parse(const char *text, struct df_file *out, char *errbuf,
	     size_t errlen)
{
	struct df_err e = { errbuf, errlen };
	struct parser ps = { .err = &e };
	void *room = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	err = read_instructions(text, &out->text, &ps, &room,
				sizeof(*out->instrs));
	if (err)
		return err;
	out->instrs = room;
	for (size_t i = 0; i < out->text.n; i++) {
		err = parse_instr(&ps, &out->text.lines[i], &out->instrs[i]);
		out->n = i + 1;
		if (err == -EINVAL)
			df_err_keyword(&e, out->instrs[i].keyword);
		if (err)
			goto free_file;
	}
	return 0;
free_file:
	df_file_free(out);
	return err;
}

/* --- COPY lines without stages (stagecp_parse_copy_lines) --- */

/* Quotes and escapes removed from what BuildKit would expand. */
static int unquote_copy(const struct parser *ps, struct copyline_instr *c)
{
	char **fields[] = { &c->chown, &c->chmod, &c->dest };
	size_t i;
	char *w;
	int err;

	for (i = 0; i < c->nsrcs; i++) {
		err = process_word(ps, c->line, c->srcs[i], &w);
		if (err)
			return err;
		free(c->srcs[i]);
		c->srcs[i] = w;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!*fields[i])
			continue;
		err = process_word(ps, c->line, *fields[i], &w);
		if (err)
			return err;
		free(*fields[i]);
		*fields[i] = w;
	}
	return 0;
}

void copyline_list_free(struct copyline_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		copyline_instr_free(&list->instrs[i]);
	free(list->instrs);
	list->instrs = NULL;
	list->count = 0;
}

int copyline_parse(const char *text, struct copyline_list *out,
		   char *errbuf, size_t errlen)
{
	struct df_err e = { errbuf, errlen };
	struct parser ps = { .err = &e };
	void *room = NULL;
	struct df_text t;
	size_t i, k;
	int err;

	out->instrs = NULL;
	out->count = 0;
	err = read_instructions(text, &t, &ps, &room, sizeof(*out->instrs));
	if (err)
		return err;
	out->instrs = room;
	for (i = 0; i < t.n && !err; i++) {
		const struct df_rawline *rl = &t.lines[i];
		struct df_instr in = { .kind = DF_COPY, .raw = rl };

		k = keyword_end(rl->text);
		if (k != 4 || strncasecmp(rl->text, "copy", 4)) {
			err = df_fail(&e, rl->line, "unsupported instruction "
				      "\"%.*s\": stagecp exec runs COPY "
				      "instructions only", (int)k, rl->text);
			break;
		}
		err = parse_copy_add(&ps, &in, skip_blanks(rl->text + k));
		if (!err && rl->nheredocs)
			err = df_fail(&e, rl->line, "heredoc sources are not "
				      "supported by stagecp exec");
		if (!err)
			err = unquote_copy(&ps, &in.copy);
		out->instrs[out->count++] = in.copy;
		memset(&in.copy, 0, sizeof(in.copy));
		df_instr_free(&in);
	}
	df_text_free(&t);
	if (err)
		copyline_list_free(out);
	return err;
}
