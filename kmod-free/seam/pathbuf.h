/* SPDX-License-Identifier: MIT */
/*
 * Path strings.  The engine never opens a long path string: these exist for
 * messages, for lexical cleaning of user input and for the hardlink map.
 */
#ifndef STAGECP_PATHBUF_H
#define STAGECP_PATHBUF_H

#include <stdbool.h>
#include <stddef.h>

/* A growable NUL-terminated string used as a stack of path components. */
struct pathbuf {
	char *s;
	size_t len;
	size_t cap;
};

int pathbuf_set(struct pathbuf *p, const char *s);
/* Append "/name" (no slash doubling after "/"); returns the old length. */
int pathbuf_push(struct pathbuf *p, const char *name, size_t *old_len);
/* Cut back to a length returned by pathbuf_push(). */
void pathbuf_pop(struct pathbuf *p, size_t old_len);
void pathbuf_free(struct pathbuf *p);

/*
 * Clean an absolute path lexically, as inside a root: "//" and "." vanish
 * and ".." stops at "/".  A relative path is taken from "/".  Returns a
 * malloc'ed string that starts with "/" and has no trailing slash (except
 * "/" itself), or NULL when out of memory.
 */
char *path_clean(const char *path);
/* Whether Docker reads a DEST as "a directory": it ends in "/" or "/.",
 * or it is "" or ".". */
bool path_names_dir(const char *path);
/* Join two paths with one "/" and clean the result. */
char *path_join_clean(const char *a, const char *b);
/* The last component of a cleaned path; "" for "/". */
const char *path_base(const char *clean);
/* A malloc'ed copy of the parent of a cleaned path ("/" for "/x" and "/"). */
char *path_dir(const char *clean);

#endif
