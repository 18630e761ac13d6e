// SPDX-License-Identifier: MIT
/*
 * The regular-file data movers on real files: content, forced strategies,
 * holes, the pair's remembered answers, and sources that change size.
 * Files live in a fresh directory under /tmp, where FICLONE usually fails
 * (ext4, tmpfs); as root, a loop-mounted XFS with reflink shows the clone
 * rung at work.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "seam/sys.h"

#define KiB ((off_t)1024)
#define MiB (1024 * KiB)
#define BUFLEN (128 * KiB)
/* Not a power of two: read/write segments end in odd places. */
#define ODD_BUFLEN 4099
#define XFS_IMAGE_SIZE (300 * MiB)

static char tmpdir[] = "/tmp/stagecp-test-data.XXXXXX";

struct fixture {
	struct ladder ladder;
	char *buf;
	/* When ring.registered: the read/write mover goes through it. */
	struct uring ring;
	char mnt[PATH_MAX];
	bool mounted;
};

/* What one copy did. */
struct copy_result {
	int r;
	enum stagecp_method used;
	const char *op;
	struct ladder_pair *pair;
};

static void path_in(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

/* Deterministic bytes that differ with seed and position. */
static void pattern(char *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (char)(x >> 56);
	}
}

/* A new file of `size` bytes, all hole. */
static void create_sparse(const char *path, off_t size)
{
	int fd = sys_openat(AT_FDCWD, path,
			    SYS_O_BASE | O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	assert_int_equal(sys_ftruncate(fd, size), 0);
	assert_int_equal(sys_close(fd), 0);
}

/* Write `len` pattern bytes at `off` (growing the file if needed). */
static void fill(const char *path, off_t off, off_t len, uint64_t seed)
{
	size_t chunk = 1 * MiB;
	char *b = malloc(chunk);
	int fd = sys_openat(AT_FDCWD, path, SYS_O_BASE | O_WRONLY, 0);

	assert_non_null(b);
	assert_true(fd >= 0);
	while (len > 0) {
		size_t n = len < (off_t)chunk ? (size_t)len : chunk;

		pattern(b, n, seed++);
		assert_int_equal(sys_pwrite(fd, b, n, off), (ssize_t)n);
		off += (off_t)n;
		len -= (off_t)n;
	}
	assert_int_equal(sys_close(fd), 0);
	free(b);
}

static void create_dense(const char *path, off_t size, uint64_t seed)
{
	create_sparse(path, 0);
	fill(path, 0, size, seed);
}

static void stat_path(const char *path, struct stat *st)
{
	assert_int_equal(sys_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW),
			 0);
}

static void assert_same_content(const char *a, const char *b)
{
	size_t chunk = 1 * MiB;
	char *ba = malloc(chunk), *bb = malloc(chunk);
	struct stat sa, sb;
	int fa, fb;
	off_t off = 0;

	assert_non_null(ba);
	assert_non_null(bb);
	stat_path(a, &sa);
	stat_path(b, &sb);
	assert_int_equal(sa.st_size, sb.st_size);
	fa = sys_openat(AT_FDCWD, a, SYS_O_SRC, 0);
	fb = sys_openat(AT_FDCWD, b, SYS_O_SRC, 0);
	assert_true(fa >= 0 && fb >= 0);
	for (;;) {
		ssize_t na = sys_pread(fa, ba, chunk, off);
		ssize_t nb = sys_pread(fb, bb, chunk, off);

		assert_true(na >= 0);
		assert_int_equal(na, nb);
		if (na == 0)
			break;
		assert_memory_equal(ba, bb, (size_t)na);
		off += na;
	}
	assert_int_equal(off, sa.st_size);
	sys_close(fa);
	sys_close(fb);
	free(ba);
	free(bb);
}

/*
 * Copy src to a new dst through data_copy.  fake, when not NULL, edits the
 * open-time stat the copy is given (a source that "changes" under us).
 * pair, when not NULL, is used instead of the ladder's entry for the two
 * filesystems (a file that behaves unlike the rest of its pair).
 */
