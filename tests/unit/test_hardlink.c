// SPDX-License-Identifier: MIT
/*
 * The hardlink map: lookups by (dev, ino), growth of the table, counting
 * of the source links still to come, and dropping a group once complete.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "engine/engine.h"

#define MANY 10000

static struct stat src_stat(dev_t dev, ino_t ino, nlink_t nlink)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = dev;
	st.st_ino = ino;
	st.st_nlink = nlink;
	st.st_mode = S_IFREG | 0644;
	return st;
}

static void name_of(char *out, size_t len, dev_t dev, ino_t ino)
{
	int n = snprintf(out, len, "/d%ju/f%ju", (uintmax_t)dev,
			 (uintmax_t)ino);

	assert_true(n > 0 && (size_t)n < len);
}

static void test_empty(void **state)
{
	struct hardlinks h = { 0 };

	assert_null(hardlinks_find(&h, 1, 1));
	assert_null(hardlinks_find(&h, 0, 0));
	hardlinks_free(&h);
	hardlinks_free(&h);
	assert_null(hardlinks_find(&h, 1, 1));
}

static void test_add_find(void **state)
{
	struct hardlinks h = { 0 };
	struct stat st = src_stat(8, 42, 2);
	struct hardlink *e;

	assert_int_equal(hardlinks_add(&h, &st, 777, "/app/first"), 0);
	assert_int_equal(h.n, 1);
	e = hardlinks_find(&h, 8, 42);
	assert_non_null(e);
	assert_int_equal(e->src_dev, 8);
	assert_int_equal(e->src_ino, 42);
	assert_int_equal(e->dst_ino, 777);
	assert_int_equal(e->left, 1);
	assert_string_equal(e->dst_path, "/app/first");
	assert_null(hardlinks_find(&h, 8, 43));
	assert_null(hardlinks_find(&h, 9, 42));
	hardlinks_free(&h);
	assert_null(h.buckets);
	assert_int_equal(h.n, 0);
	assert_int_equal(h.nbuckets, 0);
}

/* The map keeps its own copy of the destination name. */
static void test_path_copied(void **state)
{
	struct hardlinks h = { 0 };
	struct stat st = src_stat(1, 2, 2);
	char name[] = "/x/original";
	struct hardlink *e;

	assert_int_equal(hardlinks_add(&h, &st, 3, name), 0);
	memcpy(name, "/x/overwrite", sizeof(name));
	e = hardlinks_find(&h, 1, 2);
	assert_non_null(e);
	assert_string_equal(e->dst_path, "/x/original");
	hardlinks_free(&h);
}

/* Ten thousand keys force the table to grow many times over. */
static void test_many(void **state)
{
	struct hardlinks h = { 0 };
	char name[64];

	for (ino_t i = 0; i < MANY; i++) {
		/* Three devices, inodes spread wide and close. */
		dev_t dev = 100 + i % 3;
		ino_t ino = i % 2 ? i : (ino_t)1 << 40 | i;
		struct stat st = src_stat(dev, ino, 2 + i % 5);

		name_of(name, sizeof(name), dev, ino);
		assert_int_equal(hardlinks_add(&h, &st, i + 1, name), 0);
	}
	assert_int_equal(h.n, MANY);
	assert_true(h.nbuckets >= MANY);
	/* A power of two: the bucket index is a mask. */
	assert_int_equal(h.nbuckets & (h.nbuckets - 1), 0);
	for (ino_t i = 0; i < MANY; i++) {
		dev_t dev = 100 + i % 3;
		ino_t ino = i % 2 ? i : (ino_t)1 << 40 | i;
		struct hardlink *e = hardlinks_find(&h, dev, ino);

		assert_non_null(e);
		name_of(name, sizeof(name), dev, ino);
		assert_string_equal(e->dst_path, name);
		assert_int_equal(e->dst_ino, i + 1);
		assert_int_equal(e->left, 1 + i % 5);
		/* The same inode on another device is not there. */
		assert_null(hardlinks_find(&h, dev + 3, ino));
	}
	/* Drop every other group; the rest stay findable. */
	for (ino_t i = 0; i < MANY; i += 2) {
		dev_t dev = 100 + i % 3;
		ino_t ino = (ino_t)1 << 40 | i;
		struct hardlink *e;

		while ((e = hardlinks_find(&h, dev, ino)))
			hardlinks_seen(&h, e);
	}
	assert_int_equal(h.n, MANY / 2);
	for (ino_t i = 0; i < MANY; i++) {
		dev_t dev = 100 + i % 3;
		ino_t ino = i % 2 ? i : (ino_t)1 << 40 | i;

		if (i % 2)
			assert_non_null(hardlinks_find(&h, dev, ino));
		else
			assert_null(hardlinks_find(&h, dev, ino));
	}
	hardlinks_free(&h);
}

