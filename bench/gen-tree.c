// SPDX-License-Identifier: MIT
/*
 * gen-tree: a deterministic "monorepo build output" for the benchmark and
 * the demo.
 *
 *   gen-tree [--seed N] [--profile demo|small|monorepo|huge] [--files N]
 *            [--big-total BYTES] [--big-count N] [--no-sparse] DIR
 *
 * DIR/node_modules holds npm-like packages (20-60 small files each, some
 * nested under another package's node_modules, .bin symlinks, a few
 * in-package symlinks and hardlinks); DIR/bin holds the large binaries and
 * DIR/data/sparse.img is 1 GiB with 1 MiB of data.  Everything (names,
 * sizes, contents, modes, owners, mtimes) follows from the seed through our
 * own PRNG, so two runs with the same arguments make the same tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

/* Log-normal small files: median 2 KiB, capped at 1 MiB. */
#define SMALL_MEDIAN 2048.0
#define SMALL_SIGMA 1.0
#define SMALL_CAP MIB
#define EMPTY_PERMILLE 20
#define SPARSE_SIZE GIB
#define SPARSE_CHUNKS 16
#define SPARSE_CHUNK (64 * KIB)
#define WRITE_BUF MIB
#define BASE_MTIME 1700000000LL
#define OTHER_OWNER 1000

struct rng {
	uint64_t s[4];
};

struct profile {
	const char *name;
	uint64_t files;
	uint64_t big_total;
	uint64_t big_count;
};

static const struct profile profiles[] = {
	{ "demo", 3000, 64 * MIB, 1 },
	{ "small", 5000, 32 * MIB, 1 },
	{ "monorepo", 50000, 1024 * MIB, 4 },
	{ "huge", 1000000, 1024 * MIB, 4 },
};

struct options {
	uint64_t seed;
	uint64_t files;
	uint64_t big_total;
	uint64_t big_count;
	bool sparse;
	const char *dir;
};

struct stats {
	uint64_t files;
	uint64_t dirs;
	uint64_t symlinks;
	uint64_t hardlinks;
	uint64_t bytes;
};

struct gen {
	struct rng rng;
	struct stats st;
	bool as_root;
	unsigned char *buf;
	/* Last regular small file made: the target of the next hardlink. */
	char last_file[PATH_MAX];
	/* Packages that may receive a nested node_modules. */
	char parent_pkg[PATH_MAX];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: fast, and good enough to shape a file tree. */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double rng_normal(struct rng *r)
{
	double u1 = rng_unit(r), u2 = rng_unit(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static uint64_t small_size(struct rng *r)
{
	double v;

	if (rng_below(r, 1000) < EMPTY_PERMILLE)
		return 0;
	v = exp(log(SMALL_MEDIAN) + SMALL_SIGMA * rng_normal(r));
	if (v < 1)
		v = 1;
	if (v > SMALL_CAP)
		v = SMALL_CAP;
	return (uint64_t)v;
}

static void fill(struct rng *r, unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = rng_next(r);

		memcpy(buf + i, &v, 8);
	}
	if (i < len) {
		uint64_t v = rng_next(r);

		memcpy(buf + i, &v, len - i);
	}
}

static void die(const char *path, const char *what)
{
	fprintf(stderr, "gen-tree: %s: %s: %s\n", path, what, strerror(errno));
	exit(1);
}

/* snprintf into a PATH_MAX buffer; a path that does not fit is fatal. */
__attribute__((format(printf, 2, 3)))
static void pathf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		fprintf(stderr, "gen-tree: %s...: path too long\n", buf);
		exit(1);
	}
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void set_times_fd(struct gen *g, int fd, const char *path)
{
	struct timespec ts[2];

	ts[1].tv_sec = BASE_MTIME + (time_t)rng_below(&g->rng, 10000000);
	ts[1].tv_nsec = (long)rng_below(&g->rng, 1000000000);
	ts[0] = ts[1];
	if (futimens(fd, ts) < 0)
		die(path, "futimens");
}

static void make_dir(struct gen *g, const char *path)
{
	if (mkdir(path, 0755) == 0) {
		g->st.dirs++;
		return;
	}
	if (errno != EEXIST)
		die(path, "mkdir");
}

/* mkdir -p for the parents of PATH (PATH itself excluded). */
static void make_parents(struct gen *g, const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	pathf(tmp, "%s", path);
	for (p = strchr(tmp + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		make_dir(g, tmp);
		*p = '/';
	}
}

/* mkdir -p DIR: the tree's root and its parents, not counted. */
static void make_root(const char *dir)
{
	char tmp[PATH_MAX];

	pathf(tmp, "%s/", dir);
	for (char *p = strchr(tmp + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			die(tmp, "mkdir");
		*p = '/';
	}
}

static void make_file(struct gen *g, const char *path, uint64_t size,
		      mode_t mode, bool other_owner)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			  O_NOFOLLOW, mode);

	if (fd < 0)
		die(path, "create");
	for (uint64_t done = 0; done < size;) {
		size_t n = size - done > WRITE_BUF ? WRITE_BUF
						   : (size_t)(size - done);

		fill(&g->rng, g->buf, n);
		if (write_all(fd, g->buf, n) < 0)
			die(path, "write");
		done += n;
	}
	if (fchmod(fd, mode) < 0)
		die(path, "fchmod");
	if (other_owner && g->as_root &&
	    fchown(fd, OTHER_OWNER, OTHER_OWNER) < 0)
		die(path, "fchown");
	set_times_fd(g, fd, path);
	if (close(fd) < 0)
		die(path, "close");
	g->st.files++;
	g->st.bytes += size;
}

static void make_symlink(struct gen *g, const char *target, const char *path)
{
	struct timespec ts[2];

	if (symlink(target, path) < 0) {
		if (errno == EEXIST)
			return;
		die(path, "symlink");
	}
	ts[1].tv_sec = BASE_MTIME + (time_t)rng_below(&g->rng, 10000000);
	ts[1].tv_nsec = (long)rng_below(&g->rng, 1000000000);
	ts[0] = ts[1];
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0)
		die(path, "utimensat");
	g->st.symlinks++;
}

