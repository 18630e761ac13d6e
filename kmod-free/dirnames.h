/* SPDX-License-Identifier: MIT */
/*
 * The names of one directory, read with getdents64 and sorted bytewise:
 * the order BuildKit copies in and Go's filepath.Walk visits in.
 */
#ifndef STAGECP_DIRNAMES_H
#define STAGECP_DIRNAMES_H

#include <stddef.h>

struct dir_names {
	char *arena;		/* d_type byte, then the name and its NUL */
	size_t used;
	size_t cap;
	char **v;		/* sorted; each points at a d_type byte */
	size_t n;
};

/* Read every name but "." and ".." of the directory fd. */
int dir_names_read(struct dir_names *d, int fd);
void dir_names_free(struct dir_names *d);

static inline unsigned char dir_names_type(const char *ent)
{
	return (unsigned char)ent[0];
}

static inline const char *dir_names_name(const char *ent)
{
	return ent + 1;
}

#endif
