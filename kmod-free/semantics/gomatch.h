/* SPDX-License-Identifier: MIT */
/*
 * Go's path/filepath.Match, byte for byte as it behaves on Linux, and the
 * two helpers BuildKit builds on it for COPY sources (stagecp-copy(7)
 * §1.4).
 *
 * Pattern syntax (Go):
 *	*	any sequence of bytes other than '/'
 *	?	one character (UTF-8 rune) other than '/'
 *	[...]	a class of runes: ranges lo-hi, a leading ^ negates; it must
 *		hold at least one range and may match '/'
 *	\c	the character c, also inside a class
 *	c	any other byte matches itself
 * There is no leading-dot rule: '*' matches ".hidden".  '[!a]' is the class
 * of '!' and 'a', not a negation.  A malformed pattern ('[', '[a-', '[]a]',
 * 'x\' ...) is an error whatever the name: the whole pattern is checked
 * before "no match" is answered, as Go's path.Match does (filepath.Match
 * of Go 1.19 answers "no match" for such a pattern once a part has failed;
 * BuildKit then fails the build at its cache-key step all the same, so
 * the error is the outcome a Dockerfile sees).
 *
 * Strings are NUL-terminated; a name can hold no NUL anyway.
 */
#ifndef STAGECP_GOMATCH_H
#define STAGECP_GOMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The rune Go substitutes for a byte that does not start valid UTF-8. */
#define GOMATCH_RUNE_ERROR 0xFFFDu

/*
 * Match name against pattern.  Returns 1 on a match, 0 on no match and
 * -EINVAL when the pattern is malformed (Go's ErrBadPattern, whose text is
 * "syntax error in pattern").
 */
int gomatch_match(const char *pattern, const char *name);

/* 0 when the pattern is well formed, -EINVAL when it is not. */
int gomatch_validate(const char *pattern);

/*
 * True when path holds an unescaped '*', '?' or '['.  A backslash hides the
 * byte after it (fsutil containsWildcards, Linux flavour).
 */
bool gomatch_has_wildcard(const char *path);

/*
 * Split a source path at its first component that holds a wildcard
 * (fsutil splitWildcards): the path is cleaned first, *prefix gets the
 * cleaned literal components before it ("" when the first component
 * already has one, "/" when the path is the root plus one wildcard
 * component), *rest the components from it on ("" when there is no
 * wildcard).  "/sub/x/dir2/foo" with x = "*" gives "/sub" and
 * "x/dir2/foo".  Both strings are malloc'ed; free them.  Returns 0 or
 * -ENOMEM.
 */
int gomatch_split_wildcard(const char *path, char **prefix, char **rest);

/*
 * Go's filepath.Clean: lexical clean-up ("//" -> "/", "." dropped, ".."
 * eats the element before it and stops at "/" for rooted paths; "" gives
 * "."), into a malloc'ed string.  Returns 0 or -ENOMEM.
 */
int gomatch_clean(const char *path, char **out);

/*
 * Go's utf8.DecodeRune on s[0..n): the rune at the start of s and its
 * length in bytes.  A byte that does not start a valid, shortest-form
 * sequence (or a surrogate) decodes as GOMATCH_RUNE_ERROR of length 1;
 * n == 0 gives length 0.  The pattern modules compare runes the way Go does
 * with it.
 */
size_t gomatch_decode_rune(const char *s, size_t n, uint32_t *rune);

/* Go's unicode.IsSpace. */
bool gomatch_is_space(uint32_t rune);

/*
 * Go's strings.TrimSpace on s[0..n): s[*start..*end) is what is left
 * (start == end when nothing is).
 */
void gomatch_trim_space(const char *s, size_t n, size_t *start, size_t *end);

#endif /* STAGECP_GOMATCH_H */
