// SPDX-License-Identifier: MIT
/*
 * Paths inside a stage root: symlink expansion that never leaves the root,
 * the hop limit, dangling links kept as written, the open of the result
 * (checked against the inode it must reach) and directory creation.
 * Every case runs twice: through openat2 and through the O_NOFOLLOW walk
 * that stands in for it.
 */
#include <dirent.h>
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
#include <unistd.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "roots/resolve.h"
#include "seam/pathbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A name longer than NAME_MAX. */
#define LONG_NAME_LEN 300

static char tmpdir[] = "/tmp/stagecp-test-resolve.XXXXXX";
static char rootdir[PATH_MAX];
static char sentinel[PATH_MAX];
/* The root and the sentinel as the test sees them, from outside. */
static int host_root = -1;
static int host_sentinel = -1;
static char long_name[LONG_NAME_LEN + 1];

struct fixture {
	bool no_openat2;
	const char *tag;	/* makes names unique per mode */
	struct stagecp_ctx *c;
	int reports;
};

static struct fixture with_openat2 = { .no_openat2 = false, .tag = "o2" };
static struct fixture with_walk = { .no_openat2 = true, .tag = "walk" };

/* One resolution: what resolve_root_path gives and what the open reaches. */
struct rcase {
	const char *path;
	bool follow_last;
	int want_r;		/* resolve_root_path's return */
	const char *want;	/* its output when want_r is 0 */
	const char *real;	/* the entry it names, relative to the root */
	int open_r;		/* resolve_open's error when real is NULL */
};

static void on_error(void *arg, const struct stagecp_error *e)
{
	struct fixture *fx = arg;

	fx->reports++;
	fprintf(stderr, "report: %s: %s: %s\n", e->path, e->op,
		e->msg ? e->msg : strerror(e->err));
}

static void must(int r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "test_resolve: setup: %s: %m\n", what);
		exit(1);
	}
}

static void mkdir_in(const char *name)
{
	must(mkdirat(host_root, name, 0755), name);
	/* The umask must not matter for the modes checked below. */
	must(fchmodat(host_root, name, 0755, 0), name);
}

