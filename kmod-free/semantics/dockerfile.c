// SPDX-License-Identifier: MIT
/*
 * COPY instruction lines for `stagecp exec` (see dockerfile.h).  The steps
 * follow BuildKit's frontend in order, because the order decides which
 * error a bad line gets: line joining and comments (parser.Parse), the
 * keyword and the flag words (splitCommand, extractBuilderFlags), the
 * JSON or word arguments (parseMaybeJSONToList), the argument count, the
 * flag values (BFlags.Parse), heredocs, the --from check, and last the
 * quote removal of ProcessWord.
 */
#include "semantics/dockerfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "semantics/gomatch.h"

#define JSON_MAX_DEPTH 10000	/* Go's encoding/json nesting limit */
#define BOM "\xEF\xBB\xBF"

/* A growing string; a failed allocation is remembered, not reported. */
struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_addc(struct sbuf *b, char c)
{
	sb_add(b, &c, 1);
}

static void sb_add_rune(struct sbuf *b, uint32_t r)
{
	char u[4];

	if (r < 0x80) {
		u[0] = (char)r;
		sb_add(b, u, 1);
	} else if (r < 0x800) {
		u[0] = (char)(0xC0 | r >> 6);
		u[1] = (char)(0x80 | (r & 0x3F));
		sb_add(b, u, 2);
	} else if (r < 0x10000) {
		u[0] = (char)(0xE0 | r >> 12);
		u[1] = (char)(0x80 | (r >> 6 & 0x3F));
		u[2] = (char)(0x80 | (r & 0x3F));
		sb_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | r >> 18);
		u[1] = (char)(0x80 | (r >> 12 & 0x3F));
		u[2] = (char)(0x80 | (r >> 6 & 0x3F));
		u[3] = (char)(0x80 | (r & 0x3F));
		sb_add(b, u, 4);
	}
}

/* The string built so far as a new allocation ("" when empty). */
static char *sb_dup(const struct sbuf *b)
{
	return b->oom ? NULL : strndup(b->p ? b->p : "", b->n);
}

static void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

struct strv {
	char **v;
	size_t n, cap;
};

/* Append s, which the vector then owns; NULL s means out of memory. */
static int strv_push(struct strv *v, char *s)
{
	if (!s)
		return -ENOMEM;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		char **p = realloc(v->v, cap * sizeof(*p));

		if (!p) {
			free(s);
			return -ENOMEM;
		}
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = s;
	return 0;
}

static void strv_free(struct strv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

struct parser {
	char escape;		/* '\' or '`' */
	bool directives_done;	/* directives only come first */
	bool seen_syntax, seen_escape, seen_check;
	char *errbuf;
	size_t errlen;
};

static int fail(struct parser *ps, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->errbuf || !ps->errlen)
		return -EINVAL;
	n = snprintf(ps->errbuf, ps->errlen, "line %u: ", line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(ps->errbuf + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Go's %q, enough for error messages. */
static void quote_into(struct sbuf *b, const char *s)
{
	char hex[5];

	sb_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, (char)c);
		} else if (c == '\n') {
			sb_add(b, "\\n", 2);
		} else if (c == '\t') {
			sb_add(b, "\\t", 2);
		} else if (c == '\r') {
			sb_add(b, "\\r", 2);
		} else if (c < 0x20 || c == 0x7F) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			sb_add(b, hex, 4);
		} else {
			sb_addc(b, (char)c);
		}
	}
	sb_addc(b, '"');
}

