// SPDX-License-Identifier: MIT
/*
 * floor: the kernel's per-file floor for a tree copy on one filesystem pair.
 *
 *   floor [--runs N] [--jobs N] SRC DST
 *
 * Walks SRC once (untimed), then for every regular file, with plain
 * syscalls on --jobs threads (default 1; stagecp uses one per online CPU,
 * and its per-entry cost is only comparable with the floor at the same
 * thread count), times
 *   (a) open src + create dst (O_CREAT|O_EXCL) + FICLONE + close both, and
 *   (b) linkat alone,
 * each into a fresh skeleton of SRC's directories under DST (made and
 * removed untimed).  The threads take whole directories from one shared
 * counter, as stagecp's workers take directory tasks.  Where FICLONE is impossible (ext4, tmpfs) (a) moves
 * the data with copy_file_range instead, and across filesystem types with
 * read/write, skipping holes, and says so.  Directory opens are inside the
 * timed loop: a real copy pays them too.  Prints the median over the runs:
 *
 *   floor create+clone+close: 61.2 us/file (N files, J threads)
 *   floor linkat: 23.4 us/file (N files, J threads)
 *
 * us/file is wall time over files: with J threads it is the cost per file
 * of the whole pass, comparable with a copy's wall time per entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 4096
#define MAX_RUNS 101
#define MAX_JOBS 256

struct file_entry {
	size_t dir;		/* index into tree.dirs */
	char *name;
	off_t size;
	bool sparse;
};

struct tree {
	char **dirs;		/* relative to SRC; "." first */
	size_t ndirs, cap_dirs;
	struct file_entry *files;
	size_t nfiles, cap_files;
	size_t stack[MAX_DEPTH];	/* dir index per nftw level */
	size_t *groups;		/* first file of each directory, + nfiles */
	size_t ngroups;
};

enum mover { MOVER_CLONE, MOVER_COPY, MOVER_RW };

static const char *const mover_label[] = {
	[MOVER_CLONE] = "create+clone+close",
	[MOVER_COPY] = "create+copy_file_range+close",
	[MOVER_RW] = "create+read/write+close",
};

#define RW_BUF (128 * 1024)

/* nftw has no user pointer: the walk's output lives here, walk only. */
static struct tree walk_tree;
static size_t walk_root_len;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "floor: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "floor: out of memory\n");
		exit(1);
	}
	return d;
}

static int collect(const char *fpath, const struct stat *st, int type,
		   struct FTW *ftw)
{
	struct tree *t = &walk_tree;

	if (ftw->level >= MAX_DEPTH) {
		fprintf(stderr, "floor: %s: tree too deep\n", fpath);
		return -1;
	}
	if (type == FTW_D) {
		const char *rel = fpath + walk_root_len;

		if (t->ndirs == t->cap_dirs) {
			t->cap_dirs = t->cap_dirs ? 2 * t->cap_dirs : 1024;
			t->dirs = xrealloc(t->dirs,
					   t->cap_dirs * sizeof(*t->dirs));
		}
		while (*rel == '/')
			rel++;
		t->dirs[t->ndirs] = xstrdup(*rel ? rel : ".");
		t->stack[ftw->level] = t->ndirs++;
		return 0;
	}
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (t->nfiles == t->cap_files) {
		t->cap_files = t->cap_files ? 2 * t->cap_files : 4096;
		t->files = xrealloc(t->files, t->cap_files * sizeof(*t->files));
	}
	t->files[t->nfiles++] = (struct file_entry){
		.dir = t->stack[ftw->level - 1],
		.name = xstrdup(fpath + ftw->base),
		.size = st->st_size,
		.sparse = (off_t)st->st_blocks * 512 < st->st_size,
	};
	return 0;
}

static int by_dir(const void *a, const void *b)
{
	const struct file_entry *x = a, *y = b;

	return (x->dir > y->dir) - (x->dir < y->dir);
}

