/* SPDX-License-Identifier: MIT */
/*
 * Least privilege: the pieces of stagecp_drop_capabilities() (caps.c) that
 * the unit test checks on their own.
 *
 * The set a copy keeps does not depend on its options: which entries need
 * which capability (devices, foreign owners, trusted.* keys, unreadable
 * files) is only known once the source is walked, and by then it is too
 * late to fail cleanly.  Options only decide what is *required*: a --chown
 * to ids the caller cannot give away without CAP_CHOWN.
 */
#ifndef STAGECP_CAPS_H
#define STAGECP_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/types.h>

/* Whether a copy may use cap: the only capabilities the process keeps. */
bool caps_is_kept(cap_value_t cap);

/* Who the caller is, as chown(2) sees it for files the caller owns. */
struct caps_caller {
	uid_t euid;
	gid_t egid;
	const gid_t *groups;	/* supplementary groups */
	size_t ngroups;
};

/*
 * Set *needed when a --chown=value copy needs CAP_CHOWN: its owner is not
 * the caller's euid, or its group is none of the caller's groups.  A name
 * always needs it: it is looked up in the destination root later, so
 * which ids it stands for is not known yet.  NULL and "" mean no --chown.
 * Returns 0 or -ENOMEM.
 */
int caps_chown_requirement(const char *value, const struct caps_caller *me,
			   bool *needed);

#endif
