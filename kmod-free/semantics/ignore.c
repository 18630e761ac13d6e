// SPDX-License-Identifier: MIT
/*
 * Pattern lists with moby/patternmatcher semantics (see ignore.h).
 *
 * patternmatcher turns each pattern into a Go regexp.  We keep its choice
 * of match type (plain string, prefix, suffix or regexp) and, for the
 * regexp kind, compile the pattern into a short token list run as an NFA
 * over the path's runes: linear time, no backtracking, no libc regex
 * dialect to second-guess (POSIX brackets treat '\' differently from Go).
 */
#include "semantics/ignore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semantics/gomatch.h"

/* A longer pattern is rejected; it bounds the NFA's on-stack state. */
#define IGNORE_MAX_TOKENS 4096

#define ERR_SYNTAX "syntax error in pattern"
#define ERR_BANG "illegal exclusion pattern: \"!\""

enum match_kind {
	MATCH_EXACT,	/* no wildcard: path == text */
	MATCH_PREFIX,	/* only a final "**": path starts with text - "**" */
	MATCH_SUFFIX,	/* starts with "**", then no wildcard */
	MATCH_REGEXP,
};

enum tok_kind {
	TOK_LIT,	/* one rune */
	TOK_STAR,	/* [^/]* */
	TOK_QMARK,	/* [^/] */
	TOK_DSTAR,	/* (.*\/)? : whole components, or nothing */
	TOK_DSTAR_END,	/* .* at the end */
	TOK_CLASS,	/* [...] */
	TOK_BOL,	/* ^ outside a class: only at the start */
};

struct rune_range {
	uint32_t lo, hi;
};

struct tok {
	enum tok_kind kind;
	bool negated;		/* TOK_CLASS */
	uint32_t rune;		/* TOK_LIT */
	size_t first, count;	/* TOK_CLASS: its slice of ranges[] */
};

struct ignore_pattern {
	char *text;		/* cleaned, without the '!' */
	size_t len;
	bool exclusion;
	enum match_kind kind;
	struct tok *toks;
	size_t ntoks;
	struct rune_range *ranges;
	size_t nranges;
};

static void set_err(char *errbuf, size_t errlen, const char *msg)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", msg);
}