static void file_in(const char *name)
{
	int fd = openat(host_root, name,
			O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	must(fd, name);
	close(fd);
}

static void link_in(const char *target, const char *name)
{
	must(symlinkat(target, host_root, name), name);
}

/*
 * The tree every case looks at:
 *   d/ d/file d/sub/ d/sub/file etc/ etc/passwd etc/lnk -> passwd
 *   rel -> d/sub                 d/up -> ../etc
 *   abs -> /etc                  abs2 -> /../../etc
 *   d/sub/l -> ../../../..       d/sub/back -> ../..
 *   c1 -> c2, c2 -> /c3, c3 -> d/sub
 *   loopa -> loopb, loopb -> loopa, self -> self
 *   hops/h0 -> h1 ... hops/h39 -> h40, hops/h40 -> ../d
 *   dang -> /x/y                 d/dang2 -> ../nowhere/deeper
 *   lf -> d/file
 *   p1 -> /proc/self/root/etc/passwd
 *   fake/self/root -> /          p2 -> /fake/self/root/etc
 *   esc -> ../../sentinel        hostsent -> <tmpdir>/sentinel
 */
static void build_tree(void)
{
	char name[64], target[64], abs_target[PATH_MAX];

	mkdir_in("d");
	mkdir_in("d/sub");
	mkdir_in("etc");
	mkdir_in("hops");
	mkdir_in("fake");
	mkdir_in("fake/self");
	file_in("d/file");
	file_in("d/sub/file");
	file_in("etc/passwd");
	link_in("passwd", "etc/lnk");
	link_in("d/sub", "rel");
	link_in("../etc", "d/up");
	link_in("/etc", "abs");
	link_in("/../../etc", "abs2");
	link_in("../../../..", "d/sub/l");
	link_in("../..", "d/sub/back");
	link_in("c2", "c1");
	link_in("/c3", "c2");
	link_in("d/sub", "c3");
	link_in("loopb", "loopa");
	link_in("loopa", "loopb");
	link_in("self", "self");
	for (int i = 0; i < RESOLVE_MAX_HOPS; i++) {
		snprintf(name, sizeof(name), "hops/h%d", i);
		snprintf(target, sizeof(target), "h%d", i + 1);
		link_in(target, name);
	}
	snprintf(name, sizeof(name), "hops/h%d", RESOLVE_MAX_HOPS);
	link_in("../d", name);
	link_in("/x/y", "dang");
	link_in("../nowhere/deeper", "d/dang2");
	link_in("d/file", "lf");
	link_in("/proc/self/root/etc/passwd", "p1");
	link_in("/", "fake/self/root");
	link_in("/fake/self/root/etc", "p2");
	link_in("../../sentinel", "esc");
	snprintf(abs_target, sizeof(abs_target), "%s", sentinel);
	link_in(abs_target, "hostsent");
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static int setup(void **state)
{
	struct fixture *fx = *state;
	struct stagecp_options o;
	int r;

	stagecp_options_init(&o);
	o.from_root = rootdir;
	o.to_root = rootdir;
	o.on_error = on_error;
	o.error_arg = fx;
	if (fx->no_openat2)
		o.flags |= STAGECP_F_NO_OPENAT2;
	fx->reports = 0;
	r = stagecp_new(&fx->c, &o);
	if (r < 0)
		return -1;
	fx->c->res.no_openat2 = fx->no_openat2;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	/* Resolution never reports: its callers do. */
	int r = fx->reports ? -1 : 0;

	/* Whatever a case did, it left the walk mode as it was. */
	if (fx->c->res.no_openat2 != fx->no_openat2)
		r = -1;
	stagecp_free(fx->c);
	fx->c = NULL;
	return r;
}

static void lstat_in_root(const char *rel, struct stat *st)
{
	if (fstatat(host_root, rel, st, AT_SYMLINK_NOFOLLOW) < 0)
		fail_msg("lstat %s/%s: %s", rootdir, rel, strerror(errno));
}

static void assert_same_inode(int fd, const char *rel, const char *what)
{
	struct stat got, want;

	assert_int_equal(fstat(fd, &got), 0);
	lstat_in_root(rel, &want);
	if (got.st_ino != want.st_ino || got.st_dev != want.st_dev)
		fail_msg("%s: opened inode %ju, want %ju (%s)", what,
			 (uintmax_t)got.st_ino, (uintmax_t)want.st_ino, rel);
}

static void assert_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	assert_true(fl >= 0);
	assert_true(fl & FD_CLOEXEC);
}

/* The open that suits the entry's type, besides O_PATH. */
static int flags_for(const char *rel)
{
	struct stat st;

	lstat_in_root(rel, &st);
	if (S_ISDIR(st.st_mode))
		return O_RDONLY | O_DIRECTORY;
	if (S_ISREG(st.st_mode))
		return O_RDONLY;
	return O_PATH;
}

static void run_case(struct fixture *fx, const struct rcase *k)
{
	struct stagecp_ctx *c = fx->c;
	char *out = NULL;
	int r, fd;

	r = resolve_root_path(&c->res, c->from_fd, k->path, k->follow_last, &out);
	if (r != k->want_r)
		fail_msg("[%s] resolve_root_path(\"%s\", follow %d) = %d (%s), "
			 "want %d", fx->tag, k->path, k->follow_last, r,
			 r < 0 ? strerror(-r) : out, k->want_r);
	if (r < 0)
		return;
	assert_non_null(out);
	if (strcmp(out, k->want))
		fail_msg("[%s] resolve_root_path(\"%s\", follow %d) gave "
			 "\"%s\", want \"%s\"", fx->tag, k->path,
			 k->follow_last, out, k->want);

	fd = resolve_open(&c->res, c->from_fd, out, O_PATH);
	if (!k->real) {
		if (fd != k->open_r)
			fail_msg("[%s] resolve_open(\"%s\") = %d, want %d",
				 fx->tag, out, fd, k->open_r);
		free(out);
		return;
	}
	if (fd < 0)
		fail_msg("[%s] resolve_open(\"%s\", O_PATH): %s", fx->tag,
			 out, strerror(-fd));
	assert_cloexec(fd);
	assert_same_inode(fd, k->real, out);
	close(fd);

	fd = resolve_open(&c->res, c->from_fd, out, flags_for(k->real));
	if (fd < 0)
		fail_msg("[%s] resolve_open(\"%s\", 0%o): %s", fx->tag, out,
			 flags_for(k->real), strerror(-fd));
	assert_cloexec(fd);
	assert_same_inode(fd, k->real, out);
	close(fd);
	free(out);
}

static void run_cases(void **state, const struct rcase *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_case(*state, &k[i]);
}

static void test_plain(void **state)
{
	static const struct rcase k[] = {
		{ "/", true, 0, "/", ".", 0 },
		{ "", true, 0, "/", ".", 0 },
		{ ".", true, 0, "/", ".", 0 },
		{ "..", true, 0, "/", ".", 0 },
		{ "/d", true, 0, "/d", "d", 0 },
		{ "d/sub/file", true, 0, "/d/sub/file", "d/sub/file", 0 },
		{ "/d//sub/./file", true, 0, "/d/sub/file", "d/sub/file", 0 },
		{ "d/sub/", true, 0, "/d/sub", "d/sub", 0 },
		{ "../../d/file", true, 0, "/d/file", "d/file", 0 },
		{ "/d/file", false, 0, "/d/file", "d/file", 0 },
		/* Missing entries are kept as written, and do not open. */
		{ "/nope", true, 0, "/nope", NULL, -ENOENT },
		{ "/nope/a/b", true, 0, "/nope/a/b", NULL, -ENOENT },
		{ "/d/nope", true, 0, "/d/nope", NULL, -ENOENT },
		/* A file in the middle: the rest cannot be below it. */
		{ "/d/file/x", true, 0, "/d/file/x", NULL, -ENOTDIR },
	};

	run_cases(state, k, ARRAY_SIZE(k));
}

static void test_symlinks(void **state)
{
	static const struct rcase k[] = {
		/* Relative, from the link's own directory. */
		{ "rel", true, 0, "/d/sub", "d/sub", 0 },
		{ "rel/file", true, 0, "/d/sub/file", "d/sub/file", 0 },
		{ "/rel/", true, 0, "/d/sub", "d/sub", 0 },
		{ "d/up/passwd", true, 0, "/etc/passwd", "etc/passwd", 0 },
		/* Absolute: re-rooted, never the host's /etc. */
		{ "abs", true, 0, "/etc", "etc", 0 },
		{ "abs/passwd", true, 0, "/etc/passwd", "etc/passwd", 0 },
		{ "abs2/passwd", true, 0, "/etc/passwd", "etc/passwd", 0 },
		/* ".." in a target stops at the root. */
		{ "d/sub/l", true, 0, "/", ".", 0 },
		{ "d/sub/l/etc/passwd", true, 0, "/etc/passwd", "etc/passwd",
		  0 },
		{ "d/sub/back/d/sub/back/d/file", true, 0, "/d/file",
		  "d/file", 0 },
		/* A chain mixing relative and absolute targets. */
		{ "c1", true, 0, "/d/sub", "d/sub", 0 },
		{ "c1/file", true, 0, "/d/sub/file", "d/sub/file", 0 },
		/* A link to a file, then a name below it. */
		{ "lf", true, 0, "/d/file", "d/file", 0 },
		{ "lf/x", true, 0, "/d/file/x", NULL, -ENOTDIR },
		/* A link reached through a link. */
		{ "abs/lnk", true, 0, "/etc/passwd", "etc/passwd", 0 },
		/* ".." is lexical, before any link is read (as Docker). */
		{ "rel/../etc", true, 0, "/etc", "etc", 0 },
	};

	run_cases(state, k, ARRAY_SIZE(k));
}

/* follow_last=false keeps a final link; links before it still expand. */
static void test_nofollow_last(void **state)
{
	static const struct rcase k[] = {
		{ "rel", false, 0, "/rel", "rel", 0 },
		{ "/abs", false, 0, "/abs", "abs", 0 },
		{ "abs/lnk", false, 0, "/etc/lnk", "etc/lnk", 0 },
		{ "c1", false, 0, "/c1", "c1", 0 },
		{ "d/sub/l", false, 0, "/d/sub/l", "d/sub/l", 0 },
		{ "rel/back", false, 0, "/d/sub/back", "d/sub/back", 0 },
		{ "loopa", false, 0, "/loopa", "loopa", 0 },
		{ "self", false, 0, "/self", "self", 0 },
		{ "dang", false, 0, "/dang", "dang", 0 },
		{ "hops/h0", false, 0, "/hops/h0", "hops/h0", 0 },
		/* Only the last component is kept. */
		{ "c1/file", false, 0, "/d/sub/file", "d/sub/file", 0 },
	};

	run_cases(state, k, ARRAY_SIZE(k));
}

static void test_loops(void **state)
{
	static const struct rcase k[] = {
		{ "loopa", true, -ELOOP, NULL, NULL, 0 },
		{ "loopb", true, -ELOOP, NULL, NULL, 0 },
		{ "loopa/x", true, -ELOOP, NULL, NULL, 0 },
		{ "loopa/x", false, -ELOOP, NULL, NULL, 0 },
		{ "self", true, -ELOOP, NULL, NULL, 0 },
		/* h1 takes exactly RESOLVE_MAX_HOPS links, h0 one more. */
		{ "hops/h1", true, 0, "/d", "d", 0 },
		{ "hops/h1/file", true, 0, "/d/file", "d/file", 0 },
		{ "hops/h0", true, -ELOOP, NULL, NULL, 0 },
		{ "hops/h0/file", true, -ELOOP, NULL, NULL, 0 },
		{ "hops/h0/file", false, -ELOOP, NULL, NULL, 0 },
	};

	assert_int_equal(RESOLVE_MAX_HOPS, 40);
	run_cases(state, k, ARRAY_SIZE(k));
}

static void test_dangling(void **state)
{
	static const struct rcase k[] = {
		/* At the end of a DEST: the link's target, as written. */
		{ "dang", true, 0, "/x/y", NULL, -ENOENT },
		{ "d/dang2", true, 0, "/nowhere/deeper", NULL, -ENOENT },
		/* In the middle: the rest is appended to the target. */
		{ "dang/z", true, 0, "/x/y/z", NULL, -ENOENT },
		{ "dang/z/", true, 0, "/x/y/z", NULL, -ENOENT },
		{ "d/dang2/a/b", true, 0, "/nowhere/deeper/a/b", NULL,
		  -ENOENT },
		{ "rel/../dang/z", true, 0, "/x/y/z", NULL, -ENOENT },
	};

	run_cases(state, k, ARRAY_SIZE(k));
}

/* Links that name places outside: they land inside the root. */
static void test_stays_inside(void **state)
{
	struct fixture *fx = *state;
	static const struct rcase k[] = {
		/* No /proc in the root: the host's /etc/passwd is not it. */
		{ "p1", true, 0, "/proc/self/root/etc/passwd", NULL,
		  -ENOENT },
		/* A /proc/self/root look-alike in the root is a plain link. */
		{ "p2", true, 0, "/etc", "etc", 0 },
		{ "p2/passwd", true, 0, "/etc/passwd", "etc/passwd", 0 },
		{ "fake/self/root", true, 0, "/", ".", 0 },
		{ "fake/self/root/../../..", true, 0, "/", ".", 0 },
		{ "esc", true, 0, "/sentinel", NULL, -ENOENT },
		{ "esc/x", true, 0, "/sentinel/x", NULL, -ENOENT },
	};
	char want[PATH_MAX + 32];
	char *out = NULL;
	int fd;

	run_cases(state, k, ARRAY_SIZE(k));

	/* A target naming the sentinel by its host path: re-rooted too. */
	snprintf(want, sizeof(want), "%s/q", sentinel);
	assert_int_equal(resolve_root_path(&fx->c->res, fx->c->from_fd,
					   "hostsent/q", true, &out), 0);
	assert_string_equal(out, want);
	fd = resolve_open(&fx->c->res, fx->c->from_fd, out, O_PATH);
	assert_int_equal(fd, -ENOENT);
	free(out);
}

/* A name longer than NAME_MAX fails where it is looked up... */
static void test_long_name(void **state)
{
	struct fixture *fx = *state;
	char path[LONG_NAME_LEN + 16];
	char *out = NULL;
	int r;

	snprintf(path, sizeof(path), "/d/%s", long_name);
	r = resolve_root_path(&fx->c->res, fx->c->from_fd, path, true, &out);
	assert_int_equal(r, -ENAMETOOLONG);
	assert_null(out);

	/* ...and below a missing one it is kept as written, not cut. */
	snprintf(path, sizeof(path), "/nope/%s", long_name);
	r = resolve_root_path(&fx->c->res, fx->c->from_fd, path, true, &out);
	assert_int_equal(r, 0);
	assert_non_null(out);
	/* "/nope" is looked up first. */
	assert_int_equal(resolve_open(&fx->c->res, fx->c->from_fd, out, O_PATH),
			 -ENOENT);
	if (strcmp(out, path)) {
		size_t got = strlen(out);

		free(out);
		fail_msg("[%s] missing part changed: got %zu bytes, want %zu",
			 fx->tag, got, strlen(path));
	}
	free(out);
}

/*
 * resolve_open() takes symlink-free paths: a link in one (one that
 * appeared after resolve_root_path) is refused, never followed.
 */
static void test_open_refuses_links(void **state)
{
	struct fixture *fx = *state;
	static const char *const paths[] = {
		"/rel/file", "/abs/passwd", "/d/sub/l/etc", "/c1", "/loopa",
	};

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		int flags[] = { O_RDONLY, O_RDONLY | O_DIRECTORY,
				O_PATH | O_DIRECTORY };

		for (size_t j = 0; j < ARRAY_SIZE(flags); j++) {
			int fd = resolve_open(&fx->c->res, fx->c->from_fd, paths[i],
					      flags[j]);

			if (fd >= 0)
				fail_msg("[%s] resolve_open(\"%s\", 0%o) "
					 "followed a symlink", fx->tag,
					 paths[i], flags[j]);
			/* O_DIRECTORY|O_NOFOLLOW on a link gives ENOTDIR
			 * (the walk's inner opens, and any final link); a
			 * link openat2 would have to follow gives ELOOP. */
			if (fd != -ELOOP && fd != -ENOTDIR)
				fail_msg("[%s] resolve_open(\"%s\", 0%o) = %d",
					 fx->tag, paths[i], flags[j], fd);
		}
	}
}