static struct copy_result copy_path_pair(struct fixture *fx,
					 struct ladder_pair *pair,
					 const char *src, const char *dst,
					 enum stagecp_strategy strategy,
					 size_t buflen,
					 void (*fake)(struct stat *st))
{
	struct copy_result res = { 0 };
	struct stat sst, dst_st;
	struct data_src ds = { 0 };
	struct rw_buf rb;
	int sfd, dfd;

	sfd = sys_openat(AT_FDCWD, src, SYS_O_SRC, 0);
	assert_true(sfd >= 0);
	dfd = sys_openat(AT_FDCWD, dst,
			 SYS_O_BASE | O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(dfd >= 0);
	assert_int_equal(sys_fstat(sfd, &sst), 0);
	assert_int_equal(sys_fstat(dfd, &dst_st), 0);
	if (fake)
		fake(&sst);
	res.pair = pair ? pair : ladder_pair_get(&fx->ladder, sst.st_dev,
						 dst_st.st_dev);
	assert_non_null(res.pair);
	ds.fd = sfd;
	ds.st = &sst;
	rb = (struct rw_buf){ .buf = fx->buf, .len = buflen,
			      .ring = fx->ring.registered ? &fx->ring : NULL };
	res.r = data_copy(res.pair, strategy, &ds, dfd, &rb, &res.used,
			  &res.op);
	assert_int_equal(sys_close(sfd), 0);
	assert_int_equal(sys_close(dfd), 0);
	return res;
}

static struct copy_result copy_path(struct fixture *fx, const char *src,
				    const char *dst,
				    enum stagecp_strategy strategy,
				    size_t buflen,
				    void (*fake)(struct stat *st))
{
	return copy_path_pair(fx, NULL, src, dst, strategy, buflen, fake);
}

/* The pair entry for copies from dir a to dir b, looked up afresh. */
static struct ladder_pair *pair_of(struct fixture *fx, const char *a,
				   const char *b)
{
	struct stat sa, sb;
	struct ladder_pair *p;

	stat_path(a, &sa);
	stat_path(b, &sb);
	p = ladder_pair_get(&fx->ladder, sa.st_dev, sb.st_dev);
	assert_non_null(p);
	return p;
}

static void unlink_both(const char *a, const char *b)
{
	assert_int_equal(sys_unlinkat(AT_FDCWD, a, 0), 0);
	assert_int_equal(sys_unlinkat(AT_FDCWD, b, 0), 0);
}

/* The in-kernel movers a plain /tmp can use; clone where /tmp reflinks. */
static void assert_kernel_mover(const struct copy_result *res)
{
	assert_int_equal(res->r, 0);
	assert_null(res->op);
	if (res->used == STAGECP_METHOD_CLONE) {
		assert_int_equal(res->pair->clone, LADDER_WORKS);
	} else {
		assert_int_equal(res->used, STAGECP_METHOD_COPY_RANGE);
		assert_int_equal(res->pair->copy_range, LADDER_WORKS);
	}
	assert_int_equal(res->pair->last, res->used);
}

static void test_sizes_auto(void **state)
{
	static const off_t sizes[] = { 1, 4095, 1 * MiB + 7, 64 * MiB };
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	size_t i;

	path_in(src, tmpdir, "src");
	path_in(dst, tmpdir, "dst");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct copy_result res;

		create_dense(src, sizes[i], i + 1);
		res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN,
				NULL);
		assert_kernel_mover(&res);
		/* ext4 and tmpfs cannot clone: that is learnt for the pair. */
		if (res.used == STAGECP_METHOD_COPY_RANGE)
			assert_int_equal(res.pair->clone, LADDER_FAILS);
		assert_same_content(src, dst);
		unlink_both(src, dst);
	}
	assert_int_equal(fx->ladder.n, 1);
}

