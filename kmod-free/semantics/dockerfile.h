/* SPDX-License-Identifier: MIT */
/*
 * Dockerfile instructions, parsed the way BuildKit's frontend parses them
 * (frontend/dockerfile/parser and instructions).  The text is read by
 * dfreader.h (directives, continuations, comments, heredocs); this unit
 * splits each instruction into its keyword, flags and arguments.
 *
 * Keywords are matched without regard to case.  FROM, ARG, ENV, WORKDIR,
 * COPY and ADD are parsed in full; RUN, CMD, ENTRYPOINT, LABEL, EXPOSE,
 * USER, HEALTHCHECK, SHELL, STOPSIGNAL, VOLUME, ONBUILD and MAINTAINER
 * are recognised and kept as text; any other keyword is an error.
 *
 * COPY and ADD: flags come first (COPY: --from, --chown, --chmod,
 * --link[=bool], --parents[=bool], --exclude (repeatable); ADD: --chown,
 * --chmod, --link, --keep-git-dir, --checksum, --unpack, --exclude); their
 * words may hold quotes and escapes, and a "--" word ends them.  Then
 * either a JSON array of strings (COPY ["a b", "/dst/"]) or words split at
 * blanks; the last one is the destination.  The words are kept as written
 * (quotes, escapes, variables): stages.h expands them in their stage.  A
 * --from value that BuildKit's lexer would change (a variable such as $X
 * or ${X}, quotes or escapes left after the flag word was read) is an
 * error, as in BuildKit.
 *
 * FROM [--platform=P] IMAGE [AS NAME]: NAME is lower-cased and must match
 * ^[a-z][a-z0-9-_.]*$.  ARG NAME[=DEFAULT]...; ENV NAME=VALUE... or the
 * legacy ENV NAME VALUE; WORKDIR PATH (the rest of the line).
 *
 * Error texts are BuildKit's, after "line N: " (N: the instruction's first
 * line).  Departures: bytes above 0x7F in flags are kept as they are
 * (BuildKit re-encodes them one by one as Latin-1, and splits words at
 * bytes 0x85 and 0xA0); bytes that are not UTF-8 in a word are kept
 * (BuildKit's lexer turns them into U+FFFD); "\u0000" in a JSON string is
 * refused; no line length limit.  An unknown flag gets BuildKit's "(did
 * you mean X?)" hint; between equally close flags the first in the order
 * of the instruction's flags above wins (BuildKit's pick depends on Go map
 * order).
 *
 * copyline_parse() is the older reader of a text of COPY instructions
 * only (stagecp_parse_copy_lines): there any other keyword is an error,
 * heredoc sources are refused, and the words lose their quotes and
 * escapes with '$' kept as it is (no variables without stages).
 */
#ifndef STAGECP_DOCKERFILE_H
#define STAGECP_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "semantics/dfreader.h"

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
 * Parse a text of COPY instructions into *out.  Returns 0, -EINVAL with
 * the message in errbuf (out is then empty), or -ENOMEM.  A text without
 * any instruction is an error ("file with no instructions").  Release
 * with copyline_list_free().
 */
int copyline_parse(const char *text, struct copyline_list *out,
		   char *errbuf, size_t errlen);
void copyline_list_free(struct copyline_list *list);
void copyline_instr_free(struct copyline_instr *in);

enum df_kind {
	DF_FROM,
	DF_ARG,
	DF_ENV,
	DF_WORKDIR,
	DF_COPY,
	DF_ADD,
	DF_OTHER,		/* read and skipped */
};

/* ARG and ENV: a name and its value as written (NULL: ARG without one). */
struct df_kv {
	char *key;
	char *value;
};

struct df_instr {
	enum df_kind kind;
	const struct df_rawline *raw;	/* lines, text, heredocs */
	char keyword[16];		/* upper case */
	/* FROM */
	char *base;
	char *name;			/* lower case; NULL without AS */
	char *platform;
	/* ARG, ENV */
	struct df_kv *kvs;
	size_t nkvs;
	/* WORKDIR */
	char *path;
	/* COPY, ADD: words as written; line is raw->line */
	struct copyline_instr copy;
	/* ADD */
	char *checksum;
	bool keep_git_dir;
	bool unpack_set, unpack;
};

struct df_file {
	struct df_text text;
	struct df_instr *instrs;
	size_t n;
};

/*
 * Parse a whole Dockerfile.  Returns 0, -EINVAL with "line N: ..." in err
 * (out is then empty), or -ENOMEM.  A text without instructions is an
 * error ("file with no instructions").  Release with df_file_free().
 */
int df_parse(const char *text, struct df_file *out, char *err, size_t errlen);
void df_file_free(struct df_file *f);

#endif /* STAGECP_DOCKERFILE_H */
