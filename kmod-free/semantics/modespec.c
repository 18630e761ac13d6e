// SPDX-License-Identifier: MIT
/*
 * COPY --chmod parsing and application (see modespec.h).
 *
 * A symbolic mode becomes a list of bit commands, as in BSD setmode(3):
 * set bits, clear bits, set ('X') or clear ('x') execute bits if the entry
 * was executable or a directory, or copy one class's rwx bits over others
 * ("u=g").  The list is applied in order to the source mode; 'X' and 'x'
 * look at the mode as it was before any command ran, like BSD getmode().
 * "=X" is a clear then an 'X', "-X" an 'x', as chmod(1) has them.
 */
#include "semantics/modespec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT_SUID 04000
#define BIT_SGID 02000
#define BIT_STICKY 01000
#define BITS_USER 0700
#define BITS_GROUP 0070
#define BITS_OTHER 0007
#define BITS_R 0444
#define BITS_W 0222
#define BITS_X 0111
/* What 'a' names: everything but the sticky bit. */
#define BITS_STANDARD (BIT_SUID | BIT_SGID | 0777)
/* The umask is 0 for COPY, so every bit is in reach. */
#define UMASK_KEEP 0xFFFFu

/* How a copy command ("u=g", "go+u", ...) treats its targets. */
enum {
	COPY_CLEAR = 1 << 0,	/* '-' or '=': clear first */
	COPY_SET = 1 << 1,	/* '+' or '=': then set */
	COPY_TO_GROUP = 1 << 2,
	COPY_TO_OTHER = 1 << 3,
	COPY_TO_USER = 1 << 4,
};

struct modespec_cmd {
	char op;		/* '+', '-', 'X', 'x', or the class u/g/o */
	uint8_t copy;		/* COPY_* for u/g/o */
	uint16_t bits;
};

#define ERR_OCTAL "invalid chmod parameter: '%s'. it should be octal " \
		  "string and between 0 and 07777"
#define ERR_SYNTAX "invalid syntax"

static void add_cmd(struct modespec *spec, char op, uint16_t who,
		    uint16_t arg)
{
	struct modespec_cmd *c = &spec->cmds[spec->ncmds];

	memset(c, 0, sizeof(*c));
	switch (op) {
	case '=':
		/* Clear what is named, then add like '+'. */
		c->op = '-';
		c->bits = who ? who : BITS_STANDARD;
		c = &spec->cmds[++spec->ncmds];
		memset(c, 0, sizeof(*c));
		op = '+';
		__attribute__((fallthrough));
	case '+':
	case '-':
	case 'X':
	case 'x':
		c->op = op;
		c->bits = (who ? who : UMASK_KEEP) & arg;
		break;
	default:	/* 'u', 'g', 'o': arg is the operator */
		c->op = op;
		if (who) {
			if (who & 0400)
				c->copy |= COPY_TO_USER;
			if (who & 0040)
				c->copy |= COPY_TO_GROUP;
			if (who & 0004)
				c->copy |= COPY_TO_OTHER;
			c->bits = 0xFFFF;
		} else {
			c->copy = COPY_TO_USER | COPY_TO_GROUP | COPY_TO_OTHER;
			c->bits = UMASK_KEEP;
		}
		if (arg == '+')
			c->copy |= COPY_SET;
		else if (arg == '-')
			c->copy |= COPY_CLEAR;
		else
			c->copy |= COPY_SET | COPY_CLEAR;
		break;
	}
	spec->ncmds++;
}

/* The command of an 'X': '-' clears where '+' and '=' set. */
static char x_cmd(char op)
{
	return op == '-' ? 'x' : 'X';
}

/* dchapes-mode's ParseWithUmask(s, 0) for a value not starting with a digit. */
static int parse_symbolic(struct modespec *spec, const char *s)
{
	bool equal_done = false;

	for (;;) {
		uint16_t who = 0;
		char op;

		for (;; s++) {
			if (!*s)
				return -EINVAL;
			if (*s == 'a')
				who |= BITS_STANDARD;
			else if (*s == 'u')
				who |= BIT_SUID | BITS_USER;
			else if (*s == 'g')
				who |= BIT_SGID | BITS_GROUP;
			else if (*s == 'o')
				who |= BITS_OTHER;
			else
				break;
		}
next_op:
		op = *s++;
		if (op == '=')
			equal_done = false;
		else if (op != '+' && op != '-')
			return -EINVAL;
		who &= ~BIT_STICKY;
		{
			uint16_t perm = 0, perm_x = 0;
			/* 's' and 't' mean nothing for "o" alone. */
			bool special = !who || (who & ~BITS_OTHER);

			for (;; s++) {
				switch (*s) {
				case 'r':
					perm |= BITS_R;
					continue;
				case 'w':
					perm |= BITS_W;
					continue;
				case 'x':
					perm |= BITS_X;
					continue;
				case 'X':
					perm_x = BITS_X;
					continue;
				case 's':
					if (special)
						perm |= BIT_SUID | BIT_SGID;
					continue;
				case 't':
					/* BSD narrows a clause without
					 * who-letters to the sticky bit here
					 * ("=wxt" sets t alone); chmod(1)
					 * does not, nor does stagecp. */
					if (special) {
						if (who)
							who |= BIT_STICKY;
						perm |= BIT_STICKY;
					}
					continue;
				case 'u':
				case 'g':
				case 'o':
					/* Flush, then copy a class's bits. */
					if (perm) {
						add_cmd(spec, op, who, perm);
						perm = 0;
					}
					if (op == '=')
						equal_done = true;
					if (perm_x) {
						add_cmd(spec, x_cmd(op), who,
							perm_x);
						perm_x = 0;
					}
					add_cmd(spec, *s, who, (uint8_t)op);
					continue;
				default:
					break;
				}
				if (perm || (op == '=' && !equal_done)) {
					if (op == '=')
						equal_done = true;
					add_cmd(spec, op, who, perm);
				}
				if (perm_x)
					add_cmd(spec, x_cmd(op), who, perm_x);
				break;
			}
		}
		if (!*s)
			return 0;
		if (*s != ',')
			goto next_op;
		s++;
	}
}