static void test_empty_file(void **state)
{
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	struct copy_result res;
	enum stagecp_strategy s;
	struct stat st;

	path_in(src, tmpdir, "empty");
	path_in(dst, tmpdir, "empty.copy");
	create_sparse(src, 0);
	for (s = STAGECP_STRATEGY_AUTO; s <= STAGECP_STRATEGY_RW; s++) {
		struct ladder_pair *p = pair_of(fx, tmpdir, tmpdir);

		p->last = STAGECP_METHOD_HARDLINK;
		res = copy_path(fx, src, dst, s, BUFLEN, NULL);
		assert_int_equal(res.r, 0);
		assert_int_equal(res.used, STAGECP_METHOD_NONE);
		assert_null(res.op);
		/* No mover ran: nothing learnt, the last one unchanged. */
		assert_int_equal(res.pair->clone, LADDER_UNKNOWN);
		assert_int_equal(res.pair->copy_range, LADDER_UNKNOWN);
		assert_int_equal(res.pair->last, STAGECP_METHOD_HARDLINK);
		stat_path(dst, &st);
		assert_int_equal(st.st_size, 0);
		assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);
	}
}

/* Forced read/write copies of files of each size: whole, nothing learned. */
static void forced_rw_sizes(struct fixture *fx, const off_t *sizes, size_t n,
			    size_t buflen, int seed)
{
	char src[PATH_MAX], dst[PATH_MAX];

	path_in(src, tmpdir, "src");
	path_in(dst, tmpdir, "dst");
	for (size_t i = 0; i < n; i++) {
		struct copy_result res;

		create_dense(src, sizes[i], seed + (int)i);
		res = copy_path(fx, src, dst, STAGECP_STRATEGY_RW, buflen,
				NULL);
		assert_int_equal(res.r, 0);
		assert_null(res.op);
		assert_int_equal(res.used, STAGECP_METHOD_READ_WRITE);
		assert_int_equal(res.pair->last, STAGECP_METHOD_READ_WRITE);
		/* The forced rung taught nothing about the others. */
		assert_int_equal(res.pair->clone, LADDER_UNKNOWN);
		assert_int_equal(res.pair->copy_range, LADDER_UNKNOWN);
		assert_same_content(src, dst);
		unlink_both(src, dst);
	}
}

static void test_forced_rw(void **state)
{
	static const off_t sizes[] = { 1, ODD_BUFLEN, ODD_BUFLEN + 1,
				       1 * MiB + 7 };

	forced_rw_sizes(*state, sizes, sizeof(sizes) / sizeof(sizes[0]),
			ODD_BUFLEN, 100);
}

/*
 * The read/write mover through the ring's registered buffers: several
 * reads in flight, slices ending in odd places, a file of many batches.
 */
static void test_forced_rw_ring(void **state)
{
	static const off_t sizes[] = { 1, 1023, 1025, 3 * 1024 + 1,
				       4 * 1025 + 3, 1 * MiB + 7 };
	/* Four odd slices of 1025 bytes. */
	const size_t buflen = 4 * 1025 + 2;
	struct fixture *fx = *state;

	uring_init(&fx->ring, URING_ALL);
	if (!uring_register_buffers(&fx->ring, fx->buf, buflen)) {
		uring_exit(&fx->ring);
		skip();
	}
	forced_rw_sizes(fx, sizes, sizeof(sizes) / sizeof(sizes[0]), buflen,
			200);
	uring_exit(&fx->ring);
}

static void test_forced_copy(void **state)
{
	static const off_t sizes[] = { 1, 4095, 1 * MiB + 7 };
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	size_t i;

	path_in(src, tmpdir, "src");
	path_in(dst, tmpdir, "dst");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct copy_result res;

		create_dense(src, sizes[i], 200 + i);
		/* A remembered failure does not stop a forced rung. */
		pair_of(fx, tmpdir, tmpdir)->copy_range = LADDER_FAILS;
		res = copy_path(fx, src, dst, STAGECP_STRATEGY_COPY, BUFLEN,
				NULL);
		assert_int_equal(res.r, 0);
		assert_null(res.op);
		assert_int_equal(res.used, STAGECP_METHOD_COPY_RANGE);
		assert_int_equal(res.pair->clone, LADDER_UNKNOWN);
		assert_same_content(src, dst);
		unlink_both(src, dst);
	}
}

