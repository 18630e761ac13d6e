// SPDX-License-Identifier: MIT
/*
 * The detached overlay view (roots/detached_overlay.h): made over an
 * already-open root, it shows that root's files, never leaves it
 * (RESOLVE_IN_ROOT, even through an absolute or ".." symlink), refuses a
 * name that holds another file than the one asked for, appears in no
 * mount table, and its fallback errnos are exactly the documented ones.
 * Making the view needs CAP_SYS_ADMIN and overlayfs: without them the
 * cases that need a view are skipped.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "roots/detached_overlay.h"
#include "seam/sys.h"

static char tmpdir[] = "/tmp/stagecp-test-view.XXXXXX";
static char root[256];

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void stat_of(const char *rel, struct stat *st)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	assert_int_equal(lstat(p, st), 0);
}

/* A view of tmpdir/root, or a skip where this process cannot make one. */
static void view_make(struct detached_overlay *v)
{
	const char *op;
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	assert_true(fd >= 0);
	r = detached_overlay_make(v, fd, &op);
	close(fd);
	if (r < 0 && detached_overlay_falls_back(r)) {
		print_message("no view here (%s: %s)\n", op, strerror(-r));
		skip();
	}
	assert_int_equal(r, 0);
	assert_true(v->root >= 0);
}

static void test_reads_the_root(void **state)
{
	struct detached_overlay v;
	struct stat want, got;
	char buf[16] = { 0 };
	int fd;

	(void)state;
	view_make(&v);
	stat_of("root/dir/file", &want);
	fd = detached_overlay_open(&v, "/dir/file", &want, &got);
	assert_true(fd >= 0);
	assert_int_equal(got.st_ino, want.st_ino);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 7);
	assert_string_equal(buf, "inside\n");
	close(fd);
	/* Relative and absolute paths name the same file. */
	fd = detached_overlay_open(&v, "dir/file", &want, &got);
	assert_true(fd >= 0);
	close(fd);
	detached_overlay_close(&v);
	assert_int_equal(v.root, -1);
}

static void test_stays_in_the_root(void **state)
{
	struct detached_overlay v;
	struct stat want, got;
	int fd;

	(void)state;
	view_make(&v);
	/* The outside file's inode: reaching it would pass the check. */
	stat_of("outside", &want);
	fd = detached_overlay_open(&v, "/escape-abs", &want, &got);
	assert_true(fd < 0);
	fd = detached_overlay_open(&v, "/escape-dotdot", &want, &got);
	assert_true(fd < 0);
	fd = detached_overlay_open(&v, "/../outside", &want, &got);
	assert_true(fd < 0);
	detached_overlay_close(&v);
}

static void test_refuses_another_file(void **state)
{
	struct detached_overlay v;
	struct stat want, got;
	char from[512], to[512];

	(void)state;
	view_make(&v);
	stat_of("root/dir/file", &want);
	/* The name now holds another inode. */
	snprintf(from, sizeof(from), "%s/root/dir/other", tmpdir);
	snprintf(to, sizeof(to), "%s/root/dir/file", tmpdir);
	put("root/dir/other", "swapped\n");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(detached_overlay_open(&v, "/dir/file", &want, &got),
			 -ESTALE);
	/* A directory is never a file to read. */
	stat_of("root/dir", &want);
	assert_true(detached_overlay_open(&v, "/dir", &want, &got) < 0);
	detached_overlay_close(&v);
}

static void test_not_in_mountinfo(void **state)
{
	struct detached_overlay v;
	char line[4096];
	FILE *f;

	(void)state;
	view_make(&v);
	f = fopen("/proc/self/mountinfo", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		assert_null(strstr(line, tmpdir));
	fclose(f);
	detached_overlay_close(&v);
}

static void test_fallback_errnos(void **state)
{
	static const int back[] = { EPERM, EACCES, ENOSYS, ENODEV, EINVAL,
				    EOPNOTSUPP, ELOOP };
	static const int real[] = { ENOMEM, EMFILE, ENFILE, EIO, EBADF };

	(void)state;
	for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++)
		assert_true(detached_overlay_falls_back(-back[i]));
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
		assert_false(detached_overlay_falls_back(-real[i]));
}

static int setup(void **state)
{
	char p[512], link[512];

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(root, sizeof(root), "%s/root", tmpdir);
	snprintf(p, sizeof(p), "%s/dir", root);
	if (mkdir(root, 0755) || mkdir(p, 0755))
		return -1;
	put("root/dir/file", "inside\n");
	put("outside", "outside\n");
	snprintf(p, sizeof(p), "%s/outside", tmpdir);
	snprintf(link, sizeof(link), "%s/escape-abs", root);
	if (symlink(p, link))
		return -1;
	snprintf(link, sizeof(link), "%s/escape-dotdot", root);
	return symlink("../outside", link) ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_the_root),
		cmocka_unit_test(test_stays_in_the_root),
		cmocka_unit_test(test_refuses_another_file),
		cmocka_unit_test(test_not_in_mountinfo),
		cmocka_unit_test(test_fallback_errnos),
	};

	return cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0;
}