static int push_tok(struct ignore_pattern *p, size_t *cap, struct tok t)
{
	if (p->ntoks >= IGNORE_MAX_TOKENS)
		return -ENAMETOOLONG;
	if (p->ntoks == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct tok *n = realloc(p->toks, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->toks = n;
		*cap = ncap;
	}
	p->toks[p->ntoks++] = t;
	return 0;
}

static int push_kind(struct ignore_pattern *p, size_t *cap,
		     enum tok_kind kind)
{
	struct tok t = { .kind = kind };

	return push_tok(p, cap, t);
}

static int push_range(struct ignore_pattern *p, size_t *cap, uint32_t lo,
		      uint32_t hi)
{
	if (p->nranges == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct rune_range *n = realloc(p->ranges, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->ranges = n;
		*cap = ncap;
	}
	p->ranges[p->nranges].lo = lo;
	p->ranges[p->nranges].hi = hi;
	p->nranges++;
	return 0;
}

/*
 * One class item at s[*pos..n), maybe escaped, with filepath.Match's
 * rules (the pattern was validated by it, so errors are not expected).
 */
static int class_item(const char *s, size_t n, size_t *pos, uint32_t *r)
{
	size_t len;

	if (*pos >= n || s[*pos] == '-' || s[*pos] == ']')
		return -EINVAL;
	if (s[*pos] == '\\' && ++*pos >= n)
		return -EINVAL;
	len = gomatch_decode_rune(s + *pos, n - *pos, r);
	if (*r == GOMATCH_RUNE_ERROR && len == 1)
		return -EINVAL;
	*pos += len;
	return *pos < n ? 0 : -EINVAL;
}

/* A class starting after its '[' at s[*pos]; *pos ends after its ']'. */
static int compile_class(struct ignore_pattern *p, size_t *tcap,
			 size_t *rcap, const char *s, size_t n, size_t *pos)
{
	struct tok t = { .kind = TOK_CLASS, .first = p->nranges };
	uint32_t lo, hi;
	int err;

	if (*pos < n && s[*pos] == '^') {
		t.negated = true;
		++*pos;
	}
	for (;;) {
		if (*pos < n && s[*pos] == ']' && t.count > 0) {
			++*pos;
			break;
		}
		err = class_item(s, n, pos, &lo);
		if (err)
			return err;
		hi = lo;
		if (s[*pos] == '-') {
			++*pos;
			err = class_item(s, n, pos, &hi);
			if (err)
				return err;
		}
		/* Go's regexp refuses a reversed range. */
		if (lo > hi)
			return -EINVAL;
		err = push_range(p, rcap, lo, hi);
		if (err)
			return err;
		t.count++;
	}
	return push_tok(p, tcap, t);
}

/*
 * Follow patternmatcher's compile loop: it decides the match kind as it
 * goes, and we record the regexp it would build as tokens.
 */
static int compile_pattern(struct ignore_pattern *p)
{
	const char *s = p->text;
	size_t n = p->len, pos = 0, iter, tcap = 0, rcap = 0;
	struct tok lit = { .kind = TOK_LIT };
	int err = 0;

	p->kind = MATCH_EXACT;
	for (iter = 0; pos < n && !err; iter++) {
		uint32_t ch;

		pos += gomatch_decode_rune(s + pos, n - pos, &ch);
		if (ch == '*') {
			if (pos < n && s[pos] == '*') {
				pos++;
				/* "**" eats the '/' after it. */
				if (pos < n && s[pos] == '/')
					pos++;
				if (pos == n) {
					if (p->kind == MATCH_EXACT) {
						p->kind = MATCH_PREFIX;
					} else {
						err = push_kind(p, &tcap,
								TOK_DSTAR_END);
						p->kind = MATCH_REGEXP;
					}
				} else {
					err = push_kind(p, &tcap, TOK_DSTAR);
					p->kind = MATCH_REGEXP;
				}
				if (iter == 0)
					p->kind = MATCH_SUFFIX;
			} else {
				err = push_kind(p, &tcap, TOK_STAR);
				p->kind = MATCH_REGEXP;
			}
		} else if (ch == '?') {
			err = push_kind(p, &tcap, TOK_QMARK);
			p->kind = MATCH_REGEXP;
		} else if (ch == '\\') {
			/* An escaped rune; a lone final '\' stays as it is. */
			if (pos < n) {
				pos += gomatch_decode_rune(s + pos, n - pos,
							   &lit.rune);
				p->kind = MATCH_REGEXP;
			} else {
				lit.rune = '\\';
			}
			err = push_tok(p, &tcap, lit);
		} else if (ch == '[') {
			p->kind = MATCH_REGEXP;
			err = compile_class(p, &tcap, &rcap, s, n, &pos);
		} else if (ch == ']') {
			p->kind = MATCH_REGEXP;
			lit.rune = ch;
			err = push_tok(p, &tcap, lit);
		} else if (ch == '^') {
			/* Not escaped by patternmatcher: a regexp anchor. */
			err = push_kind(p, &tcap, TOK_BOL);
		} else {
			lit.rune = ch;
			err = push_tok(p, &tcap, lit);
		}
	}
	return err;
}

void ignore_free(struct ignore *ig)
{
	size_t i;

	for (i = 0; i < ig->count; i++) {
		free(ig->patterns[i].text);
		free(ig->patterns[i].toks);
		free(ig->patterns[i].ranges);
	}
	free(ig->patterns);
	ig->patterns = NULL;
	ig->count = 0;
	ig->exclusions = false;
}

int ignore_compile(struct ignore *ig, const char *const *patterns, size_t n,
		   char *errbuf, size_t errlen)
{
	size_t i;
	int err = 0;

	ig->patterns = NULL;
	ig->count = 0;
	ig->exclusions = false;
	if (n == 0)
		return 0;
	ig->patterns = calloc(n, sizeof(*ig->patterns));
	if (!ig->patterns)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct ignore_pattern *p = &ig->patterns[ig->count];
		size_t start, end;
		char *trimmed, *clean;

		gomatch_trim_space(patterns[i], strlen(patterns[i]), &start,
				   &end);
		if (start == end)
			continue;
		trimmed = strndup(patterns[i] + start, end - start);
		if (!trimmed) {
			err = -ENOMEM;
			break;
		}
		err = gomatch_clean(trimmed, &clean);
		free(trimmed);
		if (err)
			break;
		ig->count++;
		p->text = clean;
		/* The '!' is looked at after cleaning, like Go does. */
		if (clean[0] == '!') {
			if (!clean[1]) {
				set_err(errbuf, errlen, ERR_BANG);
				err = -EINVAL;
				break;
			}
			memmove(clean, clean + 1, strlen(clean));
			p->exclusion = true;
			ig->exclusions = true;
		}
		p->len = strlen(p->text);
		if (gomatch_validate(p->text) < 0) {
			set_err(errbuf, errlen, ERR_SYNTAX);
			err = -EINVAL;
			break;
		}
		err = compile_pattern(p);
		if (err == -EINVAL)
			set_err(errbuf, errlen, ERR_SYNTAX);
		else if (err == -ENAMETOOLONG)
			set_err(errbuf, errlen, "pattern too long");
		if (err)
			break;
	}
	if (err)
		ignore_free(ig);
	return err;
}

bool ignore_has_exclusions(const struct ignore *ig)
{
	return ig->exclusions;
}

int ignore_info_init(const struct ignore *ig, struct ignore_info *info)
{
	info->known = false;
	/* One spare byte so an empty list still gets a distinct buffer. */
	info->matched = calloc(ig->count + 1, 1);
	return info->matched ? 0 : -ENOMEM;
}

void ignore_info_free(struct ignore_info *info)
{
	free(info->matched);
	info->matched = NULL;
	info->known = false;
}

/* The NFA's state: "before token i" and "inside the .* of DSTAR i". */
#define WORDS(ntoks) (((ntoks) + 1 + 63) / 64)

struct nfa {
	const struct ignore_pattern *p;
	size_t words;
	uint64_t *at, *in;
};

static bool bit(const uint64_t *set, size_t i)
{
	return set[i / 64] >> (i % 64) & 1;
}

static void set_bit(uint64_t *set, size_t i)
{
	set[i / 64] |= (uint64_t)1 << (i % 64);
}

static bool class_has(const struct ignore_pattern *p, const struct tok *t,
		      uint32_t r)
{
	size_t i;

	for (i = t->first; i < t->first + t->count; i++)
		if (p->ranges[i].lo <= r && r <= p->ranges[i].hi)
			return !t->negated;
	return t->negated;
}

/* Follow the empty moves; they only go forward, so one pass is enough. */
static void nfa_close(struct nfa *m, bool at_start)
{
	size_t i;

	for (i = 0; i < m->p->ntoks; i++) {
		if (!bit(m->at, i))
			continue;
		switch (m->p->toks[i].kind) {
		case TOK_BOL:
			if (at_start)
				set_bit(m->at, i + 1);
			break;
		case TOK_DSTAR:
			set_bit(m->in, i);
			set_bit(m->at, i + 1);
			break;
		case TOK_STAR:
		case TOK_DSTAR_END:
			set_bit(m->at, i + 1);
			break;
		default:
			break;
		}
	}
}

/* Consume rune r from m's state into next's; false when nothing is left. */
static bool nfa_step(const struct nfa *m, struct nfa *next, uint32_t r)
{
	const struct ignore_pattern *p = m->p;
	bool alive = false;
	size_t i;

	memset(next->at, 0, m->words * sizeof(uint64_t));
	memset(next->in, 0, m->words * sizeof(uint64_t));
	for (i = 0; i < p->ntoks; i++) {
		const struct tok *t = &p->toks[i];

		if (bit(m->in, i)) {
			/* Go's '.' stops at a newline. */
			if (r != '\n') {
				set_bit(next->in, i);
				alive = true;
			}
			if (r == '/') {
				set_bit(next->at, i + 1);
				alive = true;
			}
		}
		if (!bit(m->at, i))
			continue;
		switch (t->kind) {
		case TOK_LIT:
			if (r == t->rune) {
				set_bit(next->at, i + 1);
				alive = true;
			}
			break;
		case TOK_STAR:
			if (r != '/') {
				set_bit(next->at, i);
				alive = true;
			}
			break;
		case TOK_QMARK:
			if (r != '/') {
				set_bit(next->at, i + 1);
				alive = true;
			}
			break;
		case TOK_CLASS:
			if (class_has(p, t, r)) {
				set_bit(next->at, i + 1);
				alive = true;
			}
			break;
		case TOK_DSTAR_END:
			if (r != '\n') {
				set_bit(next->at, i);
				alive = true;
			}
			break;
		default:
			break;
		}
	}
	return alive;
}

/*
 * Run the NFA of p over s[0..n).  Returns whether it accepts; *alive tells
 * whether some state survived the input (s could be the start of a match).
 */
static bool nfa_run(const struct ignore_pattern *p, const char *s, size_t n,
		    bool *alive)
{
	size_t words = WORDS(p->ntoks), pos = 0;
	uint64_t buf[4][WORDS(IGNORE_MAX_TOKENS)];
	struct nfa a = { p, words, buf[0], buf[1] };
	struct nfa b = { p, words, buf[2], buf[3] };
	struct nfa *cur = &a, *next = &b, *tmp;
	size_t i;

	memset(a.at, 0, words * sizeof(uint64_t));
	memset(a.in, 0, words * sizeof(uint64_t));
	set_bit(a.at, 0);
	nfa_close(cur, true);
	while (pos < n) {
		uint32_t r;

		pos += gomatch_decode_rune(s + pos, n - pos, &r);
		if (!nfa_step(cur, next, r)) {
			*alive = false;
			return false;
		}
		nfa_close(next, false);
		tmp = cur;
		cur = next;
		next = tmp;
	}
	*alive = false;
	for (i = 0; i < p->ntoks; i++)
		if (bit(cur->at, i) || bit(cur->in, i))
			*alive = true;
	return bit(cur->at, p->ntoks);
}

static bool has_suffix(const char *s, size_t n, const char *suf, size_t k)
{
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* patternmatcher's Pattern.match for one pattern. */
static bool pattern_match(const struct ignore_pattern *p, const char *path,
			  size_t n)
{
	const char *suf;
	bool alive;

	switch (p->kind) {
	case MATCH_EXACT:
		return n == p->len && memcmp(path, p->text, n) == 0;
	case MATCH_PREFIX:
		return n >= p->len - 2 &&
		       memcmp(path, p->text, p->len - 2) == 0;
	case MATCH_SUFFIX:
		suf = p->text + 2;
		if (has_suffix(path, n, suf, p->len - 2))
			return true;
		/* "**\/foo" also matches "foo". */
		return suf[0] == '/' && n == p->len - 3 &&
		       memcmp(path, suf + 1, n) == 0;
	case MATCH_REGEXP:
		return nfa_run(p, path, n, &alive);
	}
	return false;
}

/*
 * Without information from the parent, a pattern also matches when it
 * matches one of the parents: every prefix of filepath.Dir(path) that
 * ends before a '/', and the whole of it.  path is clean, so Dir() is the
 * part before the last '/' ("/" when that is the first byte).
 */
static bool parents_match(const struct ignore_pattern *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t i, n;

	if (!slash)
		return false;	/* Dir() is "." */
	n = slash - path;
	if (n == 0)
		n = 1;
	for (i = 0; i <= n; i++)
		if ((i == n || path[i] == '/') && pattern_match(p, path, i))
			return true;
	return false;
}

bool ignore_matches(const struct ignore *ig, const char *path,
		    const struct ignore_info *parent, struct ignore_info *out)
{
	bool known = parent && parent->known && ig->count > 0;
	size_t i, n = strlen(path);
	bool matched = false;

	if (out) {
		memset(out->matched, 0, ig->count);
		out->known = true;
	}
	for (i = 0; i < ig->count; i++) {
		const struct ignore_pattern *p = &ig->patterns[i];
		bool match = known && parent->matched[i];

		if (!match) {
			/*
			 * Only a pattern that could change the outcome is
			 * tried: an inclusion while not matched, an
			 * exclusion while matched.
			 */
			if (p->exclusion != matched)
				continue;
			match = pattern_match(p, path, n);
			if (!match && !known)
				match = parents_match(p, path);
		}
		if (out)
			out->matched[i] = match;
		if (match)
			matched = !p->exclusion;
	}
	return matched;
}

/* Could p match some path that starts with prefix (which ends in '/')? */
static bool pattern_may_extend(const struct ignore_pattern *p,
			       const char *prefix, size_t n)
{
	size_t k;
	bool alive;

	switch (p->kind) {
	case MATCH_EXACT:
		return p->len > n && memcmp(p->text, prefix, n) == 0;
	case MATCH_PREFIX:
		k = p->len - 2;
		return memcmp(p->text, prefix, k < n ? k : n) == 0;
	case MATCH_SUFFIX:
		return true;
	case MATCH_REGEXP:
		nfa_run(p, prefix, n, &alive);
		return alive;
	}
	return true;
}

bool ignore_may_match_below(const struct ignore *ig, const char *dir)
{
	size_t i, n = strlen(dir);
	char *prefix;
	bool r = false;

	if (n == 0) {
		/* Anything may lie below the root. */
		for (i = 0; i < ig->count; i++)
			if (!ig->patterns[i].exclusion)
				return true;
		return false;
	}
	prefix = malloc(n + 2);
	if (!prefix)
		return true;
	memcpy(prefix, dir, n);
	prefix[n] = '/';
	prefix[n + 1] = '\0';
	for (i = 0; i < ig->count && !r; i++) {
		const struct ignore_pattern *p = &ig->patterns[i];

		if (p->exclusion)
			continue;
		/* A match on dir or above is inherited by everything below. */
		r = pattern_match(p, dir, n) || parents_match(p, dir) ||
		    pattern_may_extend(p, prefix, n + 1);
	}
	free(prefix);
	return r;
}