/* The root itself, with the caller's flags. */
static void test_open_root(void **state)
{
	struct fixture *fx = *state;
	static const char *const paths[] = { "/", "" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		int fd = resolve_open(&fx->c->res, fx->c->from_fd, paths[i],
				      O_RDONLY | O_DIRECTORY);
		int fl;

		assert_true(fd >= 0);
		assert_cloexec(fd);
		fl = fcntl(fd, F_GETFL);
		/* A real open, usable for getdents: not O_PATH. */
		assert_false(fl & O_PATH);
		assert_same_inode(fd, ".", "root");
		close(fd);
	}
}

static size_t entries_in(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fdopendir(fd);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void assert_dir_mode(const char *rel, mode_t mode)
{
	struct stat st;

	lstat_in_root(rel, &st);
	assert_true(S_ISDIR(st.st_mode));
	if ((st.st_mode & 07777) != mode)
		fail_msg("%s: mode 0%o, want 0%o", rel, st.st_mode & 07777,
			 mode);
}

static bool exists_in_root(const char *rel)
{
	struct stat st;

	return fstatat(host_root, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Missing directories get the asked mode exactly, whatever the umask. */
static void test_mkdirs_mode(void **state)
{
	struct fixture *fx = *state;
	const struct mkdir_attr open_attr = { .mode = 0777 };
	const struct mkdir_attr tight_attr = { .mode = 0700 };
	char path[128], rel[128];
	char *failed = NULL;
	int fd;

	assert_int_equal(fx->c->umask, 022);
	snprintf(path, sizeof(path), "/mk-%s/a/b/c", fx->tag);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, path, &open_attr, &failed);
	if (fd < 0)
		fail_msg("resolve_mkdirs(%s): %s (%s)", path, strerror(-fd),
			 failed ? failed : "-");
	assert_null(failed);
	assert_cloexec(fd);
	assert_false(fcntl(fd, F_GETFL) & O_PATH);
	assert_same_inode(fd, path + 1, path);
	close(fd);
	snprintf(rel, sizeof(rel), "mk-%s", fx->tag);
	assert_dir_mode(rel, 0777);
	snprintf(rel, sizeof(rel), "mk-%s/a", fx->tag);
	assert_dir_mode(rel, 0777);
	snprintf(rel, sizeof(rel), "mk-%s/a/b", fx->tag);
	assert_dir_mode(rel, 0777);
	snprintf(rel, sizeof(rel), "mk-%s/a/b/c", fx->tag);
	assert_dir_mode(rel, 0777);

	/* Below an existing one: the new ones only, the old one kept. */
	snprintf(path, sizeof(path), "/mk-%s/a/p/q", fx->tag);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, path, &tight_attr, &failed);
	assert_true(fd >= 0);
	assert_null(failed);
	assert_same_inode(fd, path + 1, path);
	close(fd);
	snprintf(rel, sizeof(rel), "mk-%s/a", fx->tag);
	assert_dir_mode(rel, 0777);
	snprintf(rel, sizeof(rel), "mk-%s/a/p", fx->tag);
	assert_dir_mode(rel, 0700);
	snprintf(rel, sizeof(rel), "mk-%s/a/p/q", fx->tag);
	assert_dir_mode(rel, 0700);

	/* All there already: opened, nothing changed. */
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, "/d/sub", &tight_attr,
			    &failed);
	assert_true(fd >= 0);
	assert_same_inode(fd, "d/sub", "/d/sub");
	close(fd);
	assert_dir_mode("d/sub", 0755);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, "/", &tight_attr, NULL);
	assert_true(fd >= 0);
	assert_same_inode(fd, ".", "/");
	close(fd);
}

