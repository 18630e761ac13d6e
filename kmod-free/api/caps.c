// SPDX-License-Identifier: MIT
/*
 * Least privilege: stagecp_drop_capabilities() (see stagecp.h and caps.h).
 *
 * The order matters.  Requirements are checked first, so a copy that
 * cannot succeed fails with the process untouched.  PR_SET_NO_NEW_PRIVS
 * comes next: it cannot fail for want of privilege and, once set, no
 * execve() can hand capabilities back.  The bounding set goes before the
 * permitted set because dropping from it takes CAP_SETPCAP, which the
 * last step gives up.
 *
 * libcap and prctl() report through errno: the small wrappers below are
 * this file's seam to them and the only places that read it.  Like
 * capset(2) itself, libcap (without libpsx) changes the calling thread
 * only: call this while the process has one thread, before any copy.
 */
#include "api/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "semantics/owner.h"
#include "stagecp.h"

/*
 * Everything a copy can use, each kept only if the process already has
 * it.  Knowing which are really needed would take a walk of the source
 * first, so the set is the same for every copy.
 */
static const cap_value_t kept_caps[] = {
	/* Source owners, and --chown to ids other than the caller's. */
	CAP_CHOWN,
	/*
	 * Not in the list, kept on purpose: without it root cannot
	 * create entries in an existing destination directory of mode 0555
	 * or in one that another uid owns, nor replace entries there, and
	 * cp -a as root does all of that.  CAP_DAC_READ_SEARCH only covers
	 * reading and CAP_FOWNER does not grant write access to a
	 * directory.  A user whose binary carries file capabilities gets
	 * it only if the administrator adds it to the setcap list.
	 */
	CAP_DAC_OVERRIDE,
	/* Read files and list directories the caller may not read. */
	CAP_DAC_READ_SEARCH,
	/* Modes, times and user.* keys on entries that others own. */
	CAP_FOWNER,
	/*
	 * Without it chmod() silently clears setgid on a file whose group is
	 * not one of the caller's: a copy made for another group would lose
	 * the bit.
	 */
	CAP_FSETID,
	/* Character and block devices. */
	CAP_MKNOD,
	/* security.capability keys. */
	CAP_SETFCAP,
	/*
	 * trusted.* keys: needed even to list them on the source, and any
	 * source may hold some, so it stays whenever the process has it.
	 * It also makes the detached overlay view of a plain source copied
	 * into an overlay stage (fsopen() and fsmount() want it in the user
	 * namespace owning our mount namespace); without it the copy goes
	 * on by read/write after a notice.
	 */
	CAP_SYS_ADMIN,
};
/*
 * Notably gone: CAP_SETPCAP (after its use below), CAP_SETUID/SETGID (the
 * copy never switches ids), CAP_LINUX_IMMUTABLE (file flags are not copied
 * and an immutable destination entry is a clean EPERM, never unlocked) and
 * CAP_SYS_RESOURCE (quotas and the root-reserved blocks apply to a copy
 * like to any other writer).
 */

bool caps_is_kept(cap_value_t cap)
{
	for (size_t i = 0; i < sizeof(kept_caps) / sizeof(kept_caps[0]); i++)
		if (kept_caps[i] == cap)
			return true;
	return false;
}

static bool is_callers_group(gid_t gid, const struct caps_caller *me)
{
	/* (gid_t)-1 leaves the group alone. */
	if (gid == (gid_t)-1 || gid == me->egid)
		return true;
	for (size_t i = 0; i < me->ngroups; i++)
		if (me->groups[i] == gid)
			return true;
	return false;
}

int caps_chown_requirement(const char *value, const struct caps_caller *me,
			   bool *needed)
{
	struct owner_spec spec;
	uid_t uid;
	gid_t gid;
	int r;

	*needed = false;
	if (!value || !*value)
		return 0;
	r = owner_parse(value, &spec, NULL, 0);
	if (r < 0)
		return r;
	if (spec.user.name || (spec.has_group && spec.group.name)) {
		*needed = true;
	} else {
		/* The forms and defaults are owner_resolve()'s. */
		uid = spec.user.id;
		gid = spec.has_group ? spec.group.id : spec.user.id;
		/*
		 * The copy creates every entry, so the caller owns it and
		 * chown(2) lets an owner pick any group of its own.
		 */
		*needed = !(uid == (uid_t)-1 || uid == me->euid) ||
			  !is_callers_group(gid, me);
	}
	owner_spec_free(&spec);
	return 0;
}

/* --- the seam to libcap and prctl() ------------------------------------ */

static int caps_get_proc(cap_t *out)
{
	*out = cap_get_proc();
	return *out ? 0 : -errno;
}

static int caps_set_proc(cap_t caps)
{
	return cap_set_proc(caps) < 0 ? -errno : 0;
}

static int caps_new(cap_t *out)
{
	*out = cap_init();
	return *out ? 0 : -errno;
}

static int caps_dup(cap_t caps, cap_t *out)
{
	*out = cap_dup(caps);
	return *out ? 0 : -errno;
}

static int caps_raise(cap_t caps, cap_flag_t flag, cap_value_t cap)
{
	return cap_set_flag(caps, flag, 1, &cap, CAP_SET) < 0 ? -errno : 0;
}

static int caps_drop_bound(cap_value_t cap)
{
	return cap_drop_bound(cap) < 0 ? -errno : 0;
}

static int set_no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}

/* ----------------------------------------------------------------------- */

static bool caps_have(cap_t caps, cap_flag_t flag, cap_value_t cap)
{
	cap_flag_value_t v;

	return cap_get_flag(caps, cap, flag, &v) == 0 && v == CAP_SET;
}

