// SPDX-License-Identifier: MIT
/*
 * The JSON form of Dockerfile instructions (see dfjson.h): Go's
 * encoding/json, as far as an array of strings needs it.
 */
#include "semantics/dfjson.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "semantics/gomatch.h"
#include "semantics/strbuf.h"

#define JSON_MAX_DEPTH 10000	/* Go's encoding/json nesting limit */

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

int df_json_array(const char *s, size_t n, struct strv *out, bool *other,
		  bool *nul)
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
