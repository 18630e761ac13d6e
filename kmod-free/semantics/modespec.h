/* SPDX-License-Identifier: MIT */
/*
 * COPY --chmod values (stagecp-copy(7) §4 and the stagecp decision on
 * octal modes for directories).
 *
 * A value is octal when it is all digits 0-7 (Go's ParseUint(v, 8, 32));
 * it must then be at most 07777.  Anything else that starts with a digit is
 * the same error.  Other values are symbolic, chmod(1) style, parsed like
 * BSD setmode(3) as ported by dchapes-mode (what BuildKit uses), with a
 * umask of 0:
 *
 *	clause[,clause...]   clause = [ugoa]*  then one or more of
 *	                     [-+=] followed by [rwxXst]* or by one of [ugo]
 *
 * "+x" is "a+x".  'X' (with '+' only) adds execute when the entry is a
 * directory or already has an execute bit.  's' is ignored when only 'o' is
 * named; 't' likewise, and 't' restricts the rest of its operation to the
 * sticky bit.  "=" with no perms clears the named bits (not the sticky bit
 * unless 't' is named).  "u=g" copies the group bits to the user; several
 * ops may follow one another ("go=u-w").
 */
#ifndef STAGECP_MODESPEC_H
#define STAGECP_MODESPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum modespec_kind {
	MODESPEC_NONE = 0,	/* no --chmod (or an empty one): keep modes */
	MODESPEC_OCTAL,
	MODESPEC_SYMBOLIC,
};

struct modespec_cmd;

struct modespec {
	enum modespec_kind kind;
	mode_t octal;			/* MODESPEC_OCTAL: 0..07777 */
	struct modespec_cmd *cmds;	/* MODESPEC_SYMBOLIC */
	size_t ncmds;
};

/*
 * Parse s (NULL or "" gives MODESPEC_NONE) into *out.  On a bad value
 * returns -EINVAL with BuildKit's text in errbuf:
 *	invalid chmod parameter: '<v>'. it should be octal string and
 *	between 0 and 07777		(one line; digits first, or > 07777)
 *	invalid syntax			(any other bad symbolic mode)
 * -ENOMEM when out of memory.  Release with modespec_free().
 */
int modespec_parse(const char *s, struct modespec *out, char *errbuf,
		   size_t errlen);
void modespec_free(struct modespec *spec);

/*
 * The permission bits (07777) a copied entry gets, from the source mode
 * srcmode (type bits ignored) and whether the entry is a directory.
 * NONE: srcmode's own bits.  SYMBOLIC: the clauses applied to them.
 * OCTAL: the octal value; a directory also gets 'x' wherever the value has
 * 'r' (0644 -> 0755, 0640 -> 0750; the stagecp decision that keeps trees
 * traversable), setuid/setgid/sticky from the value kept.
 */
mode_t modespec_apply(const struct modespec *spec, mode_t srcmode,
		      bool is_dir);

/*
 * The mode of a directory the copy creates (missing parents of the
 * destination, the top directory of a directory copy): OCTAL: the value's
 * 0777 bits with the same r -> x rule; NONE and SYMBOLIC: 0755 (BuildKit
 * does not apply a symbolic mode there).
 */
mode_t modespec_created_dir_mode(const struct modespec *spec);

#endif /* STAGECP_MODESPEC_H */
