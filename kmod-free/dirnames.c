// SPDX-License-Identifier: MIT
/* The sorted names of one directory: see dirnames.h. */
#include "dirnames.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

void dir_names_free(struct dir_names *d)
{
	free(d->arena);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int dir_names_add(struct dir_names *d, unsigned char type,
			 const char *name)
{
	size_t n = strlen(name) + 2;

	if (d->used + n > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		char *a;

		while (cap < d->used + n)
			cap *= 2;
		a = realloc(d->arena, cap);
		if (!a)
			return -ENOMEM;
		d->arena = a;
		d->cap = cap;
	}
	d->arena[d->used] = (char)type;
	memcpy(d->arena + d->used + 1, name, n - 1);
	d->used += n;
	d->n++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

int dir_names_read(struct dir_names *d, int fd)
{
	char buf[32768];
	ssize_t n;
	size_t i = 0;

	while ((n = sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			int r;

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			r = dir_names_add(d, de->d_type, de->d_name);
			if (r < 0)
				return r;
		}
	}
	if (n < 0)
		return (int)n;
	d->v = malloc((d->n ? d->n : 1) * sizeof(*d->v));
	if (!d->v)
		return -ENOMEM;
	for (size_t off = 0; off < d->used;
	     off += strlen(d->arena + off + 1) + 2)
		d->v[i++] = d->arena + off;
	qsort(d->v, d->n, sizeof(*d->v), name_cmp);
	return 0;
}
