// SPDX-License-Identifier: MIT
/*
 * Where the workers' time goes: a real copy of a small tree fills every
 * phase it goes through, stagecp_get_phase_ns() writes no more than it is
 * asked for, and a worker's clock adds each stretch to the phase it left.
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

#include "engine/engine.h"

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A tree of a few directories, files and a symlink under ROOT/src/out. */
static void make_tree(const char *root)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/src", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/dst", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/src/out", root);
	assert_int_equal(mkdir(p, 0755), 0);
	for (int d = 0; d < 3; d++) {
		snprintf(p, sizeof(p), "%s/src/out/d%d", root, d);
		assert_int_equal(mkdir(p, 0755), 0);
		for (int f = 0; f < 4; f++) {
			snprintf(p, sizeof(p), "%s/src/out/d%d/f%d", root, d,
				 f);
			write_file(p, "some data for the movers\n");
		}
	}
	snprintf(p, sizeof(p), "%s/src/out/link", root);
	assert_int_equal(symlink("d0/f0", p), 0);
}

static void test_copy_fills_phases(void **state)
{
	char root[] = "/tmp/test_phases.XXXXXX", from[4096], to[4096];
	const char *srcs[] = { "/out" };
	uint64_t ns[STAGECP_PHASE_COUNT + 1];
	struct stagecp_options o;
	struct stagecp_ctx *ctx;

	assert_non_null(mkdtemp(root));
	make_tree(root);
	snprintf(from, sizeof(from), "%s/src", root);
	snprintf(to, sizeof(to), "%s/dst", root);
	stagecp_options_init(&o);
	o.from_root = from;
	o.to_root = to;
	o.jobs = 2;
	assert_int_equal(stagecp_new(&ctx, &o), 0);

	/* Before any copy, every phase is empty. */
	memset(ns, 0xff, sizeof(ns));
	assert_int_equal(stagecp_get_phase_ns(ctx, ns, STAGECP_PHASE_COUNT),
			 STAGECP_PHASE_COUNT);
	for (int i = 0; i < STAGECP_PHASE_COUNT; i++)
		assert_true(ns[i] == 0);

	assert_int_equal(stagecp_copy(ctx, srcs, 1, "/app/"), 0);
	memset(ns, 0xff, sizeof(ns));
	assert_int_equal(stagecp_get_phase_ns(ctx, ns, STAGECP_PHASE_COUNT),
			 STAGECP_PHASE_COUNT);
	/* The tree has sources to list, entries to make, data, metadata. */
	assert_true(ns[STAGECP_PHASE_WALK] > 0);
	assert_true(ns[STAGECP_PHASE_CREATE] > 0);
	assert_true(ns[STAGECP_PHASE_DATA] > 0);
	assert_true(ns[STAGECP_PHASE_METADATA] > 0);
	assert_true(ns[STAGECP_PHASE_COUNT] == UINT64_MAX);

	/* An older caller asks for fewer: nothing past them is written. */
	memset(ns, 0xff, sizeof(ns));
	assert_int_equal(stagecp_get_phase_ns(ctx, ns, 2),
			 STAGECP_PHASE_COUNT);
	assert_true(ns[0] > 0 && ns[0] != UINT64_MAX);
	assert_true(ns[2] == UINT64_MAX);
	stagecp_free(ctx);

	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_phase_names(void **state)
{
	assert_string_equal(stagecp_phase_name(STAGECP_PHASE_WALK), "walk");
	assert_string_equal(stagecp_phase_name(STAGECP_PHASE_CREATE),
			    "create");
	assert_string_equal(stagecp_phase_name(STAGECP_PHASE_DATA), "data");
	assert_string_equal(stagecp_phase_name(STAGECP_PHASE_METADATA),
			    "metadata");
	assert_string_equal(stagecp_phase_name(STAGECP_PHASE_WAIT), "wait");
	assert_string_equal(stagecp_phase_name(STAGECP_PHASE_COUNT), "?");
}

/* The clock starts at its first switch and charges the phase it leaves. */
static void test_worker_clock(void **state)
{
	struct worker w = { 0 };

	worker_phase(&w, STAGECP_PHASE_DATA);
	for (int i = 0; i < STAGECP_PHASE_COUNT; i++)
		assert_true(w.clock.ns[i] == 0);
	assert_int_equal(w.clock.cur, STAGECP_PHASE_DATA);
	usleep(1000);
	worker_phase(&w, STAGECP_PHASE_WAIT);
	assert_true(w.clock.ns[STAGECP_PHASE_DATA] > 0);
	assert_true(w.clock.ns[STAGECP_PHASE_WALK] == 0);
	assert_int_equal(w.clock.cur, STAGECP_PHASE_WAIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_fills_phases),
		cmocka_unit_test(test_phase_names),
		cmocka_unit_test(test_worker_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
