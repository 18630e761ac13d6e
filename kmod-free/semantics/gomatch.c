// SPDX-License-Identifier: MIT
/*
 * Go's filepath.Match (see gomatch.h).  fnmatch(3) is not used: it differs
 * from Go on '[!a]' (negation in POSIX), leading dots, escapes in classes,
 * ranges by rune and the "check the whole pattern" error rule.
 *
 * The pattern is cut into chunks: a run of '*' followed by the literal,
 * '?' and class items up to the next '*' outside a class.  A chunk is matched
 * at the current position; a leading star then retries it one byte further
 * on, never past a '/'.  Only the last chunk must consume the whole name.
 */
#include "semantics/gomatch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t gomatch_decode_rune(const char *s, size_t n, uint32_t *rune)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	uint32_t r;
	size_t len, i;

	if (n == 0) {
		*rune = GOMATCH_RUNE_ERROR;
		return 0;
	}
	if (p[0] < 0x80) {
		*rune = p[0];
		return 1;
	}
	/* The bounds of the second byte rule out overlongs and surrogates. */
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		r = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		r = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		r = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else {
		goto rune_error;
	}
	if (n < len)
		goto rune_error;
	for (i = 1; i < len; i++) {
		unsigned char c = p[i];

		if (c < lo || c > hi)
			goto rune_error;
		lo = 0x80;
		hi = 0xBF;
		r = r << 6 | (c & 0x3F);
	}
	*rune = r;
	return len;
rune_error:
	*rune = GOMATCH_RUNE_ERROR;
	return 1;
}

bool gomatch_is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200A;
}

void gomatch_trim_space(const char *s, size_t n, size_t *start, size_t *end)
{
	size_t pos = 0, len;
	bool leading = true;
	uint32_t r;

	*start = *end = 0;
	while (pos < n) {
		len = gomatch_decode_rune(s + pos, n - pos, &r);
		if (!gomatch_is_space(r)) {
			if (leading)
				*start = pos;
			leading = false;
			*end = pos + len;
		}
		pos += len;
	}
}

/* A piece of pattern or name: Go slices strings, so do we. */
struct span {
	const char *p;
	size_t n;
};

static void span_skip(struct span *s, size_t k)
{
	s->p += k;
	s->n -= k;
}

/* Take one rune off the front of s. */
static uint32_t span_next_rune(struct span *s)
{
	uint32_t r;

	span_skip(s, gomatch_decode_rune(s->p, s->n, &r));
	return r;
}

/*
 * Cut the next chunk off *pat.  *star tells whether stars preceded it.
 * A backslash hides the next byte from the chunk scanner; a '*' inside
 * brackets does not end the chunk (Go's scanChunk, errors left to
 * match_chunk).
 */
static struct span scan_chunk(struct span *pat, bool *star)
{
	struct span chunk;
	bool inrange = false;
	size_t i;

	*star = false;
	while (pat->n > 0 && pat->p[0] == '*') {
		span_skip(pat, 1);
		*star = true;
	}
	for (i = 0; i < pat->n; i++) {
		char c = pat->p[i];

		if (c == '\\') {
			if (i + 1 < pat->n)
				i++;
		} else if (c == '[') {
			inrange = true;
		} else if (c == ']') {
			inrange = false;
		} else if (c == '*' && !inrange) {
			break;
		}
	}
	chunk.p = pat->p;
	chunk.n = i;
	span_skip(pat, i);
	return chunk;
}

/*
 * One character of a class, maybe escaped (Go's getEsc).  A class item
 * cannot start with '-' or ']', cannot be invalid UTF-8 and must leave
 * something behind it (at least the closing ']').
 */
static int class_char(struct span *chunk, uint32_t *r)
{
	size_t len;

	if (chunk->n == 0 || chunk->p[0] == '-' || chunk->p[0] == ']')
		return -EINVAL;
	if (chunk->p[0] == '\\') {
		span_skip(chunk, 1);
		if (chunk->n == 0)
			return -EINVAL;
	}
	len = gomatch_decode_rune(chunk->p, chunk->n, r);
	if (*r == GOMATCH_RUNE_ERROR && len == 1)
		return -EINVAL;
	span_skip(chunk, len);
	if (chunk->n == 0)
		return -EINVAL;
	return 0;
}

/*
 * Match chunk against the start of s; on success *rest is what the chunk
 * left of s.  Once the match has failed the chunk is still parsed to the
 * end, so that a malformed chunk is reported whatever the name (Go 1.16+).
 * Returns 1, 0 or -EINVAL.
 */
static int match_chunk(struct span chunk, struct span s, struct span *rest)
{
	bool failed = false;

	while (chunk.n > 0) {
		if (!failed && s.n == 0)
			failed = true;
		switch (chunk.p[0]) {
		case '[': {
			uint32_t r = 0, lo, hi;
			bool negated = false, match = false;
			size_t nrange = 0;
			int err;

			if (!failed)
				r = span_next_rune(&s);
			span_skip(&chunk, 1);
			if (chunk.n > 0 && chunk.p[0] == '^') {
				negated = true;
				span_skip(&chunk, 1);
			}
			for (;;) {
				if (chunk.n > 0 && chunk.p[0] == ']' &&
				    nrange > 0) {
					span_skip(&chunk, 1);
					break;
				}
				err = class_char(&chunk, &lo);
				if (err)
					return err;
				hi = lo;
				if (chunk.p[0] == '-') {
					span_skip(&chunk, 1);
					err = class_char(&chunk, &hi);
					if (err)
						return err;
				}
				if (lo <= r && r <= hi)
					match = true;
				nrange++;
			}
			if (match == negated)
				failed = true;
			break;
		}
		case '?':
			if (!failed) {
				if (s.p[0] == '/')
					failed = true;
				span_next_rune(&s);
			}
			span_skip(&chunk, 1);
			break;
		case '\\':
			span_skip(&chunk, 1);
			if (chunk.n == 0)
				return -EINVAL;
			/* The escaped byte is a plain literal. */
			__attribute__((fallthrough));
		default:
			if (!failed) {
				if (chunk.p[0] != s.p[0])
					failed = true;
				span_skip(&s, 1);
			}
			span_skip(&chunk, 1);
			break;
		}
	}
	if (failed)
		return 0;
	*rest = s;
	return 1;
}

