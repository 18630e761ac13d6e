/* SPDX-License-Identifier: MIT */
/*
 * Growing strings and string vectors for the Dockerfile readers.  A failed
 * allocation in a struct sbuf is remembered (oom) rather than reported at
 * each append, so a parser checks once at the end.
 */
#ifndef STAGECP_STRBUF_H
#define STAGECP_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

void sb_add(struct sbuf *b, const char *s, size_t n);
void sb_addc(struct sbuf *b, char c);
void sb_adds(struct sbuf *b, const char *s);
/* A rune as UTF-8. */
void sb_add_rune(struct sbuf *b, uint32_t r);
/* Go's %q of s, enough for error messages. */
void sb_add_quoted(struct sbuf *b, const char *s);
/* The string built so far as a new allocation ("" when empty). */
char *sb_dup(const struct sbuf *b);
/* Hand the string over (never NULL unless oom); b is then empty. */
char *sb_take(struct sbuf *b);
void sb_free(struct sbuf *b);

struct strv {
	char **v;
	size_t n, cap;
};

/* Append s, which the vector then owns; NULL s means out of memory. */
int strv_push(struct strv *v, char *s);
void strv_free(struct strv *v);

#endif /* STAGECP_STRBUF_H */
