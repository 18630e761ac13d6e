// SPDX-License-Identifier: MIT
/*
 * The worker's ring: a batch gives each operation the result its syscall
 * would give, an operation the mode leaves out stays URING_NOT_RUN for the
 * plain call, and queued closes really close.  Where the kernel refuses
 * io_uring, the ring tests skip themselves and only the plain modes run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "movers/uring.h"
#include "seam/sys.h"

struct fixture {
	char dir[64];
	int dfd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_uring.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->dfd = sys_openat(AT_FDCWD, f->dir, O_RDONLY | O_DIRECTORY |
			    SYS_O_BASE, 0);
	assert_true(f->dfd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	sys_close(f->dfd);
	free(f);
	return 0;
}

/* A ring in mode use, or a skip where the kernel has none to give. */
static void ring_or_skip(struct uring *u, enum uring_use use)
{
	uring_init(u, use);
	if (!u->ok)
		skip();
}

static bool fd_is_open(int fd)
{
	struct stat st;

	return sys_fstat(fd, &st) == 0;
}

/* Everything through the ring: results as the syscalls give them. */
static void test_batch_all(void **state)
{
	struct fixture *f = *state;
	struct statx stx, stx2;
	struct stat st, plain;
	struct uring u;
	int res[5];

	ring_or_skip(&u, URING_ALL);
	if (!uring_has(&u, IORING_OP_MKDIRAT) ||
	    !uring_has(&u, IORING_OP_STATX)) {
		uring_exit(&u);
		skip();
	}
	uring_batch_start(&u, res, 5);
	io_uring_prep_mkdirat(uring_batch_sqe(&u, IORING_OP_MKDIRAT, 0),
			      f->dfd, "d", 0700);
	io_uring_prep_openat(uring_batch_sqe(&u, IORING_OP_OPENAT, 1),
			     f->dfd, "f", O_WRONLY | O_CREAT | O_EXCL |
			     SYS_O_BASE, 0640);
	io_uring_prep_mkdirat(uring_batch_sqe(&u, IORING_OP_MKDIRAT, 2),
			      f->dfd, "missing/d", 0700);
	/* Operation 3 is left to the caller. */
	uring_batch_run(&u);
	assert_int_equal(res[0], 0);
	assert_true(res[1] >= 0);
	assert_int_equal(res[2], -ENOENT);
	assert_int_equal(res[3], URING_NOT_RUN);
	assert_int_equal(res[4], URING_NOT_RUN);

	/* A name's statx; an fd's, which some kernels refuse (6.18 says
	 * EBADF) and the engine then makes plainly. */
	uring_batch_start(&u, res + 2, 2);
	io_uring_prep_statx(uring_batch_sqe(&u, IORING_OP_STATX, 0), f->dfd,
			    "f", AT_SYMLINK_NOFOLLOW, SYS_STATX_MASK, &stx);
	io_uring_prep_statx(uring_batch_sqe(&u, IORING_OP_STATX, 1), res[1],
			    "", AT_EMPTY_PATH, SYS_STATX_MASK, &stx2);
	uring_batch_run(&u);
	assert_int_equal(res[2], 0);
	sys_stat_from_statx(&st, &stx);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 0);
	assert_int_equal(sys_fstat(res[1], &plain), 0);
	assert_int_equal(st.st_ino, plain.st_ino);
	assert_int_equal(st.st_dev, plain.st_dev);
	assert_int_equal(st.st_mode, plain.st_mode);
	assert_true(res[3] == 0 || res[3] == -EBADF || res[3] == -EINVAL ||
		    res[3] == -ENOENT);
	sys_close(res[1]);
	uring_exit(&u);
}

/* The default mode leaves the calls the kernel would hand off alone. */
static void test_inline_mode(void **state)
{
	struct fixture *f = *state;
	struct uring u;
	int res[1];

	ring_or_skip(&u, URING_INLINE);
	assert_false(uring_has(&u, IORING_OP_STATX));
	assert_false(uring_has(&u, IORING_OP_MKDIRAT));
	assert_false(uring_has(&u, IORING_OP_LINKAT));
	uring_batch_start(&u, res, 1);
	assert_null(uring_batch_sqe(&u, IORING_OP_MKDIRAT, 0));
	uring_batch_run(&u);
	assert_int_equal(res[0], URING_NOT_RUN);
	assert_int_equal(sys_mkdirat(f->dfd, "plain", 0700), 0);
	uring_exit(&u);
}

/* Without a ring nothing runs: every result is the caller's to make. */
static void test_off_mode(void **state)
{
	struct uring u;
	int res[3];

	(void)state;
	uring_init(&u, URING_OFF);
	assert_false(u.ok);
	uring_batch_start(&u, res, 3);
	assert_null(uring_batch_sqe(&u, IORING_OP_OPENAT2, 0));
	uring_batch_run(&u);
	for (int i = 0; i < 3; i++)
		assert_int_equal(res[i], URING_NOT_RUN);
	uring_exit(&u);
}

/* Closes wait for a batch or a flush, and more than fit one batch. */
static void test_closes(void **state)
{
	struct fixture *f = *state;
	enum uring_use uses[] = { URING_OFF, URING_INLINE };
	int fds[URING_CLOSES * 2 + 3];

	for (size_t m = 0; m < sizeof(uses) / sizeof(uses[0]); m++) {
		struct uring u;

		uring_init(&u, uses[m]);
		for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
			fds[i] = sys_openat(f->dfd, ".", O_RDONLY |
					    O_DIRECTORY | SYS_O_BASE, 0);
			assert_true(fds[i] >= 0);
			uring_close(&u, fds[i]);
		}
		uring_flush(&u);
		for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
			assert_false(fd_is_open(fds[i]));
		uring_exit(&u);
	}
}

/* An SQ that fills up mid-batch is submitted, and nothing is lost. */
static void test_full_ring(void **state)
{
	struct fixture *f = *state;
	enum { N = URING_ENTRIES + 40 };
	static int res[N];
	/* A name is read at submission: each must stay put until then. */
	static char names[N][16];
	struct uring u;

	ring_or_skip(&u, URING_ALL);
	if (!uring_has(&u, IORING_OP_MKDIRAT)) {
		uring_exit(&u);
		skip();
	}
	uring_batch_start(&u, res, N);
	for (int i = 0; i < N; i++) {
		struct io_uring_sqe *sqe;

		snprintf(names[i], sizeof(names[i]), "m%d", i);
		sqe = uring_batch_sqe(&u, IORING_OP_MKDIRAT, (unsigned int)i);
		assert_non_null(sqe);
		io_uring_prep_mkdirat(sqe, f->dfd, names[i], 0700);
	}
	uring_batch_run(&u);
	for (int i = 0; i < N; i++)
		assert_int_equal(res[i], 0);
	uring_exit(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_all, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_inline_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_off_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