int gomatch_match(const char *pattern, const char *name)
{
	struct span pat = { pattern, strlen(pattern) };
	struct span s = { name, strlen(name) };

	while (pat.n > 0) {
		struct span chunk, rest;
		bool star;
		int r;

		chunk = scan_chunk(&pat, &star);
		/* A trailing star swallows the rest unless it has a '/'. */
		if (star && chunk.n == 0)
			return memchr(s.p, '/', s.n) == NULL;
		r = match_chunk(chunk, s, &rest);
		/* Only the last chunk has to use up the whole name. */
		if (r == 1 && (rest.n == 0 || pat.n > 0)) {
			s = rest;
			continue;
		}
		if (r < 0)
			return r;
		if (star) {
			bool found = false;
			size_t i;

			/* Retry one byte further on, never past a '/'. */
			for (i = 0; i < s.n && s.p[i] != '/'; i++) {
				struct span t = { s.p + i + 1, s.n - i - 1 };

				r = match_chunk(chunk, t, &rest);
				if (r == 1) {
					if (pat.n == 0 && rest.n > 0)
						continue;
					found = true;
					break;
				}
				if (r < 0)
					return r;
			}
			if (found) {
				s = rest;
				continue;
			}
		}
		/* No match: still report a malformed remainder. */
		while (pat.n > 0) {
			struct span empty = { "", 0 };

			chunk = scan_chunk(&pat, &star);
			if (match_chunk(chunk, empty, &rest) < 0)
				return -EINVAL;
		}
		return 0;
	}
	return s.n == 0;
}

int gomatch_validate(const char *pattern)
{
	int r = gomatch_match(pattern, "");

	return r < 0 ? r : 0;
}

bool gomatch_has_wildcard(const char *path)
{
	for (; *path; path++) {
		if (*path == '\\') {
			if (!*++path)
				break;
		} else if (*path == '*' || *path == '?' || *path == '[') {
			return true;
		}
	}
	return false;
}

/* Byte-span variant of gomatch_has_wildcard for one component. */
static bool span_has_wildcard(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '*' || p[i] == '?' || p[i] == '[')
			return true;
	}
	return false;
}

/*
 * Clean path[0..n) into out, which has room for n + 1 bytes (a clean path
 * is never longer than its input, "" -> "." aside).  Returns the length.
 */
static size_t clean_into(const char *path, size_t n, char *out)
{
	bool rooted = n > 0 && path[0] == '/';
	size_t r = 0, w = 0, dotdot = 0;

	if (n == 0) {
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' &&
			   (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' &&
			   (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				/* Back up over the last element. */
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				/* Nothing to eat: keep the ".." */
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && path[r] != '/')
				out[w++] = path[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return w;
}

int gomatch_clean(const char *path, char **out)
{
	size_t n = strlen(path);

	*out = malloc(n + 2);
	if (!*out)
		return -ENOMEM;
	clean_into(path, n, *out);
	return 0;
}

static char *dup_n(const char *p, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, p, n);
		d[n] = '\0';
	}
	return d;
}

int gomatch_split_wildcard(const char *path, char **prefix, char **rest)
{
	size_t n, start, cut;
	char *clean;
	int err;

	*prefix = *rest = NULL;
	/* filepath.Join(p) of a lone "" is "", of anything else Clean(p). */
	if (!*path) {
		clean = strdup("");
		if (!clean)
			return -ENOMEM;
	} else {
		err = gomatch_clean(path, &clean);
		if (err)
			return err;
	}
	n = strlen(clean);
	/* Find the first component with a wildcard; cut is its offset. */
	cut = n;
	for (start = 0; start <= n;) {
		size_t end = start;

		while (end < n && clean[end] != '/')
			end++;
		if (span_has_wildcard(clean + start, end - start)) {
			cut = start;
			break;
		}
		start = end + 1;
	}
	/*
	 * Every piece of a clean path cut at a component boundary is clean
	 * itself.  Go joins the components before the cut with the empty root
	 * component read as "/": a lone root, or no component at all when
	 * the path is empty, gives "/".
	 */
	if (cut == n) {
		*prefix = *clean ? strdup(clean) : strdup("/");
		*rest = strdup("");
	} else {
		if (cut == 1 && clean[0] == '/')
			*prefix = strdup("/");
		else
			*prefix = dup_n(clean, cut ? cut - 1 : 0);
		*rest = strdup(clean + cut);
	}
	free(clean);
	if (!*prefix || !*rest) {
		free(*prefix);
		free(*rest);
		*prefix = *rest = NULL;
		return -ENOMEM;
	}
	return 0;
}
