/* SPDX-License-Identifier: MIT */
/*
 * COPY --chown=USER[:GROUP] (stagecp-copy(7) §3.2, with the stagecp
 * decision: a name that the destination root does not know is an error,
 * and so is a missing /etc/passwd or /etc/group when a name needs it).
 *
 * The value is split at its first ':'.  Each part is "root" (0), a decimal
 * number that fits Go's int32 (sign allowed, taken modulo 2^32 as BuildKit
 * does), empty (0), or else a name.  Then:
 *	55		uid 55, gid 55
 *	55:66		uid 55, gid 66
 *	alice		alice's uid and primary gid from /etc/passwd
 *	alice:staff	alice's uid, staff's gid from /etc/group
 *	55:staff	uid 55, staff's gid
 *	alice:		alice's uid, gid 0 (BuildKit)
 *	:staff		uid 0, staff's gid
 *	a:b:c		user a, group named "b:c"
 *	99999999999	too big for int32: a name
 * Names are looked up with fgetpwent_r()/fgetgrent_r(): the first entry
 * with that name wins.  libc skips '#' comment lines and lines it cannot
 * parse; Go's parser (moby/sys/user) would read a garbled id as 0, and a
 * passwd line starting with '#' as a user of that name.
 *
 * The lookup reads the destination root as it was before the copy; the
 * caller opens /etc/passwd and /etc/group inside that root and hands over
 * the streams (BuildKit also refuses a file that is not regular and one
 * over 10 MiB: the caller's job).
 */
#ifndef STAGECP_OWNER_H
#define STAGECP_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* One side of the value: a name to look up, or an id. */
struct owner_id {
	const char *name;	/* NULL: use id */
	uint32_t id;
};

struct owner_spec {
	char *buf;		/* the names point into this copy */
	struct owner_id user;
	struct owner_id group;
	bool has_group;		/* the value had a ':' */
};

/*
 * Parse a --chown value.  The empty value means "no --chown" in BuildKit,
 * so it is refused here (-EINVAL): callers skip it.  -ENOMEM when out of
 * memory.  Release with owner_spec_free().
 */
int owner_parse(const char *value, struct owner_spec *spec, char *errbuf,
		size_t errlen);
void owner_spec_free(struct owner_spec *spec);

/* Whether owner_resolve() will read the passwd / group stream. */
bool owner_needs_passwd(const struct owner_spec *spec);
bool owner_needs_group(const struct owner_spec *spec);

/*
 * Turn spec into ids.  passwd and group are the destination root's files,
 * read from their start; either may be NULL when the file is missing or
 * not needed.  Errors, with the text in errbuf:
 *	-EINVAL	unknown user "alice" in /etc/passwd
 *		unknown group "staff" in /etc/group
 *	-ENOENT	cannot look up user "alice": /etc/passwd is missing
 *		cannot look up group "staff": /etc/group is missing
 *	other	reading /etc/passwd: <strerror>
 */
int owner_resolve(const struct owner_spec *spec, FILE *passwd, FILE *group,
		  uid_t *uid, gid_t *gid, char *errbuf, size_t errlen);

#endif /* STAGECP_OWNER_H */