static int remove_entry(const char *fpath, const struct stat *st, int type,
			struct FTW *ftw)
{
	if (remove(fpath) < 0) {
		fprintf(stderr, "floor: %s: remove: %s\n", fpath,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 64, FTW_DEPTH | FTW_PHYS);
}

/* The destination directories, made before the clock starts. */
static int make_skeleton(const struct tree *t, const char *root)
{
	char path[PATH_MAX];

	if (mkdir(root, 0755) < 0) {
		fprintf(stderr, "floor: %s: mkdir: %s\n", root,
			strerror(errno));
		return -1;
	}
	for (size_t i = 1; i < t->ndirs; i++) {
		int n = snprintf(path, sizeof(path), "%s/%s", root,
				 t->dirs[i]);

		if (n < 0 || (size_t)n >= sizeof(path)) {
			fprintf(stderr, "floor: %s/%s: path too long\n", root,
				t->dirs[i]);
			return -1;
		}
		if (mkdir(path, 0755) < 0) {
			fprintf(stderr, "floor: %s: mkdir: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Moves [data, hole) with MOVER: copy_file_range or read/write. */
static int copy_segment(int sfd, int dfd, off_t data, off_t hole,
			enum mover mover, char *buf)
{
	while (data < hole) {
		size_t want = (size_t)(hole - data);
		ssize_t n;

		if (mover == MOVER_COPY) {
			off_t in = data, out = data;

			n = copy_file_range(sfd, &in, dfd, &out, want, 0);
		} else {
			n = pread(sfd, buf, want < RW_BUF ? want : RW_BUF,
				  data);
			if (n > 0 && pwrite(dfd, buf, (size_t)n, data) != n)
				return -1;
		}
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		data += n;
	}
	return 0;
}

static int copy_data(int sfd, int dfd, const struct file_entry *f,
		     enum mover mover, char *buf)
{
	off_t pos = 0;

	while (pos < f->size) {
		off_t data = pos, hole;

		if (f->sparse) {
			data = lseek(sfd, pos, SEEK_DATA);
			if (data < 0)
				break;	/* ENXIO: only a hole is left */
			hole = lseek(sfd, data, SEEK_HOLE);
		} else {
			hole = f->size;
		}
		if (copy_segment(sfd, dfd, data, hole, mover, buf) < 0)
			return -1;
		pos = hole;
	}
	if (f->sparse && ftruncate(dfd, f->size) < 0)
		return -1;
	return 0;
}

static int open_dir(int root, const char *rel)
{
	return openat(root, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			  O_NOFOLLOW);
}

/* One pass: what its threads share. */
struct pass {
	const struct tree *t;
	int sroot, droot;
	bool link;
	enum mover mover;
	size_t next;		/* the next directory group, atomic */
	int err;		/* the first failure's errno, atomic */
	const char *failed;
};

/* Copy (or link) the files of one directory group. */
static int pass_group(struct pass *p, size_t g, char *buf)
{
	const struct tree *t = p->t;
	size_t first = t->groups[g], end = t->groups[g + 1];
	const char *dir = t->dirs[t->files[first].dir];
	int sdir = open_dir(p->sroot, dir), ddir = open_dir(p->droot, dir);
	int rc = -1;

	if (sdir < 0 || ddir < 0) {
		p->failed = "open directory";
		goto close_dirs;
	}
	for (size_t i = first; i < end; i++) {
		const struct file_entry *f = &t->files[i];
		int sfd, dfd;

		if (p->link) {
			if (linkat(sdir, f->name, ddir, f->name, 0) < 0) {
				p->failed = "linkat";
				goto close_dirs;
			}
			continue;
		}
		sfd = openat(sdir, f->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (sfd < 0) {
			p->failed = "open";
			goto close_dirs;
		}
		dfd = openat(ddir, f->name, O_WRONLY | O_CREAT | O_EXCL |
			     O_CLOEXEC | O_NOFOLLOW, 0644);
		if (dfd < 0) {
			p->failed = "create";
			close(sfd);
			goto close_dirs;
		}
		if (p->mover == MOVER_CLONE
			    ? ioctl(dfd, FICLONE, sfd) < 0
			    : copy_data(sfd, dfd, f, p->mover, buf) < 0) {
			p->failed = mover_label[p->mover];
			close(sfd);
			close(dfd);
			goto close_dirs;
		}
		close(sfd);
		close(dfd);
	}
	rc = 0;
close_dirs:
	if (rc < 0)
		__atomic_store_n(&p->err, errno, __ATOMIC_RELAXED);
	if (sdir >= 0)
		close(sdir);
	if (ddir >= 0)
		close(ddir);
	return rc;
}

static void *pass_thread(void *arg)
{
	struct pass *p = arg;
	char *buf = malloc(RW_BUF);
	size_t g;

	if (!buf) {
		__atomic_store_n(&p->err, ENOMEM, __ATOMIC_RELAXED);
		return NULL;
	}
	while (!__atomic_load_n(&p->err, __ATOMIC_RELAXED) &&
	       (g = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) <
		       p->t->ngroups) {
		if (pass_group(p, g, buf) < 0)
			break;
	}
	free(buf);
	return NULL;
}

/*
 * One timed pass on JOBS threads.  LINK selects linkat, else create +
 * MOVER + close.  Returns the elapsed microseconds, or a negative value
 * with errno set.
 */
static double timed_pass(const struct tree *t, int sroot, int droot,
			 bool link, enum mover mover, int jobs,
			 const char **failed)
{
	struct pass p = { .t = t, .sroot = sroot, .droot = droot,
			  .link = link, .mover = mover };
	pthread_t tids[MAX_JOBS];
	int started = 0;
	double start = now_us(), end;

	for (int i = 1; i < jobs; i++) {
		if (pthread_create(&tids[i], NULL, pass_thread, &p) != 0)
			break;
		started = i;
	}
	pass_thread(&p);
	for (int i = 1; i <= started; i++)
		pthread_join(tids[i], NULL);
	end = now_us();
	if (p.err) {
		*failed = p.failed ? p.failed : "allocate";
		errno = p.err;
		return -1;
	}
	return end - start;
}

/*
 * The cheapest way DST can take SRC's data: a clone, else copy_file_range
 * (which fails across filesystem types), else read/write.  Tried once on
 * a non-empty file, before any timing.
 */
static enum mover probe_mover(const struct tree *t, int sroot, int droot)
{
	const struct file_entry *f = &t->files[0];
	enum mover m = MOVER_RW;
	int sdir, sfd, dfd;
	off_t in = 0, out = 0;

	for (size_t i = 0; i < t->nfiles && !f->size; i++)
		f = &t->files[i];
	sdir = open_dir(sroot, t->dirs[f->dir]);
	sfd = sdir < 0 ? -1 : openat(sdir, f->name, O_RDONLY | O_CLOEXEC |
				     O_NOFOLLOW);
	dfd = openat(droot, ".floor-probe", O_WRONLY | O_CREAT | O_EXCL |
		     O_CLOEXEC | O_NOFOLLOW, 0644);

	if (sfd >= 0 && dfd >= 0 && ioctl(dfd, FICLONE, sfd) == 0)
		m = MOVER_CLONE;
	else if (sfd >= 0 && dfd >= 0 &&
		 copy_file_range(sfd, &in, dfd, &out, 1, 0) >= 0)
		m = MOVER_COPY;
	if (dfd >= 0) {
		close(dfd);
		unlinkat(droot, ".floor-probe", 0);
	}
	if (sfd >= 0)
		close(sfd);
	if (sdir >= 0)
		close(sdir);
	return m;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * RUNS passes of one kind; prints the median per file, or why the kind
 * is impossible here.  Returns 0, or -1 on an unexpected failure.
 */
static int measure(const struct tree *t, const char *src, const char *dst,
		   bool link, enum mover mover, int runs, int jobs)
{
	const char *label = link ? "linkat" : mover_label[mover];
	char root[PATH_MAX];
	double us[MAX_RUNS];
	int sroot, droot;

	sroot = open_dir(AT_FDCWD, src);
	if (sroot < 0) {
		fprintf(stderr, "floor: %s: open: %s\n", src, strerror(errno));
		return -1;
	}
	for (int r = 0; r < runs; r++) {
		const char *failed = NULL;
		int err;

		snprintf(root, sizeof(root), "%s/%s-%d", dst,
			 link ? "link" : "clone", r);
		if (make_skeleton(t, root) < 0)
			goto close_src;
		droot = open_dir(AT_FDCWD, root);
		if (droot < 0) {
			fprintf(stderr, "floor: %s: open: %s\n", root,
				strerror(errno));
			goto close_src;
		}
		us[r] = timed_pass(t, sroot, droot, link, mover, jobs, &failed);
		err = errno;
		close(droot);
		remove_tree(root);
		if (us[r] < 0) {
			/* linkat across filesystems is simply impossible. */
			if (link && r == 0 && (err == EXDEV || err == EPERM ||
					       err == EOPNOTSUPP)) {
				printf("floor %s: unavailable (%s)\n", label,
				       strerror(err));
				close(sroot);
				return 0;
			}
			fprintf(stderr, "floor: %s: %s: %s\n", root, failed,
				strerror(err));
			goto close_src;
		}
	}
	close(sroot);
	qsort(us, (size_t)runs, sizeof(us[0]), cmp_double);
	printf("floor %s: %.1f us/file (%zu files, %d thread%s)\n", label,
	       us[runs / 2] / (double)t->nfiles, t->nfiles, jobs,
	       jobs == 1 ? "" : "s");
	return 0;
close_src:
	close(sroot);
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: floor [--runs N] [--jobs N] SRC DST\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tree *t = &walk_tree;
	const char *src, *dst;
	enum mover mover;
	int runs = 3, jobs = 1, c, droot;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			runs = atoi(optarg);
			if (runs < 1 || runs > MAX_RUNS) {
				usage(stderr);
				return 2;
			}
			break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > MAX_JOBS) {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 2) {
		usage(stderr);
		return 2;
	}
	src = argv[optind];
	dst = argv[optind + 1];
	umask(0);

	walk_root_len = strlen(src);
	if (nftw(src, collect, 64, FTW_PHYS) != 0) {
		fprintf(stderr, "floor: %s: walk: %s\n", src, strerror(errno));
		return 1;
	}
	if (!t->nfiles) {
		fprintf(stderr, "floor: %s: no regular files\n", src);
		return 1;
	}
	/* One directory open per directory, as a real copy does. */
	qsort(t->files, t->nfiles, sizeof(*t->files), by_dir);
	t->groups = xrealloc(NULL, (t->nfiles + 1) * sizeof(*t->groups));
	for (size_t i = 0; i < t->nfiles; i++)
		if (i == 0 || t->files[i].dir != t->files[i - 1].dir)
			t->groups[t->ngroups++] = i;
	t->groups[t->ngroups] = t->nfiles;

	if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "floor: %s: mkdir: %s\n", dst, strerror(errno));
		return 1;
	}
	droot = open_dir(AT_FDCWD, dst);
	if (droot < 0) {
		fprintf(stderr, "floor: %s: open: %s\n", dst, strerror(errno));
		return 1;
	}
	int sroot = open_dir(AT_FDCWD, src);

	if (sroot < 0) {
		fprintf(stderr, "floor: %s: open: %s\n", src, strerror(errno));
		return 1;
	}
	mover = probe_mover(t, sroot, droot);
	close(sroot);
	close(droot);

	if (measure(t, src, dst, false, mover, runs, jobs) < 0 ||
	    measure(t, src, dst, true, mover, runs, jobs) < 0)
		return 1;

	for (size_t i = 0; i < t->ndirs; i++)
		free(t->dirs[i]);
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i].name);
	free(t->dirs);
	free(t->files);
	free(t->groups);
	return 0;
}
