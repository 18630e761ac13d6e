/* SPDX-License-Identifier: MIT */
/*
 * Dockerfile variable expansion, as BuildKit's shell lexer does it for
 * the arguments of COPY, ADD, WORKDIR, ENV and ARG (ProcessWord).
 *
 * Quotes: '...' is literal; "..." keeps everything but $ expansions, and
 * there the escape character only escapes ", $ and itself.  Outside
 * quotes the escape character takes the next character literally (a last
 * one is dropped).  Variables: $NAME and ${NAME}; a name is letters,
 * digits and _, or all digits, or one of @*#?-$!0 (never set).  A $ before
 * anything else stays.  Modifiers: ${V:-w} (w when V is unset or empty),
 * ${V-w} (when unset), ${V:+w} / ${V+w} (w when set [and not empty], else
 * empty), ${V:?msg} / ${V?msg} (an error when unset [or empty]), ${V#p},
 * ${V##p}, ${V%p}, ${V%%p} (shortest/longest prefix or suffix matching
 * the pattern p: * and ? wildcards, \ escapes), ${V/p/r} and ${V//p/r}
 * (first or every match replaced).  An unset variable expands to "".
 * Errors are BuildKit's texts: "failed to process \"WORD\": ...".
 */
#ifndef STAGECP_SHLEX_H
#define STAGECP_SHLEX_H

#include <stdbool.h>
#include <stddef.h>

/* Variables: names are case-sensitive; a later set replaces the value. */
struct shenv {
	char **keys;
	char **vals;
	size_t n, cap;
};

int shenv_set(struct shenv *e, const char *key, const char *value);
/* The value, or NULL when the variable is not set. */
const char *shenv_get(const struct shenv *e, const char *key);
int shenv_copy(struct shenv *dst, const struct shenv *src);
void shenv_free(struct shenv *e);

/*
 * Expand word (quotes removed, variables substituted) with escape as the
 * escape character.  Returns 0 with a malloc'ed *out, -EINVAL with the
 * message in err, or -ENOMEM.
 */
int shlex_word(const char *word, char escape, const struct shenv *env,
	       char **out, char *err, size_t errlen);

/*
 * The content of a heredoc whose name was not quoted, as BuildKit expands
 * it (ExpandRaw): variables and '\' escapes, but quotes are plain
 * characters.
 */
int shlex_heredoc(const char *text, const struct shenv *env, char **out,
		  char *err, size_t errlen);

#endif /* STAGECP_SHLEX_H */
