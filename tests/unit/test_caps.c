// SPDX-License-Identifier: MIT
/*
 * Least privilege: stagecp_drop_capabilities() keeps only the copy's
 * capabilities in the effective, permitted and bounding sets, empties the
 * inheritable and ambient sets and sets NO_NEW_PRIVS; a --chown it cannot
 * honour fails before anything changed.
 *
 * The call changes the whole process, so each case forks a child that sets
 * itself up (as nobody, as root without CAP_CHOWN, as a binary with file
 * capabilities...), makes the call and sends back what it got and its
 * capability sets from /proc/self/status.  Cases that need root to set
 * themselves up skip without it; the program exits 77 only if no case
 * could run.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "api/caps.h"
#include "stagecp.h"

#define NOBODY 65534
#define MISSING_CHOWN "missing capability cap_chown (needed by --chown)"

/* Cases that got past their skip checks. */
static int ran;

#define BIT(cap) (UINT64_C(1) << (cap))

/* What the issue's `setcap ...+ep` line gives the binary. */
static const uint64_t file_caps = BIT(CAP_CHOWN) | BIT(CAP_FOWNER) |
				  BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_MKNOD) |
				  BIT(CAP_SETFCAP);

struct capsets {
	uint64_t inh, prm, eff, bnd, amb;
	int nnp;
};

/* What a child sends back. */
struct outcome {
	char skip[128];		/* set: the child could not set itself up */
	struct capsets before, after;
	int r, r2;		/* the call's result, and a second call's */
	char msg[256];
};

struct child_case {
	/* Runs in the child before the call: 0, or fills o->skip. */
	int (*setup)(struct outcome *o);
	const char *chown;
	bool chown_self;	/* --chown=EUID:EGID, as the child sees them */
	bool twice;
	bool null_msg;
};

static uint64_t kept_mask(void)
{
	uint64_t m = 0;

	for (cap_value_t c = 0; c < 64 && c <= CAP_LAST_CAP; c++)
		if (caps_is_kept(c))
			m |= BIT(c);
	return m;
}

static int read_capsets(struct capsets *s)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "CapInh:", offsetof(struct capsets, inh) },
		{ "CapPrm:", offsetof(struct capsets, prm) },
		{ "CapEff:", offsetof(struct capsets, eff) },
		{ "CapBnd:", offsetof(struct capsets, bnd) },
		{ "CapAmb:", offsetof(struct capsets, amb) },
	};
	char line[256];
	int found = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i].key);

			if (strncmp(line, keys[i].key, n))
				continue;
			*(uint64_t *)((char *)s + keys[i].off) =
				strtoull(line + n, NULL, 16);
			found++;
		}
	}
	fclose(f);
	s->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	return found == 5 ? 0 : -1;
}

static int setup_failed(struct outcome *o, const char *what)
{
	snprintf(o->skip, sizeof(o->skip), "%s: %s", what, strerror(errno));
	return -1;
}

/* Set permitted and effective to exactly prm and eff, inheritable empty. */
static int set_caps(struct outcome *o, uint64_t prm, uint64_t eff)
{
	cap_t c = cap_init();
	int r = 0;

	if (!c)
		return setup_failed(o, "cap_init");
	for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++) {
		if (prm & BIT(v))
			r |= cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET);
		if (eff & BIT(v))
			r |= cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET);
	}
	if (r == 0)
		r = cap_set_proc(c);
	cap_free(c);
	return r < 0 ? setup_failed(o, "cap_set_proc") : 0;
}