static void octal_err(char *errbuf, size_t errlen, const char *v)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, ERR_OCTAL, v);
}

int modespec_parse(const char *s, struct modespec *out, char *errbuf,
		   size_t errlen)
{
	size_t i, len;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return 0;
	len = strlen(s);
	if (strspn(s, "01234567") == len) {
		/* Go's ParseUint(s, 8, 32) then a <= 07777 check. */
		unsigned long v = 0;

		for (i = 0; i < len; i++) {
			v = v * 8 + (unsigned long)(s[i] - '0');
			if (v > 07777)
				break;
		}
		if (v > 07777) {
			octal_err(errbuf, errlen, s);
			return -EINVAL;
		}
		out->kind = MODESPEC_OCTAL;
		out->octal = (mode_t)v;
		return 0;
	}
	/* Digits that are not octal: BuildKit's octal error all the same. */
	if (s[0] >= '0' && s[0] <= '9') {
		octal_err(errbuf, errlen, s);
		return -EINVAL;
	}
	/* Each byte adds at most four commands, an operator's end three. */
	out->cmds = calloc(4 * len + 4, sizeof(*out->cmds));
	if (!out->cmds)
		return -ENOMEM;
	out->kind = MODESPEC_SYMBOLIC;
	if (parse_symbolic(out, s) < 0) {
		modespec_free(out);
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s", ERR_SYNTAX);
		return -EINVAL;
	}
	return 0;
}

void modespec_free(struct modespec *spec)
{
	free(spec->cmds);
	memset(spec, 0, sizeof(*spec));
}

/* Apply a copy command; value is the source class's rwx bits (0-7). */
static uint16_t apply_copy(const struct modespec_cmd *c, uint16_t mode,
			   uint16_t value)
{
	if (c->copy & COPY_CLEAR) {
		/* '=' clears the whole class, '-' only the copied bits. */
		uint16_t clr = c->copy & COPY_SET ? 07 : value;

		if (c->copy & COPY_TO_USER)
			mode &= ~((clr << 6) & c->bits);
		if (c->copy & COPY_TO_GROUP)
			mode &= ~((clr << 3) & c->bits);
		if (c->copy & COPY_TO_OTHER)
			mode &= ~(clr & c->bits);
	}
	if (c->copy & COPY_SET) {
		if (c->copy & COPY_TO_USER)
			mode |= (value << 6) & c->bits;
		if (c->copy & COPY_TO_GROUP)
			mode |= (value << 3) & c->bits;
		if (c->copy & COPY_TO_OTHER)
			mode |= value & c->bits;
	}
	return mode;
}

static mode_t apply_symbolic(const struct modespec *spec, mode_t srcmode,
			     bool is_dir)
{
	uint16_t old = srcmode & 07777, mode = old;
	size_t i;

	for (i = 0; i < spec->ncmds; i++) {
		const struct modespec_cmd *c = &spec->cmds[i];

		switch (c->op) {
		case 'u':
			mode = apply_copy(c, mode, (mode & BITS_USER) >> 6);
			break;
		case 'g':
			mode = apply_copy(c, mode, (mode & BITS_GROUP) >> 3);
			break;
		case 'o':
			mode = apply_copy(c, mode, mode & BITS_OTHER);
			break;
		case '+':
			mode |= c->bits;
			break;
		case '-':
			mode &= ~c->bits;
			break;
		case 'X':
			if ((old & BITS_X) || is_dir)
				mode |= c->bits;
			break;
		case 'x':
			if ((old & BITS_X) || is_dir)
				mode &= ~c->bits;
			break;
		}
	}
	return mode & 07777;
}

/* Directories get 'x' wherever they have 'r' (stagecp decision). */
static mode_t dir_traversable(mode_t m)
{
	return m | (m & BITS_R) >> 2;
}

mode_t modespec_apply(const struct modespec *spec, mode_t srcmode,
		      bool is_dir)
{
	switch (spec->kind) {
	case MODESPEC_OCTAL:
		return is_dir ? dir_traversable(spec->octal) : spec->octal;
	case MODESPEC_SYMBOLIC:
		return apply_symbolic(spec, srcmode, is_dir);
	case MODESPEC_NONE:
		break;
	}
	return srcmode & 07777;
}

mode_t modespec_created_dir_mode(const struct modespec *spec)
{
	if (spec->kind == MODESPEC_OCTAL)
		return dir_traversable(spec->octal & 0777);
	return 0755;
}