static void make_hardlink(struct gen *g, const char *target, const char *path)
{
	if (link(target, path) < 0)
		die(path, "link");
	g->st.hardlinks++;
}

static const char *const words[] = {
	"core", "util", "parse", "format", "stream", "buffer", "event",
	"async", "promise", "path", "glob", "match", "string", "array",
	"object", "color", "chalk", "debug", "semver", "yaml", "json",
	"http", "url", "query", "crypto", "hash", "date", "time", "lodash",
	"react", "dom", "babel", "plugin", "preset", "loader", "webpack",
	"rollup", "esbuild", "types", "schema", "config", "cli", "logger",
	"cache", "queue", "tree", "graph", "lexer", "token", "ast",
};

#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char *const subdirs[] = {
	"lib", "lib/internal", "lib/utils", "dist", "dist/esm", "dist/cjs",
	"types", "src", "src/core", "src/core/helpers", "build/Release",
	"esm/locale", "test/fixtures",
};

#define NSUBDIRS (sizeof(subdirs) / sizeof(subdirs[0]))

static const char *const exts[] = {
	".js", ".js", ".js", ".mjs", ".cjs", ".d.ts", ".js.map", ".json",
	".md", ".node",
};

#define NEXTS (sizeof(exts) / sizeof(exts[0]))

static const char *word(struct gen *g)
{
	return words[rng_below(&g->rng, NWORDS)];
}

/*
 * One package of NFILES small files named NAME at PKGDIR, which lies below
 * the node_modules directory NMDIR (paths relative to the tree's root, the
 * cwd).
 */