static void test_mkdirs_chown(void **state)
{
	struct fixture *fx = *state;
	const struct mkdir_attr attr = { .mode = 0750, .chown = true,
					 .uid = 1234, .gid = 5678 };
	char path[128], rel[128];
	struct stat st;
	int fd;

	if (geteuid() != 0) {
		printf("skip: chown of new directories needs root\n");
		skip();
	}
	snprintf(path, sizeof(path), "/d/own-%s/x", fx->tag);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, path, &attr, NULL);
	assert_true(fd >= 0);
	close(fd);
	snprintf(rel, sizeof(rel), "d/own-%s/x", fx->tag);
	lstat_in_root(rel, &st);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_mode & 07777, 0750);
	snprintf(rel, sizeof(rel), "d/own-%s", fx->tag);
	lstat_in_root(rel, &st);
	assert_int_equal(st.st_uid, 1234);
	/* The existing parent keeps its owner. */
	lstat_in_root("d", &st);
	assert_int_equal(st.st_uid, 0);
}

/* A regular file in the way: -ENOTDIR, naming the file. */
static void test_mkdirs_enotdir(void **state)
{
	struct fixture *fx = *state;
	const struct mkdir_attr attr = { .mode = 0755 };
	static const char *const paths[] = {
		"/d/file", "/d/file/x", "/d/file/x/y",
	};

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *failed = NULL;
		int fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, paths[i], &attr,
					&failed);

		if (fd != -ENOTDIR)
			fail_msg("[%s] resolve_mkdirs(\"%s\") = %d, want "
				 "-ENOTDIR", fx->tag, paths[i], fd);
		assert_non_null(failed);
		if (strcmp(failed, "/d/file")) {
			char got[PATH_MAX];

			snprintf(got, sizeof(got), "%s", failed);
			free(failed);
			fail_msg("[%s] resolve_mkdirs(\"%s\") blamed \"%s\", "
				 "want \"/d/file\"", fx->tag, paths[i], got);
		}
		free(failed);
	}
	/* Without a place for the name, it is simply not given. */
	assert_int_equal(resolve_mkdirs(&fx->c->res, fx->c->to_fd, "/d/file/x",
					&attr, NULL), -ENOTDIR);
}