/* Put "<what>: <reason>" in msg, the reason in lower case; returns err. */
__attribute__((format(printf, 4, 5)))
static int fail(char *msg, size_t msglen, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!msg || !msglen)
		return err;
	va_start(ap, fmt);
	n = vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n + 3 < msglen) {
		snprintf(msg + n, msglen - (size_t)n, ": %s", strerror(-err));
		msg[n + 2] = (char)tolower((unsigned char)msg[n + 2]);
	}
	return err;
}

/* The name libcap gives cap, as setcap and getcap spell it. */
static void cap_name(cap_value_t cap, char *buf, size_t len)
{
	char *name = cap_to_name(cap);

	snprintf(buf, len, "%s", name ? name : "?");
	cap_free(name);
}

/* Fill me for the current process; free me->groups afterwards. */
static int caller_get(struct caps_caller *me)
{
	gid_t *groups;
	int n;

	*me = (struct caps_caller){ .euid = geteuid(), .egid = getegid() };
	n = getgroups(0, NULL);
	if (n <= 0)
		return 0;
	groups = calloc((size_t)n, sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	/*
	 * A failure (the list grew in between: only another thread could do
	 * that) leaves no groups, which can only ask for more privilege.
	 */
	n = getgroups(n, groups);
	me->groups = groups;
	me->ngroups = n > 0 ? (size_t)n : 0;
	return 0;
}

/* Fail, with the process untouched, when the options need a missing cap. */
static int check_required(const struct stagecp_options *o, cap_t now,
			  char *msg, size_t msglen)
{
	struct caps_caller me;
	bool needed;
	int r;

	/*
	 * Preserving the source's owners without CAP_CHOWN is no error: the
	 * engine keeps the caller's ids and warns once, as cp -a does.
	 */
	if (!o->chown || !o->chown[0] ||
	    caps_have(now, CAP_PERMITTED, CAP_CHOWN))
		return 0;
	r = caller_get(&me);
	if (r == 0)
		r = caps_chown_requirement(o->chown, &me, &needed);
	free((gid_t *)me.groups);
	if (r < 0)
		return fail(msg, msglen, r, "check --chown");
	if (!needed)
		return 0;
	if (msg && msglen)
		snprintf(msg, msglen,
			 "missing capability cap_chown (needed by --chown)");
	return -EPERM;
}

/*
 * Drop what is not kept from the bounding set, which takes CAP_SETPCAP.
 * A process without it (any unprivileged one, and a binary with just the
 * copy's file capabilities) skips this step silently: its bounding set
 * can only matter at execve(), where NO_NEW_PRIVS already refuses every
 * gain, and stagecp never executes anything.
 */
static int drop_bounding(cap_t now, char *msg, size_t msglen)
{
	char name[64];
	cap_t raised;
	int r;

	if (!caps_have(now, CAP_PERMITTED, CAP_SETPCAP))
		return 0;
	if (!caps_have(now, CAP_EFFECTIVE, CAP_SETPCAP)) {
		r = caps_dup(now, &raised);
		if (r == 0) {
			r = caps_raise(raised, CAP_EFFECTIVE, CAP_SETPCAP);
			if (r == 0)
				r = caps_set_proc(raised);
			cap_free(raised);
		}
		if (r < 0)
			return fail(msg, msglen, r, "raise cap_setpcap");
	}
	for (cap_value_t cap = 0; cap < cap_max_bits(); cap++) {
		/* 1: in the set; 0: gone already; -1: unknown here. */
		if (caps_is_kept(cap) || cap_get_bound(cap) != 1)
			continue;
		r = caps_drop_bound(cap);
		if (r < 0) {
			cap_name(cap, name, sizeof(name));
			return fail(msg, msglen, r,
				    "drop %s from the bounding set", name);
		}
	}
	return 0;
}

/*
 * Permitted and effective become the kept caps the process has, and
 * inheritable becomes empty, which also empties the ambient set (the
 * kernel keeps ambient within permitted and inheritable).  A kept cap that
 * was permitted but not effective is raised: the copy needs it to work.
 */
static int keep_only(cap_t now, char *msg, size_t msglen)
{
	cap_t want;
	int r;

	r = caps_new(&want);
	if (r < 0)
		return fail(msg, msglen, r, "drop capabilities");
	for (size_t i = 0; i < sizeof(kept_caps) / sizeof(kept_caps[0]); i++) {
		if (!caps_have(now, CAP_PERMITTED, kept_caps[i]))
			continue;
		r = caps_raise(want, CAP_PERMITTED, kept_caps[i]);
		if (r == 0)
			r = caps_raise(want, CAP_EFFECTIVE, kept_caps[i]);
		if (r < 0)
			goto free_want;
	}
	/* Nothing to give up (a user without capabilities): no capset. */
	if (cap_compare(now, want) != 0)
		r = caps_set_proc(want);
free_want:
	cap_free(want);
	if (r < 0)
		return fail(msg, msglen, r, "drop capabilities");
	return 0;
}

int stagecp_drop_capabilities(const struct stagecp_options *o, char *msg,
			      size_t msglen)
{
	cap_t now;
	int r;

	if (msg && msglen)
		msg[0] = '\0';
	r = caps_get_proc(&now);
	if (r < 0)
		return fail(msg, msglen, r, "read the process capabilities");
	r = check_required(o, now, msg, msglen);
	if (r == 0) {
		r = set_no_new_privs();
		if (r < 0)
			fail(msg, msglen, r, "set no_new_privs");
	}
	if (r == 0)
		r = drop_bounding(now, msg, msglen);
	if (r == 0)
		r = keep_only(now, msg, msglen);
	cap_free(now);
	return r;
}
