/* SPDX-License-Identifier: MIT */
/*
 * The names of one directory, read with getdents64 and sorted bytewise:
 * the order BuildKit copies in and Go's filepath.Walk visits in.
 */
#ifndef STAGECP_DIRNAMES_H
#define STAGECP_DIRNAMES_H

#include <stddef.h>

struct dir_names {
	/* Per entry: the d_type byte, the layer byte (which directory of a
	 * layer stack holds it; 0 outside stacks), the name and its NUL. */
	char *arena;
	size_t used;
	size_t cap;
	char **v;		/* sorted; each points at a d_type byte */
	size_t n;
};

/* Read every name but "." and ".." of the directory fd, sorted. */
int dir_names_read(struct dir_names *d, int fd);
/* The same, unsorted, each name marked with layer: for layer stacks. */
int dir_names_append(struct dir_names *d, int fd, unsigned char layer);
/* Add one entry (names added after dir_names_read() are not sorted). */
int dir_names_add(struct dir_names *d, unsigned char type,
		  unsigned char layer, const char *name);
/* Sort the entries by name, then layer: v is rebuilt. */
int dir_names_sort(struct dir_names *d);
void dir_names_free(struct dir_names *d);

static inline unsigned char dir_names_type(const char *ent)
{
	return (unsigned char)ent[0];
}

static inline unsigned char dir_names_layer(const char *ent)
{
	return (unsigned char)ent[1];
}

static inline const char *dir_names_name(const char *ent)
{
	return ent + 2;
}

#endif