/* Where /tmp cannot clone, a forced clone is an error, not a fallback. */
static void test_forced_clone(void **state)
{
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	struct copy_result res;
	struct stat st;

	path_in(src, tmpdir, "src");
	path_in(dst, tmpdir, "dst");
	create_dense(src, 10000, 300);
	res = copy_path(fx, src, dst, STAGECP_STRATEGY_CLONE, BUFLEN, NULL);
	assert_int_equal(res.used, STAGECP_METHOD_CLONE);
	if (res.r == 0) {
		assert_int_equal(res.pair->clone, LADDER_WORKS);
		assert_same_content(src, dst);
	} else {
		assert_true(ladder_clone_falls_back(res.r));
		assert_string_equal(res.op, "clone");
		stat_path(dst, &st);
		assert_int_equal(st.st_size, 0);
		if (ladder_clone_remembered(res.r))
			assert_int_equal(res.pair->clone, LADDER_FAILS);
	}
	unlink_both(src, dst);
}

/* 256 MiB with a 1 MiB island in the middle and one at the very end. */
static void make_islands(const char *path)
{
	create_sparse(path, 256 * MiB);
	fill(path, 100 * MiB + 5, 1 * MiB, 400);
	fill(path, 255 * MiB, 1 * MiB, 401);
}

static void assert_holes_kept(const char *src, const char *dst)
{
	struct stat ss, ds;

	stat_path(src, &ss);
	stat_path(dst, &ds);
	assert_int_equal(ss.st_size, ds.st_size);
	/* About the 2 MiB of data, far from the 256 MiB of size. */
	assert_true((off_t)ds.st_blocks * 512 <= 8 * MiB);
	assert_true((off_t)ds.st_blocks * 512 >= 2 * MiB);
}

static void test_sparse(void **state)
{
	static const enum stagecp_strategy strategies[] = {
		STAGECP_STRATEGY_AUTO, STAGECP_STRATEGY_COPY,
		STAGECP_STRATEGY_RW,
	};
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	size_t i;

	path_in(src, tmpdir, "sparse");
	path_in(dst, tmpdir, "sparse.copy");
	make_islands(src);
	for (i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
		struct copy_result res;

		res = copy_path(fx, src, dst, strategies[i], BUFLEN, NULL);
		assert_int_equal(res.r, 0);
		assert_holes_kept(src, dst);
		assert_same_content(src, dst);
		assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);
	}
	assert_int_equal(sys_unlinkat(AT_FDCWD, src, 0), 0);
}

/* Data first, then a long hole: the destination must still get its size. */
static void test_sparse_trailing_hole(void **state)
{
	static const enum stagecp_strategy strategies[] = {
		STAGECP_STRATEGY_COPY, STAGECP_STRATEGY_RW,
	};
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat ss, ds;
	size_t i;

	path_in(src, tmpdir, "tail");
	path_in(dst, tmpdir, "tail.copy");
	create_sparse(src, 64 * MiB);
	fill(src, 0, 64 * KiB, 500);
	for (i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
		struct copy_result res;

		res = copy_path(fx, src, dst, strategies[i], BUFLEN, NULL);
		assert_int_equal(res.r, 0);
		stat_path(src, &ss);
		stat_path(dst, &ds);
		assert_int_equal(ds.st_size, 64 * MiB);
		assert_true((off_t)ds.st_blocks * 512 <= 4 * MiB);
		assert_same_content(src, dst);
		assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);
	}
	assert_int_equal(sys_unlinkat(AT_FDCWD, src, 0), 0);
}

