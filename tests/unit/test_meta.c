// SPDX-License-Identifier: MIT
/*
 * Metadata of a copied entry: the order chown, chmod, xattrs (capability
 * last), times keeps setuid, setgid and file capabilities; overlayfs keys
 * stay behind; a key that cannot be set is a warning; symlinks get owner
 * and times on the link itself and are never chmod'ed.
 * Ownership, trusted.* and security.capability need root: those cases
 * skip without it, and the program exits 77 only if no case could run.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/capability.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "engine/meta.h"
#include "engine/xattr.h"

#define MAX_REPORTS 16
#define SRC_UID 1234
#define SRC_GID 5678

static char tmpdir[] = "/tmp/stagecp-test-meta.XXXXXX";
static int tmpfd = -1;
/* Cases that got past their skip checks. */
static int ran;

/* Fixed times with nanoseconds, far from "now". */
static const struct timespec src_times[2] = {
	{ .tv_sec = 1000000000, .tv_nsec = 123456789 },	/* atime */
	{ .tv_sec = 1200000000, .tv_nsec = 987654321 },	/* mtime */
};

struct fixture {
	struct stagecp_ctx *c;
	int n;
	struct {
		char op[160];
		char path[PATH_MAX];
		int err;
		bool warning;
	} reports[MAX_REPORTS];
};