/* Become nobody: root loses every capability with its ids. */
static int become_nobody(struct outcome *o)
{
	gid_t g = NOBODY;

	if (setgroups(1, &g) < 0)
		return setup_failed(o, "setgroups");
	if (setresgid(NOBODY, NOBODY, NOBODY) < 0)
		return setup_failed(o, "setresgid");
	if (setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return setup_failed(o, "setresuid");
	return 0;
}

/* A user without capabilities: nobody when run as root, else ourselves. */
static int as_user(struct outcome *o)
{
	struct capsets s;

	if (geteuid() == 0)
		return become_nobody(o);
	if (read_capsets(&s) < 0)
		return setup_failed(o, "read /proc/self/status");
	if (s.prm) {
		snprintf(o->skip, sizeof(o->skip),
			 "skip: a user with capabilities %#" PRIx64, s.prm);
		return -1;
	}
	return 0;
}

static int as_root(struct outcome *o)
{
	return 0;
}

static int root_without_chown(struct outcome *o)
{
	struct capsets s;

	if (read_capsets(&s) < 0)
		return setup_failed(o, "read /proc/self/status");
	return set_caps(o, s.prm & ~BIT(CAP_CHOWN), s.eff & ~BIT(CAP_CHOWN));
}

/* CAP_SETPCAP and a kept cap only permitted: both must still work. */
static int root_setpcap_not_effective(struct outcome *o)
{
	struct capsets s;

	if (read_capsets(&s) < 0)
		return setup_failed(o, "read /proc/self/status");
	return set_caps(o, s.prm,
			s.eff & ~(BIT(CAP_SETPCAP) | BIT(CAP_CHOWN)));
}

/* An ambient capability, which only an empty inheritable set removes. */
static int root_with_ambient(struct outcome *o)
{
	cap_value_t v = CAP_NET_BIND_SERVICE;
	cap_t c = cap_get_proc();
	int r;

	if (!c)
		return setup_failed(o, "cap_get_proc");
	r = cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET);
	if (r == 0)
		r = cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return setup_failed(o, "raise inheritable");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
		return setup_failed(o, "raise ambient");
	return 0;
}

/*
 * nobody running a binary installed with the issue's file capabilities:
 * those caps, no CAP_SETPCAP, a full bounding set.
 */
static int nobody_with_file_caps(struct outcome *o)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return setup_failed(o, "PR_SET_KEEPCAPS");
	if (become_nobody(o) < 0)
		return -1;
	return set_caps(o, file_caps, file_caps);
}

static void child(const struct child_case *cc, int fd)
{
	struct stagecp_options opt;
	struct outcome o;
	char own[64];
	char *msg;
	size_t msglen;

	memset(&o, 0, sizeof(o));
	if (cc->setup(&o) == 0) {
		stagecp_options_init(&opt);
		opt.chown = cc->chown;
		if (cc->chown_self) {
			snprintf(own, sizeof(own), "%u:%u", geteuid(),
				 getegid());
			opt.chown = own;
		}
		msg = cc->null_msg ? NULL : o.msg;
		msglen = cc->null_msg ? 0 : sizeof(o.msg);
		if (read_capsets(&o.before) < 0)
			setup_failed(&o, "read /proc/self/status");
		o.r = stagecp_drop_capabilities(&opt, msg, msglen);
		if (cc->twice)
			o.r2 = stagecp_drop_capabilities(&opt, msg, msglen);
		if (read_capsets(&o.after) < 0)
			setup_failed(&o, "read /proc/self/status");
	}
	_exit(write(fd, &o, sizeof(o)) == (ssize_t)sizeof(o) ? 0 : 1);
}

static void run_case(const struct child_case *cc, struct outcome *o)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(cc, p[1]);
	}
	close(p[1]);
	n = read(p[0], o, sizeof(*o));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(n, (ssize_t)sizeof(*o));
	if (o->skip[0]) {
		printf("skip: %s\n", o->skip);
		skip();
	}
	ran++;
}

static void skip_unless_root(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t c = cap_get_proc();

	if (c)
		cap_get_flag(c, CAP_SETPCAP, CAP_PERMITTED, &v);
	cap_free(c);
	if (geteuid() != 0 || v != CAP_SET) {
		printf("skip: needs root with its capabilities\n");
		skip();
	}
}

/* The kept caps the child had; everything else gone. */
static void assert_kept_only(const struct outcome *o, bool bounding_too)
{
	uint64_t kept = kept_mask() & o->before.prm;

	assert_int_equal(o->r, 0);
	assert_string_equal(o->msg, "");
	assert_int_equal(o->after.prm, kept);
	assert_int_equal(o->after.eff, kept);
	assert_int_equal(o->after.inh, 0);
	assert_int_equal(o->after.amb, 0);
	assert_int_equal(o->after.nnp, 1);
	if (bounding_too)
		assert_int_equal(o->after.bnd, kept_mask() & o->before.bnd);
	else
		assert_int_equal(o->after.bnd, o->before.bnd);
}

/* A refusal leaves the process as it was. */
static void assert_refused(const struct outcome *o, const char *msg)
{
	assert_int_equal(o->r, -EPERM);
	if (msg)
		assert_string_equal(o->msg, msg);
	assert_memory_equal(&o->after, &o->before, sizeof(o->after));
	assert_int_equal(o->after.nnp, 0);
}