/* After a FAILS answer, AUTO goes straight past the rung. */
static void test_remembered(void **state)
{
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	struct ladder_pair *p;
	struct copy_result res;

	path_in(src, tmpdir, "src");
	path_in(dst, tmpdir, "dst");
	create_dense(src, 1 * MiB + 7, 600);

	res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_kernel_mover(&res);
	assert_int_not_equal(res.pair->clone, LADDER_UNKNOWN);
	assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);

	/* copy_file_range works here: only the memory can skip it. */
	p = pair_of(fx, tmpdir, tmpdir);
	p->clone = LADDER_FAILS;
	p->copy_range = LADDER_FAILS;
	res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.used, STAGECP_METHOD_READ_WRITE);
	assert_int_equal(res.pair->last, STAGECP_METHOD_READ_WRITE);
	assert_int_equal(res.pair->clone, LADDER_FAILS);
	assert_int_equal(res.pair->copy_range, LADDER_FAILS);
	assert_same_content(src, dst);
	assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);

	/* Only clone remembered as failing: copy_file_range, not read. */
	p = pair_of(fx, tmpdir, tmpdir);
	p->copy_range = LADDER_UNKNOWN;
	res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.used, STAGECP_METHOD_COPY_RANGE);
	assert_int_equal(res.pair->copy_range, LADDER_WORKS);
	assert_same_content(src, dst);
	unlink_both(src, dst);
}

static void claim_double_size(struct stat *st)
{
	st->st_size *= 2;
}

/* Also claim the blocks of a dense file: no SEEK_DATA walk. */
static void claim_double_size_dense(struct stat *st)
{
	st->st_size *= 2;
	st->st_blocks = st->st_size / 512 + 8;
}

static void claim_half_size(struct stat *st)
{
	st->st_size /= 2;
}

static void test_changed(void **state)
{
	static const enum stagecp_strategy strategies[] = {
		STAGECP_STRATEGY_AUTO, STAGECP_STRATEGY_COPY,
		STAGECP_STRATEGY_RW,
	};
	static void (*const fakes[])(struct stat *) = {
		claim_double_size, claim_double_size_dense, claim_half_size,
	};
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX];
	size_t i, j;

	path_in(src, tmpdir, "src");
	path_in(dst, tmpdir, "dst");
	create_dense(src, 10000, 700);
	for (i = 0; i < sizeof(fakes) / sizeof(fakes[0]); i++) {
		for (j = 0; j < sizeof(strategies) / sizeof(strategies[0]);
		     j++) {
			struct copy_result res;

			res = copy_path(fx, src, dst, strategies[j], BUFLEN,
					fakes[i]);
			assert_int_equal(res.r, -ESTAGECP_CHANGED);
			assert_non_null(res.op);
			assert_int_not_equal(res.used, STAGECP_METHOD_NONE);
			assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);
		}
	}
	assert_int_equal(sys_unlinkat(AT_FDCWD, src, 0), 0);
}