static void make_package(struct gen *g, const char *nmdir, const char *pkgdir,
			 const char *name, uint64_t nfiles, uint64_t index)
{
	const char *chosen[6];
	unsigned nchosen = (unsigned)rng_range(&g->rng, 2, 6);
	bool other_owner = index % 10 == 3;
	char path[PATH_MAX], target[PATH_MAX];
	uint64_t made = 0;

	make_parents(g, pkgdir);
	make_dir(g, pkgdir);
	for (unsigned i = 0; i < nchosen; i++) {
		chosen[i] = subdirs[rng_below(&g->rng, NSUBDIRS)];
		pathf(path, "%s/%s", pkgdir, chosen[i]);
		make_parents(g, path);
		make_dir(g, path);
	}

	static const char *const fixed[] = { "package.json", "README.md",
					     "LICENSE", "index.js" };
	for (unsigned i = 0; i < 4 && made < nfiles; i++, made++) {
		pathf(path, "%s/%s", pkgdir, fixed[i]);
		make_file(g, path, small_size(&g->rng), 0644, other_owner);
	}

	/* Every 8th package ships a command, linked from node_modules/.bin. */
	if (index % 8 == 5 && made < nfiles) {
		pathf(path, "%s/bin", pkgdir);
		make_dir(g, path);
		pathf(path, "%s/bin/%s", pkgdir, name);
		make_file(g, path, small_size(&g->rng), 0755, other_owner);
		made++;
		pathf(path, "%s/.bin", nmdir);
		make_dir(g, path);
		/* Relative, as npm makes them: ../<pkg under nmdir>/bin/x */
		pathf(target, "../%s/bin/%s", pkgdir + strlen(nmdir) + 1,
		      name);
		pathf(path, "%s/.bin/%s", nmdir, name);
		make_symlink(g, target, path);
	}

	/* Every 5th package has an in-package symlink (file or dir). */
	if (index % 5 == 2) {
		pathf(path, "%s/index.mjs", pkgdir);
		make_symlink(g, "index.js", path);
		pathf(path, "%s/current", pkgdir);
		pathf(target, "%s", chosen[0]);
		make_symlink(g, target, path);
	}

	while (made < nfiles) {
		const char *sub = chosen[rng_below(&g->rng, nchosen)];

		pathf(path, "%s/%s/%s-%s-%" PRIu64 "%s", pkgdir, sub,
		      word(g), word(g), made,
		      exts[rng_below(&g->rng, NEXTS)]);
		make_file(g, path, small_size(&g->rng), 0644, other_owner);
		made++;
		/* A few hardlinks, as a deduplicating package manager makes. */
		if (g->last_file[0] && rng_below(&g->rng, 1000) == 0) {
			pathf(target, "%s/%s/dedupe-%" PRIu64 ".js", pkgdir,
			      sub, made);
			make_hardlink(g, g->last_file, target);
		}
		pathf(g->last_file, "%s", path);
	}
}

static void make_packages(struct gen *g, uint64_t nfiles)
{
	uint64_t index = 0;
	uint64_t hardlinks_wanted = nfiles >= 1000 ? 3 : 0;

	make_dir(g, "node_modules");
	while (nfiles) {
		uint64_t n = rng_range(&g->rng, 20, 60);
		char name[PATH_MAX], pkgdir[PATH_MAX], nmdir[PATH_MAX];

		if (n > nfiles)
			n = nfiles;
		pathf(name, "%s-%s-%" PRIu64, word(g), word(g), index);
		/*
		 * One package in ten nests under an earlier one, as npm does
		 * for conflicting versions; a few go under an @scope.
		 */
		if (g->parent_pkg[0] && rng_below(&g->rng, 10) == 0) {
			pathf(nmdir, "%s/node_modules", g->parent_pkg);
			pathf(pkgdir, "%s/%s", nmdir, name);
		} else if (rng_below(&g->rng, 12) == 0) {
			pathf(nmdir, "node_modules");
			pathf(pkgdir, "%s/@%s/%s", nmdir, word(g), name);
		} else {
			pathf(nmdir, "node_modules");
			pathf(pkgdir, "%s/%s", nmdir, name);
			pathf(g->parent_pkg, "%s", pkgdir);
		}
		make_package(g, nmdir, pkgdir, name, n, index);
		nfiles -= n;
		index++;
	}

	/* Small trees may roll no hardlink at all: make the promised few. */
	for (uint64_t i = g->st.hardlinks; i < hardlinks_wanted; i++) {
		char path[PATH_MAX];

		pathf(path, "node_modules/dedupe-%" PRIu64 ".js", i);
		make_hardlink(g, g->last_file, path);
	}
}

static void make_big_files(struct gen *g, uint64_t total, uint64_t count)
{
	char path[PATH_MAX];

	if (!count)
		return;
	make_dir(g, "bin");
	for (uint64_t i = 0; i < count; i++) {
		uint64_t size = total / count;

		if (i == count - 1)
			size = total - size * (count - 1);
		pathf(path, "bin/app-%" PRIu64, i);
		make_file(g, path, size, 0755, false);
	}
}

