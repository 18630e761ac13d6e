// SPDX-License-Identifier: MIT
/* Growing strings and string vectors (see strbuf.h). */
#include "semantics/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_add(struct sbuf *b, const char *s, size_t n)
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

void sb_addc(struct sbuf *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_add_rune(struct sbuf *b, uint32_t r)
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

void sb_add_quoted(struct sbuf *b, const char *s)
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

char *sb_dup(const struct sbuf *b)
{
	return b->oom ? NULL : strndup(b->p ? b->p : "", b->n);
}

char *sb_take(struct sbuf *b)
{
	char *p;

	if (b->oom) {
		sb_free(b);
		return NULL;
	}
	p = b->p ? b->p : strdup("");
	memset(b, 0, sizeof(*b));
	return p;
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int strv_push(struct strv *v, char *s)
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

void strv_free(struct strv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}
