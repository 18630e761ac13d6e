// SPDX-License-Identifier: MIT
/*
 * Dockerfile variable expansion (see shlex.h).  The steps and error texts
 * follow BuildKit's shell lexer (frontend/dockerfile/shell/lex.go):
 * processStopOn, the quote handlers, processDollar and processName.
 */
#include "semantics/shlex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semantics/strbuf.h"

#define LX_EOF (-1)

struct lx {
	const char *s;
	size_t pos, n;
	int esc;
	bool raw_escapes;	/* keep escape characters (patterns) */
	bool skip_quotes;	/* quotes are plain characters (heredocs) */
	const struct shenv *env;
	char msg[256];		/* the inner error */
};

int shenv_set(struct shenv *e, const char *key, const char *value)
{
	char *v = strdup(value), *k;
	size_t i;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < e->n; i++) {
		if (!strcmp(e->keys[i], key)) {
			free(e->vals[i]);
			e->vals[i] = v;
			return 0;
		}
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		char **nk = realloc(e->keys, cap * sizeof(*nk)), **nv;

		if (nk)
			e->keys = nk;
		nv = nk ? realloc(e->vals, cap * sizeof(*nv)) : NULL;
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		e->vals = nv;
		e->cap = cap;
	}
	k = strdup(key);
	if (!k) {
		free(v);
		return -ENOMEM;
	}
	e->keys[e->n] = k;
	e->vals[e->n++] = v;
	return 0;
}

const char *shenv_get(const struct shenv *e, const char *key)
{
	for (size_t i = 0; e && i < e->n; i++)
		if (!strcmp(e->keys[i], key))
			return e->vals[i];
	return NULL;
}

int shenv_copy(struct shenv *dst, const struct shenv *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = shenv_set(dst, src->keys[i], src->vals[i]);

		if (r)
			return r;
	}
	return 0;
}

void shenv_free(struct shenv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->keys[i]);
		free(e->vals[i]);
	}
	free(e->keys);
	free(e->vals);
	memset(e, 0, sizeof(*e));
}

static int peek(const struct lx *l)
{
	return l->pos < l->n ? (unsigned char)l->s[l->pos] : LX_EOF;
}

static int next(struct lx *l)
{
	return l->pos < l->n ? (unsigned char)l->s[l->pos++] : LX_EOF;
}

