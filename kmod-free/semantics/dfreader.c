// SPDX-License-Identifier: MIT
/*
 * A Dockerfile's text as instructions (see dfreader.h): parser.Parse's
 * line loop, its directives, continuations and heredocs.
 */
#include "semantics/dfreader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "semantics/gomatch.h"
#include "semantics/strbuf.h"

#define BOM "\xEF\xBB\xBF"

struct reader {
	char escape;
	bool directives_done;	/* directives only come first */
	bool seen_syntax, seen_escape, seen_check;
	const struct df_err *err;
};

int df_fail(const struct df_err *e, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e || !e->buf || !e->len)
		return -EINVAL;
	n = snprintf(e->buf, e->len, "line %u: ", line);
	if (n < 0 || (size_t)n >= e->len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(e->buf + n, e->len - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void df_err_keyword(const struct df_err *e, const char *keyword)
{
	char *colon, *rest;
	size_t klen = strlen(keyword), used;

	if (!e || !e->buf || !e->len || !*keyword)
		return;
	colon = strstr(e->buf, ": ");
	if (!colon || strncmp(e->buf, "line ", 5))
		return;
	rest = colon + 2;
	used = strlen(e->buf) + 1;
	if (used + klen + 2 > e->len)
		return;		/* no room: the line alone names it */
	memmove(rest + klen + 2, rest, strlen(rest) + 1);
	memcpy(rest, keyword, klen);
	memcpy(rest + klen, ": ", 2);
}

bool df_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* The \s of Go's regexp: [\t\n\f\r ]. */
static bool is_re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Length of the leading unicode.IsSpace runes of s[0..n). */
static size_t leading_space(const char *s, size_t n)
{
	size_t pos = 0, len;
	uint32_t r;

	while (pos < n) {
		len = gomatch_decode_rune(s + pos, n - pos, &r);
		if (!gomatch_is_space(r))
			break;
		pos += len;
	}
	return pos;
}

/* Without its trailing "\r" and "\n" bytes (bytes.TrimRight). */
static size_t trim_newline(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}

static bool is_comment(const char *s, size_t n)
{
	size_t lead = leading_space(s, n);

	return lead < n && s[lead] == '#';
}

/*
 * A line that ends in the escape character (blanks and tabs after it
 * allowed) continues on the next one, unless the escape is itself escaped.
 * *n loses the escape and what follows it.
 */
static bool continues(const struct reader *rd, const char *s, size_t *n)
{
	size_t k = *n;

	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	if (k == 0 || s[k - 1] != rd->escape)
		return false;
	if (k >= 2 && s[k - 2] == rd->escape)
		return false;
	*n = k - 1;
	return true;
}

/*
 * Parser directives: "# key=value" lines before anything else, key one of
 * syntax, escape, check (any case).  The first other line ends them.
 */
static int directive(struct reader *rd, unsigned int lineno, const char *s,
		     size_t n)
{
	size_t pos, key_end, v, v_end;
	char key[8], value[64];
	bool *seen;

	if (n == 0 || s[0] != '#')
		goto not_directive;
	pos = 1 + leading_space(s + 1, n - 1);
	/* ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ */
	key_end = pos;
	if (key_end >= n || !((s[key_end] | 0x20) >= 'a' &&
			      (s[key_end] | 0x20) <= 'z'))
		goto not_directive;
	while (key_end < n && ((s[key_end] >= '0' && s[key_end] <= '9') ||
			       ((s[key_end] | 0x20) >= 'a' &&
				(s[key_end] | 0x20) <= 'z')))
		key_end++;
	v = key_end;
	while (v < n && is_re_space(s[v]))
		v++;
	if (v >= n || s[v] != '=')
		goto not_directive;
	v++;
	if (v >= n)
		goto not_directive;
	while (v < n && is_re_space(s[v]))
		v++;
	/* The value takes at least one byte: a lone blank if need be. */
	if (v == n)
		v--;
	v_end = n;
	while (v_end > v + 1 && is_re_space(s[v_end - 1]))
		v_end--;
	if (key_end - pos >= sizeof(key))
		goto not_directive;
	memcpy(key, s + pos, key_end - pos);
	key[key_end - pos] = '\0';
	for (pos = 0; key[pos]; pos++)
		key[pos] |= 0x20;
	if (!strcmp(key, "syntax"))
		seen = &rd->seen_syntax;
	else if (!strcmp(key, "escape"))
		seen = &rd->seen_escape;
	else if (!strcmp(key, "check"))
		seen = &rd->seen_check;
	else
		goto not_directive;
	if (*seen)
		return df_fail(rd->err, lineno, "only one %s parser directive "
			       "can be used", key);
	*seen = true;
	if (seen != &rd->seen_escape)
		return 0;
	if (v_end - v == 1 && (s[v] == '`' || s[v] == '\\')) {
		rd->escape = s[v];
		return 0;
	}
	snprintf(value, sizeof(value), "%.*s", (int)(v_end - v), s + v);
	return df_fail(rd->err, lineno, "invalid escape token '%s' does not "
		       "match ` or \\", value);
not_directive:
	rd->directives_done = true;
	return 0;
}

/* The next line of text at *pos, '\n' included; false at the end. */
static bool next_line(const char *text, size_t *pos, const char **line,
		      size_t *len)
{
	const char *s = text + *pos, *nl;

	if (!*s)
		return false;
	nl = strchr(s, '\n');
	*line = s;
	*len = nl ? (size_t)(nl - s) + 1 : strlen(s);
	*pos += *len;
	return true;
}

/*
 * A heredoc name as the shell lexer reads it: quotes removed, '\' escapes
 * taken.  Returns the name, or NULL with *words set when it is not one
 * word.
 */
static char *heredoc_name(const char *s, bool *one_word)
{
	struct sbuf b = { 0 };
	char quote = 0;

	*one_word = true;
	sb_add(&b, "", 0);
	for (; *s; s++) {
		if (quote) {
			if (*s == quote) {
				quote = 0;
				continue;
			}
			if (quote == '"' && *s == '\\' && s[1] &&
			    strchr("\"$\\", s[1]))
				s++;
			sb_addc(&b, *s);
			continue;
		}
		if (*s == '\'' || *s == '"') {
			quote = *s;
			continue;
		}
		if (*s == '\\' && s[1]) {
			sb_addc(&b, *++s);
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			/* Blanks at the end only separate nothing. */
			const char *t = s;

			while (*t == ' ' || *t == '\t' || *t == '\n' ||
			       *t == '\r')
				t++;
			if (*t)
				*one_word = false;
			break;
		}
		sb_addc(&b, *s);
	}
	return sb_take(&b);
}

static size_t count_quotes(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\'' || *s == '"';
	return n;
}

int df_heredoc_word(const char *w, struct df_heredoc *h)
{
	const char *rest;
	bool one;
	char *name;

	while (*w >= '0' && *w <= '9')
		w++;
	if (strncmp(w, "<<", 2))
		return 0;
	w += 2;
	if (h)
		h->chomp = *w == '-';
	if (*w == '-')
		w++;
	while (is_re_space(*w))
		w++;
	rest = w;
	if (!*rest || strchr(rest, '<'))
		return 0;
	name = heredoc_name(rest, &one);
	if (!name)
		return -ENOMEM;
	if (!one || !h) {
		free(name);
		return one;
	}
	h->name = name;
	h->content = NULL;
	h->expand = count_quotes(name) == count_quotes(rest);
	return 1;
}

/*
 * The words of an instruction as heredocsFromLine splits them: at blanks
 * outside quotes, quotes and escapes kept.
 */
static int raw_words(const char *s, struct strv *out)
{
	struct sbuf w = { 0 };
	char quote = 0;
	int r = 0;

	for (;; s++) {
		bool end = !*s;

		if (!end && quote) {
			if (*s == quote)
				quote = 0;
			else if (quote == '"' && *s == '\\' && s[1])
				sb_addc(&w, *s++);
			sb_addc(&w, *s);
			continue;
		}
		if (end || is_re_space(*s) || *s == '\v') {
			if (w.n)
				r = strv_push(out, sb_dup(&w));
			w.n = 0;
			if (end || r)
				break;
			continue;
		}
		if (*s == '\'' || *s == '"')
			quote = *s;
		else if (*s == '\\' && s[1])
			sb_addc(&w, *s++);
		sb_addc(&w, *s);
	}
	if (!r && w.oom)
		r = -ENOMEM;
	sb_free(&w);
	return r;
}

/* Keyword at s, skipping an ONBUILD in front (heredocCompoundDirectives). */
static bool may_hold_heredoc(const char *s)
{
	size_t k;

	for (k = 0; s[k] && !df_is_blank(s[k]); k++)
		;
	if (k == 7 && !strncasecmp(s, "onbuild", 7)) {
		s += k;
		while (df_is_blank(*s))
			s++;
		for (k = 0; s[k] && !df_is_blank(s[k]); k++)
			;
	}
	if (!((k == 3 && (!strncasecmp(s, "add", 3) ||
			  !strncasecmp(s, "run", 3))) ||
	      (k == 4 && !strncasecmp(s, "copy", 4))))
		return false;
	/* A JSON form holds no heredocs. */
	s += k;
	while (df_is_blank(*s))
		s++;
	while (s[0] == '-' && s[1] == '-') {
		while (*s && !df_is_blank(*s))
			s++;
		while (df_is_blank(*s))
			s++;
	}
	return *s != '[' && strstr(s, "<<");
}

/* The heredocs of rl, their contents read from text at *pos. */
static int read_heredocs(struct reader *rd, struct df_rawline *rl,
			 const char *text, size_t *pos, unsigned int *lineno)
{
	struct strv words = { 0 };
	struct df_heredoc h;
	size_t i;
	int r;

	r = raw_words(rl->text, &words);
	for (i = 0; !r && i < words.n; i++) {
		struct df_heredoc *nh;
		struct sbuf content = { 0 };
		bool terminated = false;
		const char *line;
		size_t n;

		r = df_heredoc_word(words.v[i], &h);
		if (r <= 0)
			continue;
		r = 0;
		sb_add(&content, "", 0);
		while (next_line(text, pos, &line, &n)) {
			size_t k = trim_newline(line, n), t = 0;

			++*lineno;
			if (h.chomp)
				while (t < k && line[t] == '\t')
					t++;
			if (k - t == strlen(h.name) &&
			    !memcmp(line + t, h.name, k - t)) {
				terminated = true;
				break;
			}
			sb_add(&content, line, n);
		}
		if (!terminated) {
			free(h.name);
			sb_free(&content);
			r = df_fail(rd->err, rl->line, "unterminated heredoc");
			break;
		}
		h.content = sb_take(&content);
		nh = h.content ? realloc(rl->heredocs, (rl->nheredocs + 1) *
					 sizeof(*nh)) : NULL;
		if (!nh) {
			free(h.name);
			free(h.content);
			r = -ENOMEM;
			break;
		}
		rl->heredocs = nh;
		rl->heredocs[rl->nheredocs++] = h;
	}
	strv_free(&words);
	return r;
}

static void rawline_free(struct df_rawline *rl)
{
	for (size_t i = 0; i < rl->nheredocs; i++) {
		free(rl->heredocs[i].name);
		free(rl->heredocs[i].content);
	}
	free(rl->heredocs);
	free(rl->text);
}

void df_text_free(struct df_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		rawline_free(&t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->n = 0;
}

static int push_line(struct df_text *t, size_t *cap, struct df_rawline *rl)
{
	if (t->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct df_rawline *n = realloc(t->lines, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->lines = n;
		*cap = ncap;
	}
	t->lines[t->n++] = *rl;
	return 0;
}

int df_read(const char *text, struct df_text *out, const struct df_err *err)
{
	struct reader rd = { .escape = '\\', .err = err };
	struct sbuf joined = { 0 };
	unsigned int lineno = 0;
	size_t pos = 0, cap = 0, n, lead, s, e;
	const char *line;
	int r = 0;

	memset(out, 0, sizeof(*out));
	while (!r && next_line(text, &pos, &line, &n)) {
		struct df_rawline rl = { 0 };
		bool more;

		if (++lineno == 1 && n >= 3 && !memcmp(line, BOM, 3)) {
			line += 3;
			n -= 3;
		}
		n = trim_newline(line, n);
		lead = leading_space(line, n);
		line += lead;
		n -= lead;
		if (!rd.directives_done) {
			r = directive(&rd, lineno, line, n);
			if (r)
				break;
		}
		if (is_comment(line, n))
			n = 0;
		rl.line = lineno;
		more = continues(&rd, line, &n);
		if (!more && n == 0)
			continue;
		joined.n = 0;
		sb_add(&joined, line, n);
		while (more && next_line(text, &pos, &line, &n)) {
			lineno++;
			if (is_comment(line, n))
				continue;
			n = trim_newline(line, n);
			if (leading_space(line, n) == n)
				continue;	/* an empty continuation line */
			more = continues(&rd, line, &n);
			sb_add(&joined, line, n);
		}
		sb_add(&joined, "", 0);
		if (joined.oom) {
			r = -ENOMEM;
			break;
		}
		gomatch_trim_space(joined.p, joined.n, &s, &e);
		rl.text = strndup(joined.p + s, e - s);
		if (!rl.text) {
			r = -ENOMEM;
			break;
		}
		if (may_hold_heredoc(rl.text))
			r = read_heredocs(&rd, &rl, text, &pos, &lineno);
		rl.end_line = lineno;
		if (!r)
			r = push_line(out, &cap, &rl);
		if (r)
			rawline_free(&rl);
	}
	sb_free(&joined);
	out->escape = rd.escape;
	out->nlines = lineno;
	if (r)
		df_text_free(out);
	return r;
}
