// SPDX-License-Identifier: MIT
/*
 * The fallback ladder: which errnos fall back, which are remembered for a
 * filesystem pair, and the pair cache itself.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/engine.h"

/* Every errno Linux defines lies below this. */
#define ERRNO_LIMIT 134

static void test_clone_falls_back(void **state)
{
	static const int yes[] = { EXDEV, EOPNOTSUPP, ENOTTY, ENOSYS, EINVAL };
	static const int no[] = { EPERM, EBADF, EIO, ENOSPC, EDQUOT, ETXTBSY,
				  EACCES, ENOMEM, EISDIR, ESTAGECP_CHANGED, 0 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_true(ladder_clone_falls_back(-yes[i]));
		assert_true(ladder_clone_falls_back(yes[i]));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		assert_false(ladder_clone_falls_back(-no[i]));
		assert_false(ladder_clone_falls_back(no[i]));
	}
	/* ENOTSUP is EOPNOTSUPP on Linux: both spellings must work. */
	assert_true(ladder_clone_falls_back(-ENOTSUP));
}

static void test_clone_remembered(void **state)
{
	static const int yes[] = { EXDEV, EOPNOTSUPP, ENOTTY, ENOSYS };
	static const int no[] = { EINVAL, EPERM, EBADF, EIO, ENOSPC, 0 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(ladder_clone_remembered(-yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(ladder_clone_remembered(-no[i]));
}

static void test_copy_range_falls_back(void **state)
{
	static const int yes[] = { EXDEV, EOPNOTSUPP, EINVAL, ENOSYS, EPERM,
				   EIO };
	static const int no[] = { EBADF, ENOSPC, EDQUOT, EFBIG, EOVERFLOW,
				  ETXTBSY, ENOTTY, ENOMEM, ESTAGECP_CHANGED,
				  0 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_true(ladder_copy_range_falls_back(-yes[i]));
		assert_true(ladder_copy_range_falls_back(yes[i]));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		assert_false(ladder_copy_range_falls_back(-no[i]));
		assert_false(ladder_copy_range_falls_back(no[i]));
	}
}

static void test_copy_range_remembered(void **state)
{
	static const int yes[] = { EXDEV, EOPNOTSUPP, ENOSYS, EPERM };
	static const int no[] = { EINVAL, EIO, EBADF, ENOSPC, 0 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(ladder_copy_range_remembered(-yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(ladder_copy_range_remembered(-no[i]));
}

/* Remembering an answer that does not fall back would make no sense. */
static void test_remembered_implies_falls_back(void **state)
{
	int e;

	for (e = 1; e < ERRNO_LIMIT; e++) {
		if (ladder_clone_remembered(-e))
			assert_true(ladder_clone_falls_back(-e));
		if (ladder_copy_range_remembered(-e))
			assert_true(ladder_copy_range_falls_back(-e));
	}
}

static void test_pair_same_entry(void **state)
{
	struct ladder l = { 0 };
	struct ladder_pair *a, *b;

	a = ladder_pair_get(&l, 1, 2);
	assert_non_null(a);
	assert_int_equal(a->src_dev, 1);
	assert_int_equal(a->dst_dev, 2);
	assert_int_equal(a->clone, LADDER_UNKNOWN);
	assert_int_equal(a->copy_range, LADDER_UNKNOWN);
	assert_int_equal(a->last, STAGECP_METHOD_NONE);
	a->clone = LADDER_FAILS;
	a->copy_range = LADDER_WORKS;
	a->last = STAGECP_METHOD_COPY_RANGE;

	b = ladder_pair_get(&l, 1, 2);
	assert_ptr_equal(a, b);
	assert_int_equal(l.n, 1);
	assert_int_equal(b->clone, LADDER_FAILS);
	assert_int_equal(b->copy_range, LADDER_WORKS);
	assert_int_equal(b->last, STAGECP_METHOD_COPY_RANGE);
	ladder_free(&l);
}

static void test_pair_direction_matters(void **state)
{
	struct ladder l = { 0 };
	struct ladder_pair *p;

	p = ladder_pair_get(&l, 1, 2);
	assert_non_null(p);
	p->clone = LADDER_WORKS;
	/* (2, 1) is another pair: copying back may behave otherwise. */
	p = ladder_pair_get(&l, 2, 1);
	assert_non_null(p);
	assert_int_equal(p->src_dev, 2);
	assert_int_equal(p->dst_dev, 1);
	assert_int_equal(p->clone, LADDER_UNKNOWN);
	p = ladder_pair_get(&l, 1, 1);
	assert_non_null(p);
	assert_int_equal(p->clone, LADDER_UNKNOWN);
	assert_int_equal(l.n, 3);
	assert_int_equal(ladder_pair_get(&l, 1, 2)->clone, LADDER_WORKS);
	assert_int_equal(l.n, 3);
	ladder_free(&l);
}

/* Many pairs: growth must keep every answer. */
static void test_pair_growth(void **state)
{
	struct ladder l = { 0 };
	struct ladder_pair *p;
	size_t first_cap;
	dev_t i;

	assert_non_null(ladder_pair_get(&l, 0, 0));
	first_cap = l.cap;
	assert_true(first_cap >= 1);
	for (i = 1; i < 200; i++) {
		p = ladder_pair_get(&l, i, i * 7);
		assert_non_null(p);
		p->clone = i % 2 ? LADDER_WORKS : LADDER_FAILS;
		p->copy_range = i % 3 ? LADDER_WORKS : LADDER_FAILS;
	}
	assert_int_equal(l.n, 200);
	assert_true(l.cap > first_cap);
	assert_true(l.cap >= l.n);
	for (i = 1; i < 200; i++) {
		p = ladder_pair_get(&l, i, i * 7);
		assert_int_equal(p->src_dev, i);
		assert_int_equal(p->dst_dev, i * 7);
		assert_int_equal(p->clone, i % 2 ? LADDER_WORKS : LADDER_FAILS);
		assert_int_equal(p->copy_range,
				 i % 3 ? LADDER_WORKS : LADDER_FAILS);
	}
	assert_int_equal(l.n, 200);
	ladder_free(&l);
	assert_null(l.pairs);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.cap, 0);
	/* A freed ladder is an empty one: usable and freeable again. */
	assert_non_null(ladder_pair_get(&l, 5, 5));
	ladder_free(&l);
	ladder_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_falls_back),
		cmocka_unit_test(test_clone_remembered),
		cmocka_unit_test(test_copy_range_falls_back),
		cmocka_unit_test(test_copy_range_remembered),
		cmocka_unit_test(test_remembered_implies_falls_back),
		cmocka_unit_test(test_pair_same_entry),
		cmocka_unit_test(test_pair_direction_matters),
		cmocka_unit_test(test_pair_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