/* White space as BuildKit's reWhitespace sees it: [\t\v\f\r ]. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* The \s of Go's regexp: [\t\n\f\r ]. */
static bool is_re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_ascii_space(char c)
{
	return is_blank(c) || c == '\n';
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
static bool continues(const struct parser *ps, const char *s, size_t *n)
{
	size_t k = *n;

	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	if (k == 0 || s[k - 1] != ps->escape)
		return false;
	if (k >= 2 && s[k - 2] == ps->escape)
		return false;
	*n = k - 1;
	return true;
}

/*
 * Parser directives: "# key=value" lines before anything else, key one of
 * syntax, escape, check (any case).  The first other line ends them.
 */
static int directive(struct parser *ps, unsigned int lineno, const char *s,
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
		seen = &ps->seen_syntax;
	else if (!strcmp(key, "escape"))
		seen = &ps->seen_escape;
	else if (!strcmp(key, "check"))
		seen = &ps->seen_check;
	else
		goto not_directive;
	if (*seen)
		return fail(ps, lineno, "only one %s parser directive can be "
			    "used", key);
	*seen = true;
	if (seen != &ps->seen_escape)
		return 0;
	if (v_end - v == 1 && (s[v] == '`' || s[v] == '\\')) {
		ps->escape = s[v];
		return 0;
	}
	snprintf(value, sizeof(value), "%.*s", (int)(v_end - v), s + v);
	return fail(ps, lineno, "invalid escape token '%s' does not match ` "
		    "or \\", value);
not_directive:
	ps->directives_done = true;
	return 0;
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

/* --- JSON arrays (Go's encoding/json, as far as a [string...] needs) --- */

struct json {
	const char *p, *end;
	int depth;
	bool nul;		/* a string held \u0000 */
};

static void json_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hex4(const char *p, const char *end)
{
	int v = 0, i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* A string at j->p; decoded into out when not NULL.  False: invalid. */
static bool json_string(struct json *j, struct sbuf *out)
{
	struct sbuf sink = { 0 };

	if (!out)
		out = &sink;
	j->p++;
	for (;;) {
		unsigned char c;
		uint32_t r;
		int u, u2;

		if (j->p >= j->end)
			goto free_sink;
		c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			sb_free(&sink);
			return true;
		}
		if (c < 0x20)
			goto free_sink;
		if (c >= 0x80) {
			/* Bytes that are not UTF-8 become U+FFFD. */
			j->p += gomatch_decode_rune(j->p, j->end - j->p, &r);
			sb_add_rune(out, r);
			continue;
		}
		if (c != '\\') {
			sb_addc(out, (char)c);
			j->p++;
			continue;
		}
		if (++j->p >= j->end)
			goto free_sink;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"': case '\\': case '/':
			sb_addc(out, (char)c);
			break;
		case 'b':
			sb_addc(out, '\b');
			break;
		case 'f':
			sb_addc(out, '\f');
			break;
		case 'n':
			sb_addc(out, '\n');
			break;
		case 'r':
			sb_addc(out, '\r');
			break;
		case 't':
			sb_addc(out, '\t');
			break;
		case 'u':
			u = hex4(j->p, j->end);
			if (u < 0)
				goto free_sink;
			j->p += 4;
			if (u >= 0xD800 && u < 0xE000) {
				/* A surrogate pair, or U+FFFD. */
				u2 = j->end - j->p >= 6 && j->p[0] == '\\' &&
				     j->p[1] == 'u' ? hex4(j->p + 2, j->end) :
						      -1;
				if (u < 0xDC00 && u2 >= 0xDC00 && u2 < 0xE000) {
					j->p += 6;
					u = 0x10000 + ((u - 0xD800) << 10) +
					    (u2 - 0xDC00);
				} else {
					u = 0xFFFD;
				}
			}
			if (u == 0)
				j->nul = true;
			sb_add_rune(out, (uint32_t)u);
			break;
		default:
			goto free_sink;
		}
	}
free_sink:
	sb_free(&sink);
	return false;
}

static bool json_digits(struct json *j)
{
	const char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool json_number(struct json *j)
{
	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!json_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!json_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!json_digits(j))
			return false;
	}
	return true;
}

static bool json_literal(struct json *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return false;
	j->p += n;
	return true;
}

static bool json_value(struct json *j);

/* An array or object at j->p; close is ']' or '}'. */
static bool json_container(struct json *j, char close)
{
	if (++j->depth > JSON_MAX_DEPTH)
		return false;
	j->p++;
	json_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		json_ws(j);
		if (close == '}') {
			if (j->p >= j->end || *j->p != '"' ||
			    !json_string(j, NULL))
				return false;
			json_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return false;
			json_ws(j);
		}
		if (!json_value(j))
			return false;
		json_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return false;
		j->depth--;
		return true;
	}
}

