// SPDX-License-Identifier: MIT
/* Path strings for messages and lexical cleaning: see pathbuf.h. */
#include "seam/pathbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int pathbuf_reserve(struct pathbuf *p, size_t need)
{
	size_t cap = p->cap ? p->cap : 256;
	char *s;

	if (need < p->cap)
		return 0;
	while (cap <= need)
		cap *= 2;
	s = realloc(p->s, cap);
	if (!s)
		return -ENOMEM;
	p->s = s;
	p->cap = cap;
	return 0;
}

int pathbuf_set(struct pathbuf *p, const char *s)
{
	size_t n = strlen(s);
	int r = pathbuf_reserve(p, n + 1);

	if (r < 0)
		return r;
	memcpy(p->s, s, n + 1);
	p->len = n;
	return 0;
}

int pathbuf_push(struct pathbuf *p, const char *name, size_t *old_len)
{
	size_t n = strlen(name);
	bool slash = !(p->len && p->s[p->len - 1] == '/');
	int r = pathbuf_reserve(p, p->len + n + 2);

	if (r < 0)
		return r;
	*old_len = p->len;
	if (slash)
		p->s[p->len++] = '/';
	memcpy(p->s + p->len, name, n + 1);
	p->len += n;
	return 0;
}

void pathbuf_pop(struct pathbuf *p, size_t old_len)
{
	p->len = old_len;
	p->s[old_len] = '\0';
}

void pathbuf_free(struct pathbuf *p)
{
	free(p->s);
	p->s = NULL;
	p->len = p->cap = 0;
}

bool path_names_dir(const char *path)
{
	size_t n = strlen(path);

	return n == 0 || !strcmp(path, ".") || path[n - 1] == '/' ||
	       (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/');
}

char *path_clean(const char *path)
{
	size_t n = strlen(path);
	char *out = malloc(n + 2);
	size_t o = 1;
	const char *p = path;

	if (!out)
		return NULL;
	out[0] = '/';
	while (*p) {
		const char *q;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* ".." stops at the root. */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
		} else {
			if (o > 1)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	out[o] = '\0';
	return out;
}

char *path_join_clean(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *tmp = malloc(na + nb + 2);
	char *out;

	if (!tmp)
		return NULL;
	memcpy(tmp, a, na);
	tmp[na] = '/';
	memcpy(tmp + na + 1, b, nb + 1);
	out = path_clean(tmp);
	free(tmp);
	return out;
}

const char *path_base(const char *clean)
{
	const char *s = strrchr(clean, '/');

	return s ? s + 1 : clean;
}

char *path_dir(const char *clean)
{
	const char *s = strrchr(clean, '/');
	size_t n = s && s != clean ? (size_t)(s - clean) : 1;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	memcpy(out, clean, n);
	out[n] = '\0';
	if (n == 1)
		out[0] = '/';
	return out;
}