/* A symlink inside the path given to resolve_mkdirs is never followed. */
static void test_mkdirs_refuses_links(void **state)
{
	struct fixture *fx = *state;
	const struct mkdir_attr attr = { .mode = 0755 };
	char path[128], rel[128];
	char *failed = NULL;
	int fd;

	snprintf(path, sizeof(path), "/rel/new-%s/x", fx->tag);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, path, &attr, &failed);
	assert_true(fd < 0);
	assert_non_null(failed);
	free(failed);
	snprintf(rel, sizeof(rel), "d/sub/new-%s", fx->tag);
	assert_false(exists_in_root(rel));

	failed = NULL;
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, "/dang/q", &attr, &failed);
	assert_true(fd < 0);
	free(failed);
	assert_false(exists_in_root("x"));
}

/*
 * COPY --link: every component ends up a real directory with the asked
 * attributes; a symlink in the way is replaced, never followed, and so is
 * a file.
 */
static void test_mkdirs_replace(void **state)
{
	struct fixture *fx = *state;
	const struct mkdir_attr attr = { .mode = 0711, .replace = true };
	char top[64], rel[128], path[128];
	char *failed = NULL;
	struct stat before, after;
	int fd;

	snprintf(top, sizeof(top), "rp-%s", fx->tag);
	mkdir_in(top);
	snprintf(rel, sizeof(rel), "%s/lnk", top);
	link_in("../d/sub", rel);
	snprintf(rel, sizeof(rel), "%s/file", top);
	file_in(rel);
	lstat_in_root("d/sub", &before);

	snprintf(path, sizeof(path), "/%s/lnk/x", top);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, path, &attr, &failed);
	if (fd < 0)
		fail_msg("[%s] resolve_mkdirs(\"%s\", replace): %s (%s)",
			 fx->tag, path, strerror(-fd), failed ? failed : "-");
	assert_same_inode(fd, path + 1, path);
	close(fd);
	assert_dir_mode(top, 0711);
	snprintf(rel, sizeof(rel), "%s/lnk", top);
	assert_dir_mode(rel, 0711);
	snprintf(rel, sizeof(rel), "%s/lnk/x", top);
	assert_dir_mode(rel, 0711);
	/* The link's old target saw nothing. */
	assert_false(exists_in_root("d/sub/x"));
	lstat_in_root("d/sub", &after);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(after.st_ino, before.st_ino);

	snprintf(path, sizeof(path), "/%s/file", top);
	fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, path, &attr, &failed);
	assert_true(fd >= 0);
	close(fd);
	snprintf(rel, sizeof(rel), "%s/file", top);
	assert_dir_mode(rel, 0711);

	/* Nothing outside the root either. */
	assert_int_equal(entries_in(host_sentinel), 0);
}