static bool json_value(struct json *j)
{
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return json_container(j, '}');
	case '[':
		return json_container(j, ']');
	case '"':
		return json_string(j, NULL);
	case 't':
		return json_literal(j, "true");
	case 'f':
		return json_literal(j, "false");
	case 'n':
		return json_literal(j, "null");
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return json_number(j);
		return false;
	}
}

/*
 * s[0..n) starts with '['.  1: a valid JSON array, its strings in out
 * (*other set when some element is not a string).  0: not valid JSON, so
 * the caller reads words instead.  -ENOMEM.
 */
static int json_array(const char *s, size_t n, struct strv *out,
		      bool *other, bool *nul)
{
	struct json j = { s, s + n, 1, false };
	struct sbuf b = { 0 };
	int err = 0;

	*other = false;
	j.p++;
	json_ws(&j);
	if (j.p < j.end && *j.p == ']') {
		j.p++;
		goto tail;
	}
	for (;;) {
		json_ws(&j);
		if (j.p < j.end && *j.p == '"') {
			b.n = 0;
			if (!json_string(&j, &b))
				goto drop_strings;
			err = strv_push(out, sb_dup(&b));
			if (err)
				goto free_buf;
		} else {
			if (!json_value(&j))
				goto drop_strings;
			*other = true;
		}
		json_ws(&j);
		if (j.p >= j.end)
			goto drop_strings;
		if (*j.p == ',') {
			j.p++;
			continue;
		}
		if (*j.p++ != ']')
			goto drop_strings;
		break;
	}
tail:
	json_ws(&j);
	if (j.p != j.end)
		goto drop_strings;
	*nul = j.nul;
	err = 1;
	goto free_buf;
drop_strings:
	strv_free(out);
	*other = false;
	err = 0;
free_buf:
	if (b.oom && err >= 0) {
		strv_free(out);
		err = -ENOMEM;
	}
	sb_free(&b);
	return err;
}

/* --- flags --- */

enum flag_type { FLAG_BOOL, FLAG_STRING, FLAG_STRINGS };

/* In the order parseCopy adds them; a suggestion prefers earlier ones. */
static const struct {
	const char *name;
	enum flag_type type;
} copy_flags[] = {
	{ "chown", FLAG_STRING },
	{ "from", FLAG_STRING },
	{ "chmod", FLAG_STRING },
	{ "link", FLAG_BOOL },
	{ "exclude", FLAG_STRINGS },
	{ "parents", FLAG_BOOL },
};

#define NFLAGS (sizeof(copy_flags) / sizeof(copy_flags[0]))

/* Levenshtein distance in runes, or a big number for long strings. */
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
static const char *suggest_flag(const char *name)
{
	size_t i, best = 3, d;
	const char *match = NULL;

	for (i = 0; i < NFLAGS; i++) {
		d = distance(name, copy_flags[i].name);
		if (d < best) {
			best = d;
			match = copy_flags[i].name;
		}
	}
	return match;
}

/* BFlags.Parse over the flag words, into instr. */
static int parse_flags(struct parser *ps, unsigned int lineno,
		       const struct strv *words, struct copyline_instr *in,
		       struct strv *excludes)
{
	bool used[NFLAGS] = { false };
	size_t i, f;
	int err;

	for (i = 0; i < words->n; i++) {
		char *a = words->v[i], *eq, *name, *value, **slot;
		const char *hint;

		if (strncmp(a, "--", 2))
			return fail(ps, lineno, "arg should start with -- : "
				    "%s", a);
		eq = strchr(a, '=');
		if (eq)
			*eq = '\0';
		name = a + 2;
		value = eq ? eq + 1 : NULL;
		for (f = 0; f < NFLAGS; f++)
			if (!strcmp(name, copy_flags[f].name))
				break;
		if (f == NFLAGS) {
			hint = suggest_flag(name);
			if (hint)
				return fail(ps, lineno, "unknown flag: %s "
					    "(did you mean %s?)", a, hint);
			return fail(ps, lineno, "unknown flag: %s", a);
		}
		if (used[f] && copy_flags[f].type != FLAG_STRINGS)
			return fail(ps, lineno, "duplicate flag specified: %s",
				    a);
		used[f] = true;
		if (copy_flags[f].type == FLAG_BOOL) {
			bool *b = !strcmp(name, "link") ? &in->link :
							  &in->parents;

			if (value && !*value)
				return fail(ps, lineno, "missing a value on "
					    "flag: %s", a);
			if (!value || !strcasecmp(value, "true")) {
				*b = true;
			} else if (!strcasecmp(value, "false")) {
				*b = false;
			} else {
				return fail(ps, lineno, "expecting boolean "
					    "value for flag %s, not: %s", a,
					    value);
			}
			continue;
		}
		if (!value)
			return fail(ps, lineno, "missing a value on flag: %s",
				    a);
		if (copy_flags[f].type == FLAG_STRINGS) {
			err = strv_push(excludes, strdup(value));
			if (err)
				return err;
			continue;
		}
		slot = !strcmp(name, "chown") ? &in->chown :
		       !strcmp(name, "from") ? &in->from : &in->chmod;
		free(*slot);
		*slot = strdup(value);
		if (!*slot)
			return -ENOMEM;
	}
	return 0;
}

