/* SPDX-License-Identifier: MIT */
/*
 * A Dockerfile's text as instructions, read the way BuildKit's parser
 * (frontend/dockerfile/parser) reads it.
 *
 * Lines: a UTF-8 byte order mark is dropped; leading white space goes;
 * lines whose first non-blank is '#' are comments; blank lines are
 * skipped.  An escape character (default '\', '`' with a "# escape=`"
 * parser directive at the very top) as the last non-blank of a line joins
 * the next line to it, with no separator; comment lines and blank lines
 * inside such a run are skipped.  "# syntax=" and "# check=" directives are
 * accepted and ignored; each directive may appear once.
 *
 * Heredocs: an ADD, COPY or RUN instruction (also after ONBUILD) that is
 * not in JSON form and holds words like <<EOF, <<-EOF, <<"EOF" takes the
 * lines after it, up to a line that is exactly the name (after leading
 * tabs with <<-), as the content of each, in order.  A quoted name turns
 * off variable expansion in the content.
 */
#ifndef STAGECP_DFREADER_H
#define STAGECP_DFREADER_H

#include <stdbool.h>
#include <stddef.h>

struct df_heredoc {
	char *name;		/* the terminator, unquoted */
	char *content;		/* every line up to it, newlines kept */
	bool expand;		/* the name was not quoted */
	bool chomp;		/* <<-: leading tabs go */
};

struct df_rawline {
	unsigned int line;	/* where the instruction starts, from 1 */
	unsigned int end_line;	/* its last line, heredocs included */
	char *text;		/* the joined instruction, trimmed */
	struct df_heredoc *heredocs;
	size_t nheredocs;
};

struct df_text {
	struct df_rawline *lines;
	size_t n;
	char escape;		/* '\' or '`' */
	unsigned int nlines;	/* lines in the file */
};

/* Where parse errors go: "line N: " and the message. */
struct df_err {
	char *buf;
	size_t len;
};

int df_fail(const struct df_err *e, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "line N: msg" becomes "line N: KEYWORD: msg" when it fits. */
void df_err_keyword(const struct df_err *e, const char *keyword);

/*
 * Read text into *out.  Returns 0, -EINVAL with "line N: ..." in err
 * (out is then empty), or -ENOMEM.  A text without instructions is not
 * an error here: out->n is 0.  Release with df_text_free().
 */
int df_read(const char *text, struct df_text *out, const struct df_err *err);
void df_text_free(struct df_text *t);

/* White space as BuildKit's reWhitespace sees it: [\t\v\f\r ]. */
bool df_is_blank(char c);

/*
 * parser.ParseHeredoc: is word ^\d*<<-?\s*([^<]*)$ with a name?  When it
 * is and h is not NULL, h gets the name (malloc'ed), expand and chomp.
 * Returns 1, 0, or -ENOMEM.
 */
int df_heredoc_word(const char *word, struct df_heredoc *h);

#endif /* STAGECP_DFREADER_H */