/* 1 GiB apparent size, SPARSE_CHUNKS chunks of data spread over it. */
static void make_sparse_file(struct gen *g)
{
	const char *path = "data/sparse.img";
	uint64_t stride = SPARSE_SIZE / SPARSE_CHUNKS;
	int fd;

	make_dir(g, "data");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		die(path, "create");
	if (ftruncate(fd, (off_t)SPARSE_SIZE) < 0)
		die(path, "ftruncate");
	for (uint64_t i = 0; i < SPARSE_CHUNKS; i++) {
		fill(&g->rng, g->buf, SPARSE_CHUNK);
		if (pwrite(fd, g->buf, SPARSE_CHUNK,
			   (off_t)(i * stride + stride / 2)) != SPARSE_CHUNK)
			die(path, "pwrite");
	}
	set_times_fd(g, fd, path);
	if (close(fd) < 0)
		die(path, "close");
	g->st.files++;
	g->st.bytes += SPARSE_SIZE;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k': v *= KIB; end++; break;
	case 'M': case 'm': v *= MIB; end++; break;
	case 'G': case 'g': v *= GIB; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static const char usage_text[] =
	"usage: gen-tree [--seed N] [--profile demo|small|monorepo|huge]\n"
	"                [--files N] [--big-total BYTES] [--big-count N]\n"
	"                [--no-sparse] DIR\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "files", required_argument, NULL, 'f' },
		{ "big-total", required_argument, NULL, 't' },
		{ "big-count", required_argument, NULL, 'c' },
		{ "no-sparse", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct profile *prof = &profiles[2];
	bool set_files = false, set_total = false, set_count = false;
	uint64_t files = 0, total = 0, count = 0;
	int c;

	o->seed = 1;
	o->sparse = true;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_u64(optarg, &o->seed) < 0)
				goto bad;
			break;
		case 'p':
			prof = NULL;
			for (size_t i = 0; i < 4; i++)
				if (strcmp(optarg, profiles[i].name) == 0)
					prof = &profiles[i];
			if (!prof)
				goto bad;
			break;
		case 'f':
			if (parse_u64(optarg, &files) < 0)
				goto bad;
			set_files = true;
			break;
		case 't':
			if (parse_u64(optarg, &total) < 0)
				goto bad;
			set_total = true;
			break;
		case 'c':
			if (parse_u64(optarg, &count) < 0)
				goto bad;
			set_count = true;
			break;
		case 'n':
			o->sparse = false;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind != argc - 1)
		goto bad;
	o->dir = argv[optind];
	o->files = set_files ? files : prof->files;
	o->big_total = set_total ? total : prof->big_total;
	o->big_count = set_count ? count : prof->big_count;
	if (o->big_total && !o->big_count)
		o->big_count = 1;
	return;
bad:
	usage(stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o;
	struct gen g = { 0 };

	parse_args(argc, argv, &o);
	/* Modes must come out exactly as asked. */
	umask(0);
	g.as_root = geteuid() == 0;
	g.buf = malloc(WRITE_BUF);
	if (!g.buf) {
		fprintf(stderr, "gen-tree: out of memory\n");
		return 1;
	}
	make_root(o.dir);
	if (chdir(o.dir) < 0)
		die(o.dir, "chdir");

	/*
	 * Separate streams per part, so --no-sparse or another --big-total
	 * leaves the small files exactly as they were.
	 */
	rng_seed(&g.rng, o.seed);
	make_file(&g, "package.json", small_size(&g.rng), 0644, false);
	make_packages(&g, o.files > 1 ? o.files - 1 : 0);
	rng_seed(&g.rng, o.seed ^ 0xb16b16b16ULL);
	make_big_files(&g, o.big_total, o.big_count);
	rng_seed(&g.rng, o.seed ^ 0x5ba125eULL);
	if (o.sparse)
		make_sparse_file(&g);

	printf("gen-tree: %s: %" PRIu64 " entries (%" PRIu64 " files, %"
	       PRIu64 " dirs, %" PRIu64 " symlinks, %" PRIu64
	       " hardlinks), %" PRIu64 " bytes\n",
	       o.dir, g.st.files + g.st.dirs + g.st.symlinks + g.st.hardlinks,
	       g.st.files, g.st.dirs, g.st.symlinks, g.st.hardlinks,
	       g.st.bytes);
	free(g.buf);
	return 0;
}