/* Every way out of the root creates inside it; the sentinel stays empty. */
static void test_mkdirs_sentinel(void **state)
{
	struct fixture *fx = *state;
	const struct mkdir_attr attr = { .mode = 0755 };
	/* Each path is head, then the mode's tag, then tail. */
	static const char *const ways[][2] = {
		{ "../../sentinel/x-", "" },
		{ "/../../../sentinel/y-", "/deeper" },
		{ "esc/z-", "" },
		{ "hostsent/w-", "" },
		{ "d/sub/l/sentinel/v-", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ways); i++) {
		char path[128];
		char *res = NULL, *failed = NULL;
		int fd, r;

		snprintf(path, sizeof(path), "%s%s%s", ways[i][0], fx->tag,
			 ways[i][1]);
		r = resolve_root_path(&fx->c->res, fx->c->to_fd, path, true, &res);
		assert_int_equal(r, 0);
		fd = resolve_mkdirs(&fx->c->res, fx->c->to_fd, res, &attr, &failed);
		if (fd < 0)
			fail_msg("[%s] resolve_mkdirs(\"%s\"): %s (%s)",
				 fx->tag, res, strerror(-fd),
				 failed ? failed : "-");
		/* What was made is inside the root, under the same name. */
		assert_same_inode(fd, res + 1, res);
		close(fd);
		free(res);
		assert_int_equal(entries_in(host_sentinel), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define BOTH(t)                                                           \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown,        \
						 &with_openat2),            \
	cmocka_unit_test_prestate_setup_teardown(t, setup, teardown,        \
						 &with_walk)
		BOTH(test_plain),
		BOTH(test_symlinks),
		BOTH(test_nofollow_last),
		BOTH(test_loops),
		BOTH(test_dangling),
		BOTH(test_stays_inside),
		BOTH(test_long_name),
		BOTH(test_open_refuses_links),
		BOTH(test_open_root),
		BOTH(test_mkdirs_mode),
		BOTH(test_mkdirs_chown),
		BOTH(test_mkdirs_enotdir),
		BOTH(test_mkdirs_refuses_links),
		BOTH(test_mkdirs_sentinel),
		BOTH(test_mkdirs_replace),
#undef BOTH
	};
	int failed;

	umask(022);
	if (!mkdtemp(tmpdir)) {
		printf("skip: cannot make a directory under /tmp: %m\n");
		return 77;
	}
	snprintf(rootdir, sizeof(rootdir), "%s/root", tmpdir);
	snprintf(sentinel, sizeof(sentinel), "%s/sentinel", tmpdir);
	must(mkdir(rootdir, 0755), rootdir);
	must(mkdir(sentinel, 0755), sentinel);
	host_root = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	host_sentinel = open(sentinel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	must(host_root, rootdir);
	must(host_sentinel, sentinel);
	memset(long_name, 'n', LONG_NAME_LEN);
	build_tree();

	failed = cmocka_run_group_tests(tests, NULL, NULL);

	close(host_root);
	close(host_sentinel);
	if (nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "test_resolve: cannot remove %s: %m\n",
			tmpdir);
	return failed ? 1 : 0;
}