/* nlink 3: the first name is added, two more are seen, then it is gone. */
static void test_left_counting(void **state)
{
	struct hardlinks h = { 0 };
	struct stat st = src_stat(5, 99, 3);
	struct stat other = src_stat(5, 100, 2);
	struct hardlink *e;

	assert_int_equal(hardlinks_add(&h, &st, 1, "/a"), 0);
	assert_int_equal(hardlinks_add(&h, &other, 2, "/b"), 0);
	e = hardlinks_find(&h, 5, 99);
	assert_non_null(e);
	assert_int_equal(e->left, 2);

	hardlinks_seen(&h, e);
	e = hardlinks_find(&h, 5, 99);
	assert_non_null(e);
	assert_int_equal(e->left, 1);
	assert_string_equal(e->dst_path, "/a");
	assert_int_equal(h.n, 2);

	hardlinks_seen(&h, e);
	assert_null(hardlinks_find(&h, 5, 99));
	assert_int_equal(h.n, 1);

	/* The other group is untouched. */
	e = hardlinks_find(&h, 5, 100);
	assert_non_null(e);
	assert_int_equal(e->left, 1);
	hardlinks_seen(&h, e);
	assert_null(hardlinks_find(&h, 5, 100));
	assert_int_equal(h.n, 0);

	/* An emptied map takes new entries. */
	assert_int_equal(hardlinks_add(&h, &st, 3, "/c"), 0);
	e = hardlinks_find(&h, 5, 99);
	assert_non_null(e);
	assert_string_equal(e->dst_path, "/c");
	hardlinks_free(&h);
}

/* Same inode number on two devices: two keys, counted apart. */
static void test_dev_is_part_of_key(void **state)
{
	struct hardlinks h = { 0 };
	struct stat a = src_stat(1, 1234, 2);
	struct stat b = src_stat(2, 1234, 3);
	struct hardlink *ea, *eb;

	assert_int_equal(hardlinks_add(&h, &a, 10, "/on-dev-1"), 0);
	assert_null(hardlinks_find(&h, 2, 1234));
	assert_int_equal(hardlinks_add(&h, &b, 20, "/on-dev-2"), 0);
	ea = hardlinks_find(&h, 1, 1234);
	eb = hardlinks_find(&h, 2, 1234);
	assert_non_null(ea);
	assert_non_null(eb);
	assert_ptr_not_equal(ea, eb);
	assert_string_equal(ea->dst_path, "/on-dev-1");
	assert_string_equal(eb->dst_path, "/on-dev-2");
	assert_int_equal(ea->dst_ino, 10);
	assert_int_equal(eb->dst_ino, 20);

	/* Completing one group leaves the other. */
	hardlinks_seen(&h, ea);
	assert_null(hardlinks_find(&h, 1, 1234));
	eb = hardlinks_find(&h, 2, 1234);
	assert_non_null(eb);
	assert_int_equal(eb->left, 2);
	hardlinks_free(&h);
}

/* Keys that collide in one bucket: removal from the middle of a chain. */
static void test_chain_removal(void **state)
{
	struct hardlinks h = { 0 };
	struct hardlink *e;
	ino_t inos[200];
	size_t n = 0;

	/* Sixty-four buckets after the first add: find inodes sharing one. */
	for (ino_t ino = 1; n < 8 && ino < 1000000; ino++) {
		struct stat st = src_stat(7, ino, 2);
		size_t before = h.n;

		if (!h.n) {
			assert_int_equal(hardlinks_add(&h, &st, ino, "/x"), 0);
			inos[n++] = ino;
			continue;
		}
		/* Probe: add, and keep it only if it chains onto inos[0]. */
		assert_int_equal(hardlinks_add(&h, &st, ino, "/x"), 0);
		assert_int_equal(h.n, before + 1);
		e = hardlinks_find(&h, 7, ino);
		assert_non_null(e);
		if (e->next && e->next->src_ino == inos[n - 1]) {
			inos[n++] = ino;
		} else {
			hardlinks_seen(&h, e);
			assert_int_equal(h.n, before);
		}
		if (h.n >= h.nbuckets)
			break;	/* stay below growth: the chain must hold */
	}
	assert_true(n >= 3);
	/* Remove the middle one of the chain, then the head, then the tail. */
	e = hardlinks_find(&h, 7, inos[1]);
	assert_non_null(e);
	hardlinks_seen(&h, e);
	assert_null(hardlinks_find(&h, 7, inos[1]));
	for (size_t i = 0; i < n; i++)
		if (i != 1)
			assert_non_null(hardlinks_find(&h, 7, inos[i]));
	e = hardlinks_find(&h, 7, inos[n - 1]);
	hardlinks_seen(&h, e);
	e = hardlinks_find(&h, 7, inos[0]);
	hardlinks_seen(&h, e);
	assert_null(hardlinks_find(&h, 7, inos[0]));
	assert_null(hardlinks_find(&h, 7, inos[n - 1]));
	for (size_t i = 2; i + 1 < n; i++)
		assert_non_null(hardlinks_find(&h, 7, inos[i]));
	hardlinks_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add_find),
		cmocka_unit_test(test_path_copied),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_left_counting),
		cmocka_unit_test(test_dev_is_part_of_key),
		cmocka_unit_test(test_chain_removal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