/*
 * ProcessWord without variables: quotes and escapes removed, '$' kept.
 * Returns 0, -EINVAL (message in ps) or -ENOMEM.
 */
static int process_word(struct parser *ps, unsigned int lineno,
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
		quote_into(&q, word);
		err = q.oom ? -ENOMEM :
		      fail(ps, lineno, "failed to process %s: unexpected end "
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

/* parser.ParseHeredoc: ^\d*<<-?\s*([^<]*)$ with something after "<<". */
static bool is_heredoc(const char *w)
{
	while (*w >= '0' && *w <= '9')
		w++;
	if (strncmp(w, "<<", 2))
		return false;
	w += 2;
	if (*w == '-')
		w++;
	while (is_re_space(*w))
		w++;
	return *w && !strchr(w, '<');
}

static void instr_free(struct copyline_instr *in)
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

/* Split s[0..n) at runs of [\t\v\f\r ] (it has no blanks around it). */
static int split_words(const char *s, size_t n, struct strv *out)
{
	size_t pos = 0, start;
	int err;

	while (pos < n) {
		start = pos;
		while (pos < n && !is_blank(s[pos]))
			pos++;
		err = strv_push(out, strndup(s + start, pos - start));
		if (err)
			return err;
		while (pos < n && is_blank(s[pos]))
			pos++;
	}
	return 0;
}

/* One joined instruction line. */
static int parse_instruction(struct parser *ps, unsigned int lineno,
			     const char *text, size_t len,
			     struct copyline_instr *in)
{
	struct strv flags = { 0 }, args = { 0 }, excludes = { 0 };
	size_t start, end, cmd_end, rest, args_off, i;
	bool other = false, nul = false;
	const char *s;
	char *w;
	int err;

	memset(in, 0, sizeof(*in));
	in->line = lineno;
	gomatch_trim_space(text, len, &start, &end);
	s = text + start;
	len = end - start;
	for (cmd_end = 0; cmd_end < len && !is_blank(s[cmd_end]); cmd_end++)
		;
	if (cmd_end != 4 || strncasecmp(s, "copy", 4)) {
		err = fail(ps, lineno, "unsupported instruction \"%.*s\": "
			   "stagecp exec runs COPY instructions only",
			   (int)cmd_end, s);
		goto free_words;
	}
	for (rest = cmd_end; rest < len && is_blank(s[rest]); rest++)
		;
	err = extract_flags(ps, s + rest, len - rest, &flags, &args_off);
	if (err)
		goto free_words;
	s += rest + args_off;
	len -= rest + args_off;
	gomatch_trim_space(s, len, &start, &end);
	s += start;
	len = end - start;

	err = 0;
	if (len > 0 && s[0] == '[') {
		err = json_array(s, len, &args, &other, &nul);
		if (err < 0)
			goto free_words;
		in->json = err == 1;
		if (other) {
			err = fail(ps, lineno, "when using JSON array syntax, "
				   "arrays must be comprised of strings only");
			goto free_words;
		}
		if (nul) {
			err = fail(ps, lineno, "a NUL character in a JSON "
				   "string is not supported");
			goto free_words;
		}
	}
	if (!in->json) {
		err = split_words(s, len, &args);
		if (err)
			goto free_words;
	}
	if (args.n < 2) {
		err = fail(ps, lineno, "COPY requires at least two arguments, "
			   "but only one was provided. Destination could not "
			   "be determined");
		goto free_words;
	}
	err = parse_flags(ps, lineno, &flags, in, &excludes);
	if (err)
		goto free_words;
	if (is_heredoc(args.v[args.n - 1])) {
		err = fail(ps, lineno, "COPY cannot accept a heredoc as a "
			   "destination");
		goto free_words;
	}
	for (i = 0; i + 1 < args.n; i++) {
		if (is_heredoc(args.v[i])) {
			err = fail(ps, lineno, "heredoc sources are not "
				   "supported by stagecp exec");
			goto free_words;
		}
	}
	if (in->from) {
		err = process_word(ps, lineno, in->from, &w);
		if (err)
			goto free_words;
		if (strcmp(w, in->from) || has_variable(in->from))
			err = fail(ps, lineno, "variable expansion is not "
				   "supported for --from, define a new stage "
				   "with FROM using ARG from global scope as a "
				   "workaround");
		free(w);
		if (err)
			goto free_words;
	}
	/* What BuildKit expands, we unquote. */
	for (i = 0; i < args.n; i++) {
		err = process_word(ps, lineno, args.v[i], &w);
		if (err)
			goto free_words;
		free(args.v[i]);
		args.v[i] = w;
	}
	if (in->chown) {
		err = process_word(ps, lineno, in->chown, &w);
		if (err)
			goto free_words;
		free(in->chown);
		in->chown = w;
	}
	if (in->chmod) {
		err = process_word(ps, lineno, in->chmod, &w);
		if (err)
			goto free_words;
		free(in->chmod);
		in->chmod = w;
	}
	in->dest = args.v[--args.n];
	in->srcs = args.v;
	in->nsrcs = args.n;
	args.v = NULL;
	args.n = 0;
	in->excludes = excludes.v;
	in->nexcludes = excludes.n;
	excludes.v = NULL;
	excludes.n = 0;
free_words:
	strv_free(&flags);
	strv_free(&args);
	strv_free(&excludes);
	if (err)
		instr_free(in);
	return err;
}

static int list_add(struct copyline_list *list, size_t *cap,
		    const struct copyline_instr *in)
{
	if (list->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct copyline_instr *n = realloc(list->instrs,
						   ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		list->instrs = n;
		*cap = ncap;
	}
	list->instrs[list->count++] = *in;
	return 0;
}

void copyline_list_free(struct copyline_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		instr_free(&list->instrs[i]);
	free(list->instrs);
	list->instrs = NULL;
	list->count = 0;
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

int copyline_parse(const char *text, struct copyline_list *out,
		   char *errbuf, size_t errlen)
{
	struct parser ps = { .escape = '\\', .errbuf = errbuf,
			     .errlen = errlen };
	struct sbuf joined = { 0 };
	unsigned int lineno = 0, start;
	size_t pos = 0, cap = 0, n, lead;
	const char *line;
	int err = 0;

	out->instrs = NULL;
	out->count = 0;
	while (!err && next_line(text, &pos, &line, &n)) {
		struct copyline_instr in;
		bool more;

		if (++lineno == 1 && n >= 3 && !memcmp(line, BOM, 3)) {
			line += 3;
			n -= 3;
		}
		n = trim_newline(line, n);
		lead = leading_space(line, n);
		line += lead;
		n -= lead;
		if (!ps.directives_done) {
			err = directive(&ps, lineno, line, n);
			if (err)
				break;
		}
		if (is_comment(line, n))
			n = 0;
		start = lineno;
		more = continues(&ps, line, &n);
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
			more = continues(&ps, line, &n);
			sb_add(&joined, line, n);
		}
		if (joined.oom) {
			err = -ENOMEM;
			break;
		}
		err = parse_instruction(&ps, start, joined.p, joined.n, &in);
		if (!err) {
			err = list_add(out, &cap, &in);
			if (err)
				instr_free(&in);
		}
	}
	sb_free(&joined);
	if (!err && out->count == 0)
		err = fail(&ps, lineno ? lineno : 1, "file with no "
			   "instructions");
	if (err)
		copyline_list_free(out);
	return err;
}