/* --- no fork needed -------------------------------------------------- */

static void test_kept_set(void **state)
{
	static const cap_value_t kept[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
		CAP_FSETID, CAP_MKNOD, CAP_SETFCAP, CAP_SYS_ADMIN,
	};
	static const cap_value_t dropped[] = {
		CAP_SETPCAP, CAP_SETUID, CAP_SETGID, CAP_SYS_RESOURCE,
		CAP_LINUX_IMMUTABLE, CAP_NET_RAW, CAP_NET_ADMIN,
		CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_SYS_CHROOT, CAP_KILL,
		CAP_BPF,
	};

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		assert_true(caps_is_kept(kept[i]));
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		assert_false(caps_is_kept(dropped[i]));
	ran++;
}

struct chown_row {
	const char *value;
	bool needed;
};

static void check_rows(const struct caps_caller *me,
		       const struct chown_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool needed = !rows[i].needed;

		assert_int_equal(caps_chown_requirement(rows[i].value, me,
							&needed), 0);
		if (needed != rows[i].needed)
			fail_msg("--chown=%s: needed %d, want %d",
				 rows[i].value ? rows[i].value : "(null)",
				 needed, rows[i].needed);
	}
}

static void test_chown_requirement_user(void **state)
{
	static const gid_t groups[] = { 1000, 50 };
	static const struct caps_caller me = {
		.euid = 1000, .egid = 1000, .groups = groups, .ngroups = 2,
	};
	static const struct chown_row rows[] = {
		{ NULL, false },
		{ "", false },
		{ "1000", false },		/* gid 1000 too */
		{ "1000:1000", false },
		{ "1000:50", false },		/* a supplementary group */
		{ "+1000:0050", false },	/* decimal, as owner_parse */
		{ "-1", false },		/* -1:-1 changes nothing */
		{ "-1:50", false },
		{ "1000:-1", false },
		{ "1000:51", true },		/* not one of ours */
		{ "1000:", true },		/* an empty group is 0 */
		{ "1001", true },
		{ "1001:1000", true },
		{ "0", true },
		{ "root", true },
		{ ":", true },
		{ ":1000", true },
		{ "alice", true },		/* names: not known yet */
		{ "1000:staff", true },
		{ "alice:1000", true },
		{ "99999999999", true },	/* too big: a name */
	};

	check_rows(&me, rows, sizeof(rows) / sizeof(rows[0]));
	ran++;
}

static void test_chown_requirement_root(void **state)
{
	static const struct caps_caller me = { .euid = 0, .egid = 0 };
	static const struct chown_row rows[] = {
		{ "root", false },
		{ "root:root", false },
		{ "0:0", false },
		{ ":", false },
		{ "", false },
		{ "1234", true },
		{ "0:5678", true },		/* no supplementary groups */
		{ "root:wheel", true },
	};

	check_rows(&me, rows, sizeof(rows) / sizeof(rows[0]));
	ran++;
}

/* --- as a user without capabilities ------------------------------------ */

static void test_user_only_no_new_privs(void **state)
{
	const struct child_case cc = { .setup = as_user };
	struct outcome o;

	run_case(&cc, &o);
	/* The bounding set needs CAP_SETPCAP: left alone, silently. */
	assert_kept_only(&o, false);
	assert_int_equal(o.after.prm, 0);
}

static void test_user_chown_to_self(void **state)
{
	const struct child_case cc = { .setup = as_user, .chown_self = true };
	struct outcome o;

	run_case(&cc, &o);
	assert_kept_only(&o, false);
}

static void test_user_chown_to_others(void **state)
{
	const struct child_case cc = { .setup = as_user,
				       .chown = "1234:5678" };
	struct outcome o;

	run_case(&cc, &o);
	if (o.before.prm == 0 && geteuid() == 1234)
		skip();
	assert_refused(&o, MISSING_CHOWN);
}

static void test_user_chown_to_name(void **state)
{
	const struct child_case cc = { .setup = as_user, .chown = "nobody" };
	struct outcome o;

	run_case(&cc, &o);
	assert_refused(&o, MISSING_CHOWN);
}

static void test_user_null_msg(void **state)
{
	const struct child_case cc = { .setup = as_user, .chown = "1:1",
				       .null_msg = true };
	struct outcome o;

	run_case(&cc, &o);
	assert_refused(&o, NULL);
}