static int lx_fail(struct lx *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int lx_fail(struct lx *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int process_stop_on(struct lx *l, int stop, bool raw,
			   struct sbuf *out);

/* '...': everything up to the next quote, as it is. */
static int single_quote(struct lx *l, struct sbuf *out)
{
	int c;

	next(l);
	for (;;) {
		c = next(l);
		if (c == LX_EOF)
			return lx_fail(l, "unexpected end of statement while "
				       "looking for matching single-quote");
		if (c == '\'')
			return 0;
		sb_addc(out, (char)c);
	}
}

static int dollar(struct lx *l, struct sbuf *out);

/* "...": $ expands; the escape only escapes ", $ and itself. */
static int double_quote(struct lx *l, struct sbuf *out)
{
	int c, r;

	next(l);
	for (;;) {
		c = peek(l);
		if (c == LX_EOF)
			return lx_fail(l, "unexpected end of statement while "
				       "looking for matching double-quote");
		if (c == '"') {
			next(l);
			return 0;
		}
		if (c == '$') {
			r = dollar(l, out);
			if (r)
				return r;
			continue;
		}
		c = next(l);
		if (c == l->esc) {
			int p = peek(l);

			if (l->raw_escapes)
				sb_addc(out, (char)c);
			if (p == LX_EOF)
				continue;
			if (p == '"' || p == '$' || p == l->esc)
				c = next(l);
		}
		sb_addc(out, (char)c);
	}
}

static bool is_name_byte(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || c >= 0x80 ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* processName: digits, a special parameter, or [letters digits _]. */
static void process_name(struct lx *l, struct sbuf *name)
{
	int c = peek(l);

	if (c >= '0' && c <= '9') {
		while ((c = peek(l)) >= '0' && c <= '9')
			sb_addc(name, (char)next(l));
		return;
	}
	if (c != LX_EOF && strchr("@*#?-$!", c)) {
		sb_addc(name, (char)next(l));
		return;
	}
	while ((c = peek(l)) != LX_EOF && is_name_byte(c))
		sb_addc(name, (char)next(l));
}

/* A shell pattern (*, ?, \ escapes) as tokens: 0x100 is *, 0x101 is ?. */
#define PAT_STAR 0x100
#define PAT_ANY 0x101

static int compile_pattern(struct lx *l, const char *p, int **tok, size_t *n)
{
	size_t len = strlen(p), k = 0, i;
	int *t = malloc((len + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '*') {
			t[k++] = PAT_STAR;
		} else if (c == '?') {
			t[k++] = PAT_ANY;
		} else if (c == '\\') {
			/* \} and \/ of ${} stand for themselves. */
			if (p[i + 1] == '}' || p[i + 1] == '/')
				continue;
			c = (unsigned char)p[++i];
			if (c != '*' && c != '?' && c != '\\') {
				free(t);
				return lx_fail(l, "invalid pattern (%s) in "
					       "substitution: invalid escape "
					       "'\\%c'", p, c ? c : '?');
			}
			t[k++] = c;
		} else {
			t[k++] = c;
		}
	}
	*tok = t;
	*n = k;
	return 0;
}

/* Does the whole of s[0..n) match tokens t[0..nt)? */
static bool pat_match(const int *t, size_t nt, const char *s, size_t n)
{
	size_t i;

	if (nt == 0)
		return n == 0;
	if (t[0] == PAT_STAR) {
		for (i = 0; i <= n; i++)
			if (pat_match(t + 1, nt - 1, s + i, n - i))
				return true;
		return false;
	}
	if (n == 0)
		return false;
	if (t[0] != PAT_ANY && t[0] != (unsigned char)s[0])
		return false;
	return pat_match(t + 1, nt - 1, s + 1, n - 1);
}

/* The longest (or shortest) match at s, or -1. */
static long match_at(const int *t, size_t nt, const char *s, size_t n,
		     bool longest)
{
	size_t k;

	for (k = 0; k <= n; k++) {
		size_t len = longest ? n - k : k;

		if (pat_match(t, nt, s, len))
			return (long)len;
	}
	return -1;
}

/* ${V#p} ${V##p} ${V%p} ${V%%p} */
static int trim(struct lx *l, const char *value, const char *pattern,
		bool suffix, bool greedy, struct sbuf *out)
{
	size_t n = strlen(value), nt, k;
	int *t, r;

	r = compile_pattern(l, pattern, &t, &nt);
	if (r)
		return r;
	if (!suffix) {
		long len = match_at(t, nt, value, n, greedy);

		sb_adds(out, value + (len > 0 ? len : 0));
		free(t);
		return 0;
	}
	for (k = 0; k <= n; k++) {
		size_t start = greedy ? k : n - k;

		if (pat_match(t, nt, value + start, n - start)) {
			sb_add(out, value, start);
			free(t);
			return 0;
		}
	}
	sb_adds(out, value);
	free(t);
	return 0;
}

/* ${V/p/r} and ${V//p/r}: leftmost, longest matches. */
static int replace(struct lx *l, const char *value, const char *pattern,
		   const char *repl, bool all, struct sbuf *out)
{
	size_t n = strlen(value), nt, i = 0;
	long last_end = -1, len;
	bool done = false;
	int *t, r;

	r = compile_pattern(l, pattern, &t, &nt);
	if (r)
		return r;
	while (i <= n) {
		len = done ? -1 : match_at(t, nt, value + i, n - i, true);
		if (len > 0 || (len == 0 && (long)i != last_end)) {
			sb_adds(out, repl);
			done = !all;
			if (len > 0) {
				i += (size_t)len;
				last_end = (long)i;
				continue;
			}
			last_end = (long)i;
		}
		if (i < n)
			sb_addc(out, value[i]);
		i++;
	}
	free(t);
	return 0;
}

/* A modifier's word, up to stop; EOF inside is a missing stop. */
static int modifier_word(struct lx *l, int stop, bool raw, struct sbuf *w,
			 const char *missing)
{
	int r = process_stop_on(l, stop, raw, w);

	if (r == -EINVAL && peek(l) == LX_EOF)
		return lx_fail(l, "%s", missing);
	return r;
}

static int dollar_modifier(struct lx *l, const char *name, struct sbuf *out)
{
	struct sbuf word = { 0 }, chs = { 0 };
	const char *value = shenv_get(l->env, name);
	bool null_unset = false, set;
	int c = next(l), r = 0;

	if (c == LX_EOF)
		sb_adds(&chs, "\xEF\xBF\xBD");	/* Go's string(EOF) */
	else
		sb_addc(&chs, (char)c);
	if (c == ':') {
		null_unset = true;
		c = next(l);
		if (c != LX_EOF)
			sb_addc(&chs, (char)c);
	}
	if (c != '+' && c != '-' && c != '?' && c != '#' && c != '%') {
		if (!null_unset) {
			r = lx_fail(l, "unsupported modifier (%s) in "
				    "substitution", chs.p ? chs.p : "");
			goto free_word;
		}
	} else if (null_unset && (c == '#' || c == '%')) {
		r = lx_fail(l, "unsupported modifier (%s) in substitution",
			    chs.p);
		goto free_word;
	}
	r = modifier_word(l, '}', c == '#' || c == '%', &word,
			  "syntax error: missing '}'");
	if (r)
		goto free_word;
	sb_add(&word, "", 0);
	set = value && !(null_unset && !*value);
	switch (c) {
	case '-':
		sb_adds(out, set ? value : word.p);
		break;
	case '+':
		sb_adds(out, set ? word.p : "");
		break;
	case '?':
		if (!value || (null_unset && !*value)) {
			r = lx_fail(l, "%s: %s", name, *word.p ? word.p :
				    !value ? "is not allowed to be unset"
					   : "is not allowed to be empty");
			break;
		}
		sb_adds(out, value);
		break;
	case '#':
	case '%': {
		const char *p = word.p;
		bool greedy = *p == c;

		r = trim(l, value ? value : "", p + greedy, c == '%', greedy,
			 out);
		break;
	}
	default:
		r = lx_fail(l, "unsupported modifier (%s) in substitution",
			    chs.p);
	}
free_word:
	sb_free(&word);
	sb_free(&chs);
	return r;
}

static int dollar(struct lx *l, struct sbuf *out)
{
	struct sbuf name = { 0 }, pat = { 0 }, repl = { 0 };
	const char *value;
	bool all;
	int c, r = 0;

	next(l);
	if (peek(l) != '{') {
		process_name(l, &name);
		if (!name.n) {
			sb_addc(out, '$');
			return 0;
		}
		value = shenv_get(l->env, name.p);
		sb_adds(out, value ? value : "");
		goto free_name;
	}
	next(l);
	c = peek(l);
	if (c == LX_EOF)
		return lx_fail(l, "syntax error: missing '}'");
	if (c == '{' || c == '}' || c == ':')
		return lx_fail(l, "syntax error: bad substitution");
	process_name(l, &name);
	sb_add(&name, "", 0);
	if (name.oom)
		return -ENOMEM;
	c = peek(l);
	if (c == '}') {
		next(l);
		value = shenv_get(l->env, name.p);
		sb_adds(out, value ? value : "");
		goto free_name;
	}
	if (c != '/') {
		r = dollar_modifier(l, name.p, out);
		goto free_name;
	}
	next(l);
	all = peek(l) == '/';
	if (all)
		next(l);
	r = modifier_word(l, '/', true, &pat, "syntax error: missing '/' "
			  "in ${}");
	if (!r)
		r = modifier_word(l, '}', true, &repl,
				  "syntax error: missing '}'");
	if (!r) {
		sb_add(&pat, "", 0);
		sb_add(&repl, "", 0);
		value = shenv_get(l->env, name.p);
		r = pat.oom || repl.oom ? -ENOMEM :
		    replace(l, value ? value : "", pat.p, repl.p, all, out);
	}
	sb_free(&pat);
	sb_free(&repl);
free_name:
	sb_free(&name);
	return r;
}

static int process_stop_on(struct lx *l, int stop, bool raw, struct sbuf *out)
{
	bool saved = l->raw_escapes;
	int c, r = 0;

	l->raw_escapes = raw;
	while ((c = peek(l)) != LX_EOF) {
		if (stop != LX_EOF && c == stop) {
			next(l);
			goto restore;
		}
		if (c == '$')
			r = dollar(l, out);
		else if (c == '\'' && !l->skip_quotes)
			r = single_quote(l, out);
		else if (c == '"' && !l->skip_quotes)
			r = double_quote(l, out);
		else {
			next(l);
			if (c == l->esc) {
				if (l->raw_escapes)
					sb_addc(out, (char)c);
				c = next(l);
				if (c == LX_EOF)
					break;
			}
			sb_addc(out, (char)c);
		}
		if (r)
			goto restore;
	}
	if (stop != LX_EOF)
		r = lx_fail(l, "unexpected end of statement while looking "
			    "for matching %c", stop);
restore:
	l->raw_escapes = saved;
	return r;
}

static int process(struct lx *l, const char *word, char **out, char *err,
		   size_t errlen);

int shlex_word(const char *word, char escape, const struct shenv *env,
	       char **out, char *err, size_t errlen)
{
	struct lx l = { .s = word, .n = strlen(word),
			.esc = (unsigned char)escape, .env = env };

	return process(&l, word, out, err, errlen);
}

int shlex_heredoc(const char *text, const struct shenv *env, char **out,
		  char *err, size_t errlen)
{
	struct lx l = { .s = text, .n = strlen(text), .esc = '\\',
			.skip_quotes = true, .env = env };

	return process(&l, text, out, err, errlen);
}

static int process(struct lx *l, const char *word, char **out, char *err,
		   size_t errlen)
{
	struct sbuf b = { 0 }, q = { 0 };
	int r;

	*out = NULL;
	r = process_stop_on(l, LX_EOF, false, &b);
	if (r == 0) {
		*out = sb_take(&b);
		return *out ? 0 : -ENOMEM;
	}
	sb_free(&b);
	if (r == -EINVAL && err && errlen) {
		sb_add_quoted(&q, word);
		snprintf(err, errlen, "failed to process %s: %s",
			 q.p ? q.p : "", l->msg);
		sb_free(&q);
	}
	return r;
}