static void on_error(void *arg, const struct stagecp_error *e)
{
	struct fixture *fx = arg;

	fprintf(stderr, "report: %s: %s: %s%s\n", e->path, e->op,
		e->msg ? e->msg : strerror(e->err),
		e->warning ? " (warning)" : "");
	if (fx->n < MAX_REPORTS) {
		snprintf(fx->reports[fx->n].op, sizeof(fx->reports[0].op),
			 "%s", e->op);
		snprintf(fx->reports[fx->n].path,
			 sizeof(fx->reports[0].path), "%s", e->path);
		fx->reports[fx->n].err = e->err;
		fx->reports[fx->n].warning = e->warning;
	}
	fx->n++;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct stagecp_options o;

	if (!fx)
		return -1;
	stagecp_options_init(&o);
	o.from_root = tmpdir;
	o.to_root = tmpdir;
	o.on_error = on_error;
	o.error_arg = fx;
	if (stagecp_new(&fx->c, &o) < 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0;	/* the directory stays for the next test */
	return remove(path) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int r = 0;

	if (nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		r = -1;
	stagecp_free(fx->c);
	free(fx);
	return r;
}

static void skip_unless_root(const char *what)
{
	if (geteuid() != 0) {
		printf("skip: %s needs root\n", what);
		skip();
	}
}

static void skip_on(int r, const char *what)
{
	if (r == -EOPNOTSUPP || r == -EPERM || r == -ENOTSUP) {
		printf("skip: %s: %s\n", what, strerror(-r));
		skip();
	}
}

static int new_file(const char *name, mode_t mode)
{
	int fd = openat(tmpfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
				     O_NOFOLLOW, mode);

	if (fd < 0)
		fail_msg("create %s/%s: %s", tmpdir, name, strerror(errno));
	if (fchmod(fd, mode) < 0)
		fail_msg("chmod %s: %s", name, strerror(errno));
	return fd;
}

static int fset(int fd, const char *key, const void *val, size_t len)
{
	return fsetxattr(fd, key, val, len, 0) < 0 ? -errno : 0;
}

static int lset(const char *name, const char *key, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return lsetxattr(path, key, val, strlen(val), 0) < 0 ? -errno : 0;
}

static ssize_t lget(const char *name, const char *key, void *buf,
		    size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	n = lgetxattr(path, key, buf, len);
	return n < 0 ? -errno : n;
}

static void assert_xattr(int fd, const char *key, const void *val,
			 size_t len)
{
	char buf[256];
	ssize_t n = fgetxattr(fd, key, buf, sizeof(buf));

	if (n < 0)
		fail_msg("%s: %s", key, strerror(errno));
	assert_int_equal(n, len);
	assert_memory_equal(buf, val, len);
}

static void assert_no_xattr(int fd, const char *key)
{
	char buf[256];

	if (fgetxattr(fd, key, buf, sizeof(buf)) >= 0)
		fail_msg("%s was copied", key);
	assert_int_equal(errno, ENODATA);
}

static void assert_times(const struct stat *st, const struct timespec ts[2])
{
	assert_int_equal(st->st_atim.tv_sec, ts[0].tv_sec);
	assert_int_equal(st->st_atim.tv_nsec, ts[0].tv_nsec);
	assert_int_equal(st->st_mtim.tv_sec, ts[1].tv_sec);
	assert_int_equal(st->st_mtim.tv_nsec, ts[1].tv_nsec);
}

static void assert_no_reports(const struct fixture *fx)
{
	if (fx->n)
		fail_msg("%d unexpected report(s), first: %s: %s", fx->n,
			 fx->reports[0].path, fx->reports[0].op);
}

/* What a destination holds now, from its stat. */
static struct meta_now now_of(const struct stat *st)
{
	return (struct meta_now){ .uid = st->st_uid, .gid = st->st_gid,
				  .mode = st->st_mode & 07777 };
}

/* cap_net_raw+ep in the VFS_CAP_REVISION_2 layout (little endian). */
static void cap_net_raw_ep(struct vfs_cap_data *cap)
{
	memset(cap, 0, sizeof(*cap));
	cap->magic_etc = htole32(VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE);
	cap->data[0].permitted = htole32(1u << CAP_NET_RAW);
}

/*
 * The source of the ordering test: mode, owner, a user xattr, a file
 * capability, overlay-private keys and fixed times.
 */
static int make_rich_source(const char *name, mode_t mode,
			    char *cap_bytes, size_t *cap_len)
{
	struct vfs_cap_data cap;
	ssize_t n;
	int fd = new_file(name, 0600);
	int r;

	assert_int_equal(write(fd, "#!/bin/true\n", 12), 12);
	assert_int_equal(fchown(fd, SRC_UID, SRC_GID), 0);
	/* After the chown, which would clear them. */
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(fset(fd, "user.test", "hello", 5), 0);
	r = fset(fd, "trusted.overlay.opaque", "y", 1);
	skip_on(r, "trusted.* xattrs on the test filesystem");
	assert_int_equal(r, 0);
	assert_int_equal(fset(fd, "user.overlay.x", "z", 1), 0);
	cap_net_raw_ep(&cap);
	r = fset(fd, "security.capability", &cap, XATTR_CAPS_SZ_2);
	skip_on(r, "security.capability on the test filesystem");
	assert_int_equal(r, 0);
	/* Compare with what the kernel stored (it may rewrite the format). */
	n = fgetxattr(fd, "security.capability", cap_bytes, 64);
	assert_true(n > 0);
	*cap_len = (size_t)n;
	assert_int_equal(futimens(fd, src_times), 0);
	return fd;
}

static void check_rich_copy(int dfd, mode_t mode, const char *cap_bytes,
			    size_t cap_len)
{
	struct stat st;

	assert_int_equal(fstat(dfd, &st), 0);
	assert_int_equal(st.st_uid, SRC_UID);
	assert_int_equal(st.st_gid, SRC_GID);
	if ((st.st_mode & 07777) != mode)
		fail_msg("mode 0%o, want 0%o", st.st_mode & 07777, mode);
	assert_xattr(dfd, "security.capability", cap_bytes, cap_len);
	assert_xattr(dfd, "user.test", "hello", 5);
	assert_no_xattr(dfd, "trusted.overlay.opaque");
	assert_no_xattr(dfd, "user.overlay.x");
	assert_times(&st, src_times);
}

/*
 * One source, copied onto a fresh empty file in every way the engine
 * reaches a source (by name under its directory, or through its fd) and
 * from both starting modes of the destination: the caller's plain 0644,
 * and the final mode already set (so only the chown's clearing of setuid
 * and setgid calls for a chmod).
 */
static void test_order(void **state)
{
	struct fixture *fx = *state;
	static const mode_t modes[] = { 04755, 06755, 02755 };
	char cap_bytes[64];
	size_t cap_len = 0;

	skip_unless_root("chown to another user and security.capability");
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		int sfd = make_rich_source("src", modes[m], cap_bytes,
					   &cap_len);
		struct stat sst;

		assert_int_equal(fstatat(tmpfd, "src", &sst,
					 AT_SYMLINK_NOFOLLOW), 0);
		assert_int_equal(sst.st_mode & 07777, modes[m]);
		assert_int_equal(sst.st_uid, SRC_UID);
		for (int way = 0; way < 4; way++) {
			bool by_fd = way & 1, preset = way & 2;
			const char *name = "dst";
			int dfd = new_file(name, preset ? modes[m] : 0644);
			struct node src = { .fd = by_fd ? sfd : -1,
					    .dirfd = tmpfd, .name = "src",
					    .at_flags = AT_SYMLINK_NOFOLLOW };
			struct node dst = { .fd = dfd, .dirfd = tmpfd,
					    .name = name };
			struct meta_now now;
			struct stat dst_st;

			ran++;
			assert_int_equal(fstat(dfd, &dst_st), 0);
			now = now_of(&dst_st);
			assert_int_equal(meta_apply(fx->c, &sst, &src, &dst,
						    &now, "/dst"), 0);
			assert_no_reports(fx);
			check_rich_copy(dfd, modes[m], cap_bytes, cap_len);
			close(dfd);
			assert_int_equal(unlinkat(tmpfd, name, 0), 0);
		}
		close(sfd);
		assert_int_equal(unlinkat(tmpfd, "src", 0), 0);
	}
}

/* Metadata on a source that already has the caller's owner: no chown. */
static void test_same_owner(void **state)
{
	struct fixture *fx = *state;
	int sfd = new_file("src", 0640);
	int dfd = new_file("dst", 0600);
	struct node src = { .fd = sfd, .dirfd = tmpfd, .name = "src" };
	struct node dst = { .fd = dfd, .dirfd = tmpfd, .name = "dst" };
	struct stat sst, st;
	struct meta_now now;
	int r;

	r = fset(sfd, "user.k", "v", 1);
	skip_on(r, "user.* xattrs on the test filesystem");
	ran++;
	assert_int_equal(r, 0);
	assert_int_equal(fchmod(sfd, 01750), 0);
	assert_int_equal(futimens(sfd, src_times), 0);
	assert_int_equal(fstat(sfd, &sst), 0);
	assert_int_equal(fstat(dfd, &st), 0);
	now = now_of(&st);
	assert_int_equal(meta_apply(fx->c, &sst, &src, &dst, &now, "/dst"),
			 0);
	assert_no_reports(fx);
	assert_int_equal(fstat(dfd, &st), 0);
	assert_int_equal(st.st_uid, sst.st_uid);
	assert_int_equal(st.st_gid, sst.st_gid);
	assert_int_equal(st.st_mode & 07777, 01750);
	assert_xattr(dfd, "user.k", "v", 1);
	assert_times(&st, src_times);
	close(sfd);
	close(dfd);
}

static void test_private_keys_table(void **state)
{
	static const struct {
		const char *key;
		bool private;
	} k[] = {
		{ "trusted.overlay.opaque", true },
		{ "trusted.overlay.redirect", true },
		{ "trusted.overlay.", true },
		{ "user.overlay.x", true },
		{ "user.overlay.opaque", true },
		{ "user.overlay.", true },
		{ "trusted.overlay", false },
		{ "trusted.overlayx", false },
		{ "user.overlay", false },
		{ "user.overlayx.y", false },
		{ "user.test", false },
		{ "trusted.other", false },
		{ "security.capability", false },
		{ "security.selinux", false },
		{ "system.posix_acl_access", false },
		{ "xtrusted.overlay.x", false },
		{ "", false },
	};

	ran++;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (xattr_is_private(k[i].key) != k[i].private)
			fail_msg("xattr_is_private(\"%s\") = %d", k[i].key,
				 !k[i].private);
}

/* The overlay keys stay behind; their neighbours go. */
static void test_private_keys_not_copied(void **state)
{
	bool has_cap;
	struct fixture *fx = *state;
	int sfd = new_file("src", 0644);
	int dfd = new_file("dst", 0644);
	struct node src = { .fd = -1, .dirfd = tmpfd, .name = "src",
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	struct node dst = { .fd = dfd, .dirfd = tmpfd, .name = "dst" };
	bool root = geteuid() == 0;
	char list[1024];
	ssize_t n;
	int r;

	r = fset(sfd, "user.overlay.x", "z", 1);
	skip_on(r, "user.* xattrs on the test filesystem");
	ran++;
	assert_int_equal(r, 0);
	assert_int_equal(fset(sfd, "user.keep", "1", 1), 0);
	if (root) {
		assert_int_equal(fset(sfd, "trusted.overlay.opaque", "y", 1),
				 0);
		assert_int_equal(fset(sfd, "trusted.keep", "2", 1), 0);
	} else {
		printf("note: not root, trusted.* keys not tried\n");
	}
	assert_int_equal(xattr_copy(fx->c, &src, &dst, "/dst", &has_cap), 0);
	assert_false(has_cap);
	assert_no_reports(fx);
	assert_xattr(dfd, "user.keep", "1", 1);
	assert_no_xattr(dfd, "user.overlay.x");
	if (root) {
		assert_xattr(dfd, "trusted.keep", "2", 1);
		assert_no_xattr(dfd, "trusted.overlay.opaque");
	}
	/* Nothing else came along either. */
	n = flistxattr(dfd, list, sizeof(list));
	assert_true(n >= 0);
	for (char *p = list; p < list + n; p += strlen(p) + 1)
		if (strcmp(p, "user.keep") && strcmp(p, "trusted.keep") &&
		    strncmp(p, "security.", 9))
			fail_msg("unexpected key %s", p);
	close(sfd);
	close(dfd);
}

/* A value bigger than the on-stack buffer is copied whole. */
static void test_large_value(void **state)
{
	struct fixture *fx = *state;
	int sfd = new_file("src", 0644);
	int dfd = new_file("dst", 0644);
	struct node src = { .fd = sfd, .dirfd = tmpfd, .name = "src" };
	struct node dst = { .fd = dfd, .dirfd = tmpfd, .name = "dst" };
	size_t len = 3000;
	bool has_cap;
	char *val, *got;
	ssize_t n;
	int r = 0;

	val = malloc(len);
	got = malloc(len);
	assert_non_null(val);
	assert_non_null(got);
	for (size_t i = 0; i < len; i++)
		val[i] = (char)(i * 7 + 1);
	/* ext4 keeps one value per block: take what the filesystem can. */
	while (len > 0 && (r = fset(sfd, "user.big", val, len)) == -ENOSPC)
		len /= 2;
	skip_on(r, "user.* xattrs on the test filesystem");
	ran++;
	assert_int_equal(r, 0);
	assert_int_equal(xattr_copy(fx->c, &src, &dst, "/dst", &has_cap), 0);
	assert_false(has_cap);
	assert_no_reports(fx);
	n = fgetxattr(dfd, "user.big", got, len);
	assert_int_equal(n, len);
	assert_memory_equal(got, val, len);
	free(val);
	free(got);
	close(sfd);
	close(dfd);
}

/*
 * A key the destination refuses is a warning naming the key, and the other
 * keys still go.  The destination is a symlink: user.* is not allowed on
 * one (EPERM) while trusted.* is, for root.  Through meta_apply, the times
 * still follow the failed key.
 */
static void test_failed_key_is_warning(void **state)
{
	struct fixture *fx = *state;
	int sfd;
	struct node src = { .fd = -1, .dirfd = tmpfd, .name = "src",
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	struct node dst = { .fd = -1, .dirfd = tmpfd, .name = "dlink",
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	struct stagecp_stats stats;
	struct meta_now now;
	struct stat sst, st;
	char buf[16];
	int r, warned_a = 0, warned_c = 0;

	skip_unless_root("trusted.* xattrs");
	sfd = new_file("src", 0644);
	r = fset(sfd, "user.a", "1", 1);
	skip_on(r, "user.* xattrs on the test filesystem");
	assert_int_equal(fset(sfd, "trusted.b", "2", 1), 0);
	assert_int_equal(fset(sfd, "user.c", "3", 1), 0);
	assert_int_equal(symlinkat("target", tmpfd, "dlink"), 0);
	r = lset("dlink", "trusted.probe", "x");
	skip_on(r, "trusted.* xattrs on symlinks");
	assert_int_equal(r, 0);
	ran++;
	/* The source's times, on a symlink's lstat: no chmod, no chown. */
	assert_int_equal(symlinkat("whatever", tmpfd, "slink"), 0);
	assert_int_equal(utimensat(tmpfd, "slink", src_times,
				   AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(fstatat(tmpfd, "slink", &sst, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_int_equal(fstatat(tmpfd, "dlink", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	now = now_of(&st);

	assert_int_equal(meta_apply(fx->c, &sst, &src, &dst, &now, "/dlink"),
			 0);
	assert_int_equal(fx->n, 2);
	for (int i = 0; i < 2; i++) {
		assert_true(fx->reports[i].warning);
		assert_int_equal(fx->reports[i].err, EPERM);
		assert_string_equal(fx->reports[i].path, "/dlink");
		if (strstr(fx->reports[i].op, "user.a"))
			warned_a++;
		if (strstr(fx->reports[i].op, "user.c"))
			warned_c++;
	}
	assert_int_equal(warned_a, 1);
	assert_int_equal(warned_c, 1);
	stagecp_get_stats(fx->c, &stats);
	assert_int_equal(stats.warnings, 2);
	assert_int_equal(stats.errors, 0);
	assert_int_equal(fx->c->rep.first_err, 0);
	assert_int_equal(lget("dlink", "trusted.b", buf, sizeof(buf)), 1);
	assert_memory_equal(buf, "2", 1);
	assert_int_equal(lget("dlink", "user.a", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(fstatat(tmpfd, "dlink", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_times(&st, src_times);
	close(sfd);
}

/*
 * A symlink node: owner (as root) and times go on the link itself, the
 * mode is never touched, and the link's target keeps all of its own.
 */
static void test_symlink_node(void **state)
{
	struct fixture *fx = *state;
	static const struct timespec tgt_times[2] = {
		{ .tv_sec = 1500000000, .tv_nsec = 111 },
		{ .tv_sec = 1500000001, .tv_nsec = 222 },
	};
	struct node src = { .fd = -1, .dirfd = tmpfd, .name = "slink",
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	struct node dst = { .fd = -1, .dirfd = tmpfd, .name = "dlink",
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	bool root = geteuid() == 0;
	struct stat sst, st, tgt_before, tgt_after;
	struct meta_now now;
	int tfd;

	ran++;
	tfd = new_file("tgt", 0600);
	assert_int_equal(futimens(tfd, tgt_times), 0);
	close(tfd);
	assert_int_equal(symlinkat("tgt", tmpfd, "dlink"), 0);
	assert_int_equal(symlinkat("elsewhere", tmpfd, "slink"), 0);
	if (root)
		assert_int_equal(fchownat(tmpfd, "slink", SRC_UID, SRC_GID,
					  AT_SYMLINK_NOFOLLOW), 0);
	else
		printf("note: not root, symlink ownership not tried\n");
	assert_int_equal(utimensat(tmpfd, "slink", src_times,
				   AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(fstatat(tmpfd, "slink", &sst, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_int_equal(fstatat(tmpfd, "tgt", &tgt_before, 0), 0);
	assert_int_equal(fstatat(tmpfd, "dlink", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	/*
	 * A mode unlike the source's 0777: only the symlink rule keeps the
	 * chmod away (a chmod through the link would reach tgt; one on the
	 * link itself fails with EOPNOTSUPP and would be reported).
	 */
	now = (struct meta_now){ .uid = st.st_uid, .gid = st.st_gid,
				 .mode = 0 };

	assert_int_equal(meta_apply(fx->c, &sst, &src, &dst, &now, "/dlink"),
			 0);
	assert_no_reports(fx);
	assert_int_equal(fstatat(tmpfd, "dlink", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_times(&st, src_times);
	if (root) {
		assert_int_equal(st.st_uid, SRC_UID);
		assert_int_equal(st.st_gid, SRC_GID);
	}
	assert_int_equal(fstatat(tmpfd, "tgt", &tgt_after, 0), 0);
	assert_int_equal(tgt_after.st_mode, tgt_before.st_mode);
	assert_int_equal(tgt_after.st_mode & 07777, 0600);
	assert_int_equal(tgt_after.st_uid, tgt_before.st_uid);
	assert_int_equal(tgt_after.st_gid, tgt_before.st_gid);
	assert_times(&tgt_after, tgt_times);

	/* meta_apply_times alone does the same. */
	assert_int_equal(utimensat(tmpfd, "dlink", tgt_times,
				   AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(meta_apply_times(fx->c, &sst, &dst, "/dlink"), 0);
	assert_int_equal(fstatat(tmpfd, "dlink", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_times(&st, src_times);
	assert_int_equal(fstatat(tmpfd, "tgt", &tgt_after, 0), 0);
	assert_times(&tgt_after, tgt_times);
	assert_no_reports(fx);
}

/* A failing step is an error against the path, and stops what follows. */
static void test_times_failure_reported(void **state)
{
	struct fixture *fx = *state;
	struct node dst = { .fd = -1, .dirfd = tmpfd, .name = "missing",
			    .at_flags = AT_SYMLINK_NOFOLLOW };
	struct stat sst;

	ran++;
	memset(&sst, 0, sizeof(sst));
	sst.st_mode = S_IFLNK | 0777;
	sst.st_atim = src_times[0];
	sst.st_mtim = src_times[1];
	assert_int_equal(meta_apply_times(fx->c, &sst, &dst, "/missing"),
			 -ENOENT);
	assert_int_equal(fx->n, 1);
	assert_false(fx->reports[0].warning);
	assert_int_equal(fx->reports[0].err, ENOENT);
	assert_string_equal(fx->reports[0].path, "/missing");
	assert_int_equal(fx->c->rep.first_err, -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_owner, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_private_keys_table,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_keys_not_copied,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_value, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_key_is_warning,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_node, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_times_failure_reported,
						setup, teardown),
	};
	int failed;

	umask(022);
	if (!mkdtemp(tmpdir)) {
		printf("skip: cannot make a directory under /tmp: %m\n");
		return 77;
	}
	tmpfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tmpfd < 0) {
		printf("skip: cannot open %s: %m\n", tmpdir);
		rmdir(tmpdir);
		return 77;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	close(tmpfd);
	if (rmdir(tmpdir) < 0)
		fprintf(stderr, "test_meta: rmdir %s: %m\n", tmpdir);
	if (failed)
		return 1;
	if (!ran) {
		printf("skip: no case could run here (root and xattr "
		       "support needed)\n");
		return 77;
	}
	return 0;
}