/* --- as root -------------------------------------------------------- */

static void test_root_keeps_copy_caps(void **state)
{
	const struct child_case cc = { .setup = as_root };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_kept_only(&o, true);
	/* Root has them all: each copy cap is there, nothing else. */
	assert_int_equal(o.after.eff, kept_mask());
	assert_int_equal(o.after.eff & file_caps, file_caps);
	assert_int_equal(o.after.eff & BIT(CAP_SETPCAP), 0);
	assert_int_equal(o.after.bnd & BIT(CAP_SYS_MODULE), 0);
}

static void test_root_chown_to_others(void **state)
{
	const struct child_case cc = { .setup = as_root,
				       .chown = "1234:5678" };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_kept_only(&o, true);
	assert_true(o.after.eff & BIT(CAP_CHOWN));
}

static void test_root_without_chown_refuses(void **state)
{
	const struct child_case cc = { .setup = root_without_chown,
				       .chown = "1234" };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_refused(&o, MISSING_CHOWN);
}

/* Keeping the source's owners without CAP_CHOWN is the engine's warning. */
static void test_root_without_chown_keeps_owners(void **state)
{
	const struct child_case cc = { .setup = root_without_chown };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_kept_only(&o, true);
	assert_int_equal(o.after.prm & BIT(CAP_CHOWN), 0);
}

/* --chown=0:0 as root without CAP_CHOWN: root's own ids need nothing. */
static void test_root_without_chown_to_self(void **state)
{
	const struct child_case cc = { .setup = root_without_chown,
				       .chown = "root:0" };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_kept_only(&o, true);
}

static void test_setpcap_only_permitted(void **state)
{
	const struct child_case cc = { .setup = root_setpcap_not_effective };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_int_equal(o.before.eff & BIT(CAP_SETPCAP), 0);
	assert_kept_only(&o, true);
	assert_true(o.after.eff & BIT(CAP_CHOWN));
}

static void test_ambient_emptied(void **state)
{
	const struct child_case cc = { .setup = root_with_ambient };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_int_equal(o.before.amb, BIT(CAP_NET_BIND_SERVICE));
	assert_kept_only(&o, true);
}

static void test_twice_is_the_same(void **state)
{
	const struct child_case cc = { .setup = as_root, .twice = true,
				       .chown = "1234" };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_int_equal(o.r2, 0);
	assert_kept_only(&o, true);
}

static void test_root_null_msg(void **state)
{
	const struct child_case cc = { .setup = as_root, .null_msg = true };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_kept_only(&o, true);
}

/* The issue's setcap'd binary run by nobody. */
static void test_file_caps_user(void **state)
{
	const struct child_case cc = { .setup = nobody_with_file_caps,
				       .chown = "1234:5678" };
	struct outcome o;

	skip_unless_root();
	run_case(&cc, &o);
	assert_int_equal(o.before.prm, file_caps);
	/* No CAP_SETPCAP: the bounding set stays as it was. */
	assert_kept_only(&o, false);
	assert_int_equal(o.after.eff, file_caps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_set),
		cmocka_unit_test(test_chown_requirement_user),
		cmocka_unit_test(test_chown_requirement_root),
		cmocka_unit_test(test_user_only_no_new_privs),
		cmocka_unit_test(test_user_chown_to_self),
		cmocka_unit_test(test_user_chown_to_others),
		cmocka_unit_test(test_user_chown_to_name),
		cmocka_unit_test(test_user_null_msg),
		cmocka_unit_test(test_root_keeps_copy_caps),
		cmocka_unit_test(test_root_chown_to_others),
		cmocka_unit_test(test_root_without_chown_refuses),
		cmocka_unit_test(test_root_without_chown_keeps_owners),
		cmocka_unit_test(test_root_without_chown_to_self),
		cmocka_unit_test(test_setpcap_only_permitted),
		cmocka_unit_test(test_ambient_emptied),
		cmocka_unit_test(test_twice_is_the_same),
		cmocka_unit_test(test_root_null_msg),
		cmocka_unit_test(test_file_caps_user),
	};

	if (cmocka_run_group_tests(tests, NULL, NULL))
		return 1;
	if (!ran) {
		printf("skip: no case could run here\n");
		return 77;
	}
	return 0;
}