/* Run argv; 0 when it exited 0. */
static int run(char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Mount a fresh reflink XFS at fx->mnt, or say why not. */
static const char *mount_xfs(struct fixture *fx)
{
	char img[PATH_MAX];

	if (geteuid() != 0)
		return "needs root for mount -o loop";
	path_in(img, tmpdir, "xfs.img");
	path_in(fx->mnt, tmpdir, "xfs");
	create_sparse(img, XFS_IMAGE_SIZE);
	if (run((char *const[]){ "mkfs.xfs", "-q", "-m", "reflink=1", img,
				 NULL }) < 0)
		return "mkfs.xfs -m reflink=1 failed or is missing";
	if (sys_mkdirat(AT_FDCWD, fx->mnt, 0755) < 0)
		return "cannot make the mount point";
	if (run((char *const[]){ "mount", "-o", "loop", img, fx->mnt,
				 NULL }) < 0)
		return "mount -o loop failed (no loop devices?)";
	fx->mounted = true;
	return NULL;
}

static void test_xfs_clone(void **state)
{
	struct fixture *fx = *state;
	char src[PATH_MAX], dst[PATH_MAX], far[PATH_MAX];
	struct copy_result res;
	struct ladder_pair *p;
	const char *why;

	why = mount_xfs(fx);
	if (why) {
		printf("skipped: xfs clone check: %s\n", why);
		skip();
	}
	path_in(src, fx->mnt, "src");
	path_in(dst, fx->mnt, "dst");

	/* Within one XFS: clone, and the pair learns it works. */
	create_dense(src, 4 * MiB + 3, 800);
	res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.used, STAGECP_METHOD_CLONE);
	assert_int_equal(res.pair->clone, LADDER_WORKS);
	assert_int_equal(res.pair->copy_range, LADDER_UNKNOWN);
	assert_int_equal(res.pair->last, STAGECP_METHOD_CLONE);
	assert_same_content(src, dst);
	assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);

	/* A remembered failure skips the clone even where it would work. */
	p = pair_of(fx, fx->mnt, fx->mnt);
	p->clone = LADDER_FAILS;
	res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.used, STAGECP_METHOD_COPY_RANGE);
	assert_same_content(src, dst);
	unlink_both(src, dst);
	pair_of(fx, fx->mnt, fx->mnt)->clone = LADDER_WORKS;

	/* A sparse file clones with its holes. */
	make_islands(src);
	res = copy_path(fx, src, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.used, STAGECP_METHOD_CLONE);
	assert_holes_kept(src, dst);
	assert_same_content(src, dst);
	unlink_both(src, dst);

	/*
	 * From /tmp to the XFS: another superblock.  The clone's EXDEV is
	 * remembered; copy_file_range between different filesystems without
	 * a shared ->copy_file_range is EXDEV too on Linux 5.19 and later.
	 */
	path_in(far, tmpdir, "far");
	create_dense(far, 1 * MiB + 7, 900);
	res = copy_path(fx, far, dst, STAGECP_STRATEGY_AUTO, BUFLEN, NULL);
	assert_int_equal(res.r, 0);
	assert_int_not_equal(res.used, STAGECP_METHOD_CLONE);
	assert_int_equal(res.pair->clone, LADDER_FAILS);
	if (res.used == STAGECP_METHOD_READ_WRITE)
		assert_int_equal(res.pair->copy_range, LADDER_FAILS);
	assert_same_content(far, dst);
	assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);

	/*
	 * A pair that has cloned keeps cloning: one file that refuses (as
	 * files of another overlayfs layer may) falls back alone.
	 */
	p = pair_of(fx, fx->mnt, fx->mnt);
	assert_int_equal(p->clone, LADDER_WORKS);
	res = copy_path_pair(fx, p, far, dst, STAGECP_STRATEGY_AUTO, BUFLEN,
			     NULL);
	assert_int_equal(res.r, 0);
	assert_int_not_equal(res.used, STAGECP_METHOD_CLONE);
	assert_int_equal(pair_of(fx, fx->mnt, fx->mnt)->clone, LADDER_WORKS);
	assert_same_content(far, dst);
	assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);

	res = copy_path(fx, far, dst, STAGECP_STRATEGY_CLONE, BUFLEN, NULL);
	assert_int_equal(res.r, -EXDEV);
	assert_string_equal(res.op, "clone");
	assert_int_equal(sys_unlinkat(AT_FDCWD, dst, 0), 0);

	res = copy_path(fx, far, dst, STAGECP_STRATEGY_COPY, BUFLEN, NULL);
	assert_int_equal(res.used, STAGECP_METHOD_COPY_RANGE);
	if (res.r != 0) {
		assert_int_equal(res.r, -EXDEV);
		assert_string_equal(res.op, "copy_file_range");
	}
	unlink_both(far, dst);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->buf = malloc(BUFLEN);
	if (!fx->buf) {
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

/* Runs after failed tests too: unmount first, then empty the directory. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	int ret = 0;

	if (fx->mounted && umount2(fx->mnt, 0) < 0 &&
	    umount2(fx->mnt, MNT_DETACH) < 0) {
		perror("umount");
		ret = -1;
	}
	if (nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT)
	    < 0)
		ret = -1;
	ladder_free(&fx->ladder);
	free(fx->buf);
	free(fx);
	return ret;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sizes_auto, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forced_rw, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forced_rw_ring, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forced_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forced_clone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sparse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sparse_trailing_hole,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_remembered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xfs_clone, setup,
						teardown),
	};
	int failed;

	if (!mkdtemp(tmpdir)) {
		printf("skipped: cannot make a directory under /tmp: %m\n");
		return 77;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (rmdir(tmpdir) < 0)
		fprintf(stderr, "test_data: rmdir %s: %m\n", tmpdir);
	return failed ? 1 : 0;
}
