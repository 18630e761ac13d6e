/* SPDX-License-Identifier: MIT */
/*
 * COPY instructions for `stagecp exec`: a text of Dockerfile COPY lines,
 * read the way BuildKit's Dockerfile parser reads them.
 *
 * Lines: a UTF-8 byte order mark is dropped; leading white space goes;
 * lines whose first non-blank is '#' are comments; blank lines are
 * skipped.  An escape character (default '\', '`' with a "# escape=`"
 * parser directive at the very top) as the last non-blank of a line joins
 * the next line to it, with no separator; comment lines and blank lines
 * inside such a run are skipped.  "# syntax=" and "# check=" directives are
 * accepted and ignored.
 *
 * Instructions: the keyword is matched without regard to case, and
 * anything but COPY is an error.  Flags come first: --from=, --chown=,
 * --chmod=, --link[=bool], --parents[=bool], --exclude= (repeatable); their
 * words may hold quotes and escapes, and a "--" word ends them.  Then
 * either a JSON array of strings (COPY ["a b", "/dst/"]) or words split at
 * blanks; the last one is the destination.  As BuildKit does before using
 * them, the sources, the destination, --chown and --chmod then lose their
 * quotes and escapes ('...' literal, "..." where only \", \$ and \\ are
 * escapes, \c elsewhere); variables are NOT expanded: '$' stays as it is.
 * A --from value that BuildKit's lexer would change (a variable such as
 * $X or ${X}, quotes or escapes left after the flag word was read) is an
 * error, as in BuildKit.  --exclude values are kept raw.
 *
 * Error texts are BuildKit's, after "line N: " (N: the instruction's first
 * line).  Departures: bytes above 0x7F in flags are kept as they are
 * (BuildKit re-encodes them one by one as Latin-1, and splits words at
 * bytes 0x85 and 0xA0); bytes that are not UTF-8 in a word are kept
 * (BuildKit's lexer turns them into U+FFFD); heredocs and "\u0000" in a
 * JSON string are refused; no line length limit.  An unknown flag gets
 * BuildKit's "(did you mean X?)" hint; between equally close flags the
 * first in the order chown, from, chmod, link, exclude, parents wins
 * (BuildKit's pick depends on Go map order).
 */
#ifndef STAGECP_COPYLINE_H
#define STAGECP_COPYLINE_H

#include <stdbool.h>
#include <stddef.h>

struct copyline_instr {
	unsigned int line;	/* where the instruction starts, from 1 */
	char *from;		/* --from; NULL when absent */
	char *chown;		/* NULL when absent; "" means absent too */
	char *chmod;		/* NULL when absent; "" means absent too */
	bool link;		/* --link / --link=true */
	bool parents;		/* --parents / --parents=true */
	char **excludes;	/* --exclude values, in order */
	size_t nexcludes;
	char **srcs;		/* at least one */
	size_t nsrcs;
	char *dest;
	bool json;		/* written as a JSON array */
};

struct copyline_list {
	struct copyline_instr *instrs;
	size_t count;
};

/*
 * Parse text (a whole file, or a single instruction) into *out.  Returns 0,
 * -EINVAL with the message in errbuf (out is then empty), or -ENOMEM.  A
 * text without any instruction is an error ("file with no instructions").
 * Release with copyline_list_free().
 */
int copyline_parse(const char *text, struct copyline_list *out,
		   char *errbuf, size_t errlen);
void copyline_list_free(struct copyline_list *list);

#endif /* STAGECP_COPYLINE_H */
