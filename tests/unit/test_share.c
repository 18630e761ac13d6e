// SPDX-License-Identifier: MIT
/*
 * Sharing a big read/write copy: an idle helper takes ranges of the
 * owner's segment, the copy comes out whole, and the first failure of any
 * range is the owner's answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "movers/share.h"
#include "seam/sys.h"

#define BUFLEN (256 * 1024)
/* Four ranges and a short fifth. */
#define SIZE (4 * SHARE_CHUNK + 12345)

struct helper {
	struct share_list *l;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool woken, stop;
	int ranges;		/* how many it copied */
	char *buf;
};

/*
 * The list's wake hook: wake the helper and wait until it has copied a
 * range, so that the test knows it took part.
 */
static void wake_helper(void *arg)
{
	struct helper *h = arg;

	pthread_mutex_lock(&h->lock);
	h->woken = true;
	pthread_cond_broadcast(&h->cond);
	while (!h->ranges && !h->stop)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;

	pthread_mutex_lock(&h->lock);
	while (!h->woken)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
	for (;;) {
		bool did = share_help(h->l, h->buf, BUFLEN);

		pthread_mutex_lock(&h->lock);
		h->ranges += did;
		if (!did)
			h->stop = true;
		pthread_cond_broadcast(&h->cond);
		pthread_mutex_unlock(&h->lock);
		if (!did)
			return NULL;
	}
}

static void fill(int fd, off_t size)
{
	static char block[65536];

	for (off_t off = 0; off < size; off += sizeof(block)) {
		size_t n = size - off < (off_t)sizeof(block)
				   ? (size_t)(size - off) : sizeof(block);

		for (size_t i = 0; i + 8 <= sizeof(block); i += 8) {
			uint64_t v = (uint64_t)(off + (off_t)i) * 2654435761u;

			memcpy(block + i, &v, sizeof(v));
		}
		assert_int_equal(sys_pwrite(fd, block, n, off), (ssize_t)n);
	}
}

/* Copy SIZE bytes from srcfd to dstfd with a helper; returns the result. */
static int shared_copy(int srcfd, int dstfd, struct stat *st, int *ranges,
		       const char **op)
{
	struct share_list l;
	struct helper h = { .l = &l };
	struct data_src src = { .fd = srcfd, .st = st };
	char *buf = malloc(BUFLEN);
	pthread_t tid;
	int r;

	assert_non_null(buf);
	h.buf = malloc(BUFLEN);
	assert_non_null(h.buf);
	pthread_mutex_init(&h.lock, NULL);
	pthread_cond_init(&h.cond, NULL);
	share_list_init(&l);
	l.wake = wake_helper;
	l.wake_arg = &h;
	assert_true(share_worth_it(&l, 0, SIZE));
	assert_int_equal(pthread_create(&tid, NULL, helper_main, &h), 0);
	r = share_copy(&l, &src, dstfd, 0, SIZE, buf, BUFLEN, op);
	assert_int_equal(pthread_join(tid, NULL), 0);
	assert_false(share_list_has_work(&l));
	share_list_destroy(&l);
	pthread_cond_destroy(&h.cond);
	pthread_mutex_destroy(&h.lock);
	*ranges = h.ranges;
	free(h.buf);
	free(buf);
	return r;
}

static int tmpfile_fd(int flags)
{
	char path[] = "/tmp/test_share.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	if (flags != O_RDWR) {
		char proc[64];
		int again;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		again = open(proc, flags | O_CLOEXEC);
		assert_true(again >= 0);
		close(fd);
		fd = again;
	}
	return fd;
}

static void test_helper_takes_ranges(void **state)
{
	int srcfd = tmpfile_fd(O_RDWR), dstfd = tmpfile_fd(O_RDWR);
	char *a = malloc(SIZE), *b = malloc(SIZE);
	const char *op = NULL;
	struct stat st;
	int ranges;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	fill(srcfd, SIZE);
	assert_int_equal(sys_fstat(srcfd, &st), 0);
	assert_int_equal(shared_copy(srcfd, dstfd, &st, &ranges, &op), 0);
	assert_null(op);
	assert_true(ranges >= 1);
	assert_int_equal(sys_pread(srcfd, a, SIZE, 0), SIZE);
	assert_int_equal(sys_pread(dstfd, b, SIZE, 0), SIZE);
	assert_memory_equal(a, b, SIZE);
	free(a);
	free(b);
	close(srcfd);
	close(dstfd);
}

/* A destination that cannot be written: the owner gets the errno. */
static void test_failure_reaches_owner(void **state)
{
	int srcfd = tmpfile_fd(O_RDWR), dstfd = tmpfile_fd(O_RDONLY);
	const char *op = NULL;
	struct stat st;
	int ranges;

	(void)state;
	fill(srcfd, SIZE);
	assert_int_equal(sys_fstat(srcfd, &st), 0);
	assert_int_equal(shared_copy(srcfd, dstfd, &st, &ranges, &op),
			 -EBADF);
	assert_string_equal(op, "write");
	close(srcfd);
	close(dstfd);
}

/* Without a wake hook no worker would come: nothing is shared. */
static void test_not_worth_it(void **state)
{
	struct share_list l;

	(void)state;
	share_list_init(&l);
	assert_false(share_worth_it(&l, 0, 10 * SHARE_CHUNK));
	assert_false(share_worth_it(NULL, 0, 10 * SHARE_CHUNK));
	l.wake = wake_helper;
	assert_false(share_worth_it(&l, 0, 2 * SHARE_CHUNK - 1));
	assert_true(share_worth_it(&l, 5, 5 + 2 * SHARE_CHUNK));
	assert_false(share_help(&l, NULL, 0));
	share_list_destroy(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_takes_ranges),
		cmocka_unit_test(test_failure_reaches_owner),
		cmocka_unit_test(test_not_worth_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
