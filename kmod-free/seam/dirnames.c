// SPDX-License-Identifier: MIT
/* The sorted names of one directory: see dirnames.h. */
#include "seam/dirnames.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seam/sys.h"

void dir_names_free(struct dir_names *d)
{
	free(d->arena);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int dir_names_add(struct dir_names *d, unsigned char type,
		  unsigned char layer, const char *name)
{
	size_t n = strlen(name) + 3;

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
	d->arena[d->used + 1] = (char)layer;
	memcpy(d->arena + d->used + 2, name, n - 2);
	d->used += n;
	d->n++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int r = strcmp(x + 2, y + 2);

	return r ? r : (unsigned char)x[1] - (unsigned char)y[1];
}

int dir_names_sort(struct dir_names *d)
{
	size_t i = 0;

	free(d->v);
	d->v = malloc((d->n ? d->n : 1) * sizeof(*d->v));
	if (!d->v)
		return -ENOMEM;
	for (size_t off = 0; off < d->used;
	     off += strlen(d->arena + off + 2) + 3)
		d->v[i++] = d->arena + off;
	qsort(d->v, d->n, sizeof(*d->v), name_cmp);
	return 0;
}

int dir_names_read(struct dir_names *d, int fd)
{
	int r = dir_names_append(d, fd, 0);

	return r < 0 ? r : dir_names_sort(d);
}

int dir_names_append(struct dir_names *d, int fd, unsigned char layer)
{
	char buf[32768];
	ssize_t n;

	while ((n = sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			int r;

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			r = dir_names_add(d, de->d_type, layer, de->d_name);
			if (r < 0)
				return r;
		}
	}
	return n < 0 ? (int)n : 0;
}
