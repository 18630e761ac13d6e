// SPDX-License-Identifier: MIT
/*
 * The public API that fsutil's cp -a rules need (the Go package's), through
 * stagecp_copy() on real directories: literal sources (STAGECP_F_NO_WILDCARDS),
 * a symlink source kept (STAGECP_F_SOURCE_NOFOLLOW), a directory copied as
 * itself (STAGECP_F_COPY_DIR), no DEST parents made
 * (STAGECP_F_NO_DEST_PARENTS), include patterns and the owner callback.
 * The Go package's tests cover the same from Go; these also run under
 * SANITIZE=1, which the Go build cannot link.
 */
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

#include <stagecp.h>

static char tmpdir[] = "/tmp/stagecp-test-fsutil.XXXXXX";
/* Short paths under tmpdir: room to spare for the names below them. */
static char src[64], dst[64];
#define PATH_ROOM (sizeof(src) + NAME_MAX + 2)

static void put(const char *root, const char *rel, const char *data)
{
	char p[PATH_ROOM];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static void dir(const char *root, const char *rel, mode_t mode)
{
	char p[PATH_ROOM];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, mode), 0);
	assert_int_equal(chmod(p, mode), 0);
}

/* lstat of dst/rel: 0, or -errno. */
static int look(const char *rel, struct stat *st)
{
	char p[PATH_ROOM];

	snprintf(p, sizeof(p), "%s/%s", dst, rel);
	return lstat(p, st) < 0 ? -errno : 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	char link_path[sizeof(src) + 8];

	assert_non_null(mkdtemp(tmpdir));
	snprintf(src, sizeof(src), "%s/src", tmpdir);
	snprintf(dst, sizeof(dst), "%s/dst", tmpdir);
	snprintf(link_path, sizeof(link_path), "%s/link", src);
	assert_int_equal(mkdir(src, 0755), 0);
	dir(src, "out", 0750);
	put(src, "out/a.txt", "a");
	put(src, "out/b.go", "b");
	dir(src, "out/sub", 0755);
	put(src, "out/sub/c.txt", "c");
	put(src, "f*", "literal");
	put(src, "fx", "x");
	{
		char p[PATH_ROOM];

		snprintf(p, sizeof(p), "%s/link", src);
		assert_int_equal(symlink("out/a.txt", p), 0);
	}
	return 0;
}

static int teardown(void **state)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* A fresh destination for each test. */
static int fresh_dst(void **state)
{
	nftw(dst, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	assert_int_equal(mkdir(dst, 0755), 0);
	return 0;
}

struct owner_log {
	int calls;
	int without_source;
};

static int owner(void *arg, const char *path, const struct stat *s,
		 uid_t *uid, gid_t *gid)
{
	struct owner_log *log = arg;

	log->calls++;
	if (!s)
		log->without_source++;
	return strstr(path, "b.go") ? -EACCES : 0;
}

static int copy(unsigned int flags, const char *s, const char *d,
		const char *include, struct owner_log *log)
{
	const char *srcs[] = { s };
	struct stagecp_options o;
	struct stagecp_ctx *ctx;
	int r;

	stagecp_options_init(&o);
	o.from_root = src;
	o.to_root = dst;
	o.flags = flags;
	o.jobs = 2;
	r = stagecp_new(&ctx, &o);
	if (r < 0)
		return r;
	if (include)
		r = stagecp_set_includes(ctx, &include, 1);
	if (log)
		stagecp_set_owner_fn(ctx, owner, log);
	if (r == 0)
		r = stagecp_copy(ctx, srcs, 1, d);
	stagecp_free(ctx);
	return r;
}

static void test_no_wildcards(void **state)
{
	struct stat st;

	assert_int_equal(copy(STAGECP_F_NO_WILDCARDS, "f*", "/", NULL, NULL),
			 0);
	assert_int_equal(look("f*", &st), 0);
	assert_int_equal(look("fx", &st), -ENOENT);
	/* Without the flag the star matches both. */
	assert_int_equal(copy(0, "f*", "/w/", NULL, NULL), 0);
	assert_int_equal(look("w/fx", &st), 0);
}

static void test_source_nofollow(void **state)
{
	struct stat st;

	assert_int_equal(copy(STAGECP_F_SOURCE_NOFOLLOW, "link", "l", NULL,
			      NULL), 0);
	assert_int_equal(look("l", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(copy(0, "link", "f", NULL, NULL), 0);
	assert_int_equal(look("f", &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void test_copy_dir(void **state)
{
	struct stat st;

	/* Missing DEST: it becomes the directory, with its mode. */
	assert_int_equal(copy(STAGECP_F_COPY_DIR, "out", "app", NULL, NULL),
			 0);
	assert_int_equal(look("app", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(look("app/sub/c.txt", &st), 0);
	/* Existing DEST: the directory goes inside it. */
	assert_int_equal(copy(STAGECP_F_COPY_DIR, "out", "app", NULL, NULL),
			 0);
	assert_int_equal(look("app/out/a.txt", &st), 0);
	/* Without the flag: the contents, into a 0755 DEST. */
	assert_int_equal(copy(0, "out", "c", NULL, NULL), 0);
	assert_int_equal(look("c", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(look("c/a.txt", &st), 0);
}

static void test_no_dest_parents(void **state)
{
	struct stat st;

	assert_int_equal(copy(STAGECP_F_NO_DEST_PARENTS, "out/a.txt",
			      "p/q/a", NULL, NULL), -ENOENT);
	assert_int_equal(look("p", &st), -ENOENT);
	assert_int_equal(copy(STAGECP_F_NO_DEST_PARENTS, "out/a.txt", "a",
			      NULL, NULL), 0);
}

static void test_includes(void **state)
{
	struct stat st;

	assert_int_equal(copy(0, "out", "i", "sub/*.txt", NULL), 0);
	assert_int_equal(look("i/sub/c.txt", &st), 0);
	assert_int_equal(look("i/a.txt", &st), -ENOENT);
	assert_int_equal(look("i/b.go", &st), -ENOENT);
	assert_int_equal(copy(0, "out", "j", "[", NULL), -EINVAL);
}

static void test_owner_fn(void **state)
{
	struct owner_log log = { 0 };
	struct stat st;

	/* b.go's owner is refused: the copy fails with the callback's errno,
	 * the other entries are copied. */
	assert_int_equal(copy(0, "out", "x/o", NULL, &log), -EACCES);
	assert_int_equal(look("x/o/a.txt", &st), 0);
	assert_int_equal(look("x/o/b.go", &st), -ENOENT);
	/* a.txt, b.go, sub, sub/c.txt; x and x/o made on the way. */
	assert_int_equal(log.calls - log.without_source, 4);
	assert_true(log.without_source >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_wildcards, fresh_dst),
		cmocka_unit_test_setup(test_source_nofollow, fresh_dst),
		cmocka_unit_test_setup(test_copy_dir, fresh_dst),
		cmocka_unit_test_setup(test_no_dest_parents, fresh_dst),
		cmocka_unit_test_setup(test_includes, fresh_dst),
		cmocka_unit_test_setup(test_owner_fn, fresh_dst),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
