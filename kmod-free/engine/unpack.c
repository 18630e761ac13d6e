// SPDX-License-Identifier: MIT
/*
 * ADD of a local tar archive (see unpack.h).  libarchive reads the
 * archive; every entry is written by this unit through the syscall seam,
 * below a directory fd that acts as the root, so the archive's names and
 * symlinks can never reach outside it.
 */
#include "engine/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "engine/engine.h"
#include "engine/remove.h"
#include "roots/resolve.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"

#define UNPACK_BLOCK 65536

static struct archive *reader_open(int fd)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	/* The compressions BuildKit's DecompressStream knows. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, UNPACK_BLOCK) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int unpack_probe(int fd)
{
	struct archive *a = reader_open(fd);
	struct archive_entry *e;
	int r;

	if (!a)
		return 0;
	r = archive_read_next_header(a, &e);
	archive_read_free(a);
	return r == ARCHIVE_OK || r == ARCHIVE_WARN;
}

/*
 * Does p climb out of the root when joined below a directory depth levels
 * deep?  filepath.Join keeps an absolute p below the directory too.
 */
static bool climbs_out(const char *p, long depth)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2)) {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && *p == '.')) {
			depth++;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return false;
}

static long depth_of(const char *clean)
{
	long d = 0;

	for (; *clean; clean++)
		d += *clean == '/' && clean[1];
	return d;
}

/* A directory whose times are set once its contents are in. */
struct dir_time {
	char *path;
	struct timespec ts[2];
};

struct unpack {
	struct stagecp_ctx *c;
	int dfd;
	const char *src;
	const char *dest;
	struct dir_time *dirs;
	size_t ndirs;
	char *shown_src;	/* "archive.tar:entry", for reports */
	char *shown_dst;	/* dest joined with the entry */
};

/* The directory that holds clean, made when missing; an fd or -errno. */
static int open_parent(struct unpack *u, const char *clean)
{
	struct stagecp_ctx *c = u->c;
	struct mkdir_attr attr = {
		.mode = 0755,
		.chown = c->own_set,
		.uid = c->own_uid,
		.gid = c->own_gid,
	};
	char *dir = path_dir(clean), *res = NULL, *failed = NULL;
	int r;

	if (!dir)
		return -ENOMEM;
	r = resolve_root_path(&c->res, u->dfd, dir, true, &res);
	free(dir);
	if (r == 0)
		r = resolve_mkdirs(&c->res, u->dfd, res, &attr, &failed);
	free(res);
	free(failed);
	return r;
}

/* Write the data of the current entry into fd. */
static int write_data(struct archive *a, int fd)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		const char *p = buf;

		while (len > 0) {
			ssize_t n = sys_pwrite(fd, p, len, (off_t)off);

			if (n < 0)
				return (int)n;
			p += n;
			len -= (size_t)n;
			off += n;
		}
	}
	return r == ARCHIVE_EOF ? 0 : -EIO;
}

/* The entry's owner: the archive's, or --chown's. */
static void entry_owner(const struct unpack *u, struct archive_entry *e,
			uid_t *uid, gid_t *gid)
{
	*uid = u->c->own_set ? u->c->own_uid : (uid_t)archive_entry_uid(e);
	*gid = u->c->own_set ? u->c->own_gid : (gid_t)archive_entry_gid(e);
}

static int set_meta(struct unpack *u, struct archive_entry *e, int pfd,
		    const char *base, const char *clean, mode_t type)
{
	struct timespec ts[2] = {
		{ archive_entry_atime(e), archive_entry_atime_nsec(e) },
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
	};
	uid_t uid;
	gid_t gid;
	int r;

	if (!archive_entry_atime_is_set(e))
		ts[0] = ts[1];
	entry_owner(u, e, &uid, &gid);
	r = sys_fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
	/* Without CAP_CHOWN the caller keeps the entries, as tar does. */
	if (r == -EPERM && uid == u->c->euid && gid == u->c->egid)
		r = 0;
	if (r == -EPERM && !u->c->own_set)
		r = 0;
	if (r)
		return r;
	if (type != AE_IFLNK) {
		r = sys_fchmodat_nofollow(pfd, base,
					  archive_entry_perm(e) & 07777);
		if (r)
			return r;
	}
	if (type == AE_IFDIR) {
		struct dir_time *n = realloc(u->dirs, (u->ndirs + 1) *
					     sizeof(*n));

		if (!n)
			return -ENOMEM;
		u->dirs = n;
		n[u->ndirs].path = strdup(clean);
		if (!n[u->ndirs].path)
			return -ENOMEM;
		memcpy(n[u->ndirs++].ts, ts, sizeof(ts));
		return 0;
	}
	return sys_utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
}

/* A hard link's target, resolved inside the root: its parent and name. */
static int link_target(struct unpack *u, const char *target, int *tfd,
		       char **tbase)
{
	char *clean = path_clean(target), *dir, *res = NULL;
	int r;

	if (!clean)
		return -ENOMEM;
	dir = path_dir(clean);
	r = dir ? resolve_root_path(&u->c->res, u->dfd, dir, true, &res) : -ENOMEM;
	if (r == 0) {
		r = resolve_open(&u->c->res, u->dfd, res, O_RDONLY | O_DIRECTORY);
		if (r >= 0) {
			*tfd = r;
			*tbase = strdup(path_base(clean));
			if (!*tbase) {
				sys_close(r);
				r = -ENOMEM;
			}
		}
	}
	free(dir);
	free(res);
	free(clean);
	return r < 0 ? r : 0;
}

static enum stagecp_entry_type entry_type(mode_t type, bool hardlink)
{
	if (hardlink)
		return STAGECP_ENTRY_HARDLINK;
	switch (type) {
	case AE_IFDIR:
		return STAGECP_ENTRY_DIR;
	case AE_IFLNK:
		return STAGECP_ENTRY_SYMLINK;
	case AE_IFIFO:
		return STAGECP_ENTRY_FIFO;
	case AE_IFCHR:
		return STAGECP_ENTRY_CHR;
	case AE_IFBLK:
		return STAGECP_ENTRY_BLK;
	default:
		return STAGECP_ENTRY_FILE;
	}
}

/* Create one entry below pfd. */
static int create_entry(struct unpack *u, struct archive *a,
			struct archive_entry *e, int pfd, const char *base,
			mode_t type, const char *hardlink)
{
	int r, fd, tfd = -1;
	char *tbase = NULL;

	if (hardlink) {
		r = link_target(u, hardlink, &tfd, &tbase);
		if (r)
			return r;
		r = sys_linkat(tfd, tbase, pfd, base, 0);
		sys_close(tfd);
		free(tbase);
		return r;
	}
	switch (type) {
	case AE_IFDIR:
		r = sys_mkdirat(pfd, base, 0700);
		return r == -EEXIST ? 0 : r;
	case AE_IFLNK:
		return sys_symlinkat(archive_entry_symlink(e), pfd, base);
	case AE_IFIFO:
	case AE_IFCHR:
	case AE_IFBLK:
		return sys_mknodat(pfd, base, type | 0600,
				   archive_entry_rdev(e));
	case AE_IFREG:
		fd = sys_openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL |
				O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return fd;
		r = write_data(a, fd);
		if (r == 0)
			r = sys_ftruncate(fd, (off_t)archive_entry_size(e));
		sys_close(fd);
		if (r)
			sys_unlinkat(pfd, base, 0);
		return r;
	default:
		return -EOPNOTSUPP;
	}
}

/* One archive entry: checked, its place made ready, created. */
static int extract_entry(struct unpack *u, struct archive *a,
			 struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	char *clean = NULL, *parent = NULL;
	const char *base, *why = NULL;
	struct stat st;
	int pfd = -1, r;

	if (!name || climbs_out(name, 0))
		why = "the entry's name climbs out of the destination";
	else if (hardlink && climbs_out(hardlink, 0))
		why = "the hard link's target is outside the destination";
	if (!why) {
		clean = path_clean(name);
		parent = clean ? path_dir(clean) : NULL;
		if (!parent) {
			r = -ENOMEM;
			goto free_names;
		}
		if (!hardlink && type == AE_IFLNK &&
		    climbs_out(archive_entry_symlink(e) ?
			       archive_entry_symlink(e) : "",
			       depth_of(parent)))
			why = "the symlink's target is outside the "
			      "destination";
	}
	free(u->shown_src);
	free(u->shown_dst);
	u->shown_src = NULL;
	u->shown_dst = NULL;
	if (asprintf(&u->shown_src, "%s:%s", u->src, name ? name : "") < 0 ||
	    !(u->shown_dst = path_join_clean(u->dest, clean ? clean : "/"))) {
		r = -ENOMEM;
		goto free_names;
	}
	if (why) {
		report_errmsg(&u->c->rep, u->shown_src, "extract", -EXDEV, why,
			      false);
		r = -EXDEV;
		goto free_names;
	}
	if (type == AE_IFSOCK) {
		r = 0;
		goto free_names;
	}
	base = path_base(clean);
	if (u->c->opt.flags & STAGECP_F_DRY_RUN) {
		note_entry(u->c, u->shown_src, u->shown_dst,
			   entry_type(type, hardlink), STAGECP_METHOD_NONE,
			   (uint64_t)archive_entry_size(e));
		r = 0;
		goto free_names;
	}
	if (!*base) {
		/* The archive's "./": the destination itself. */
		r = set_meta(u, e, u->dfd, ".", "/", AE_IFDIR);
		goto report_failure;
	}
	pfd = open_parent(u, clean);
	if (pfd < 0) {
		r = pfd;
		goto report_failure;
	}
	r = sys_fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW);
	if (r == 0 && !(S_ISDIR(st.st_mode) && type == AE_IFDIR && !hardlink))
		r = remove_tree_at(pfd, base);
	else if (r == -ENOENT)
		r = 0;
	if (r == 0)
		r = create_entry(u, a, e, pfd, base, type, hardlink);
	if (r == 0 && !hardlink)
		r = set_meta(u, e, pfd, base, clean, type);
	if (r == 0)
		note_entry(u->c, u->shown_src, u->shown_dst,
			   entry_type(type, hardlink),
			   type == AE_IFREG && !hardlink ?
				   STAGECP_METHOD_READ_WRITE :
				   STAGECP_METHOD_NONE,
			   type == AE_IFREG ? (uint64_t)archive_entry_size(e)
					    : 0);
report_failure:
	if (r)
		report(&u->c->rep, u->shown_dst, "extract", r, false);
free_names:
	if (pfd >= 0)
		sys_close(pfd);
	free(clean);
	free(parent);
	return r;
}

/* Directory times, deepest last-made first, once everything is in. */
static int set_dir_times(struct unpack *u)
{
	int first = 0;

	for (size_t i = u->ndirs; i-- > 0;) {
		struct dir_time *d = &u->dirs[i];
		char *res = NULL;
		int r, fd;

		r = resolve_root_path(&u->c->res, u->dfd, d->path, true, &res);
		fd = r ? r : resolve_open(&u->c->res, u->dfd, res,
					  O_RDONLY | O_DIRECTORY);
		r = fd < 0 ? fd : sys_futimens(fd, d->ts);
		if (fd >= 0)
			sys_close(fd);
		if (r) {
			report(&u->c->rep, d->path, "set times", r, false);
			if (!first)
				first = r;
		}
		free(res);
	}
	return first;
}

int unpack_archive(struct stagecp_ctx *c, int fd, const char *src, int dfd,
		   const char *dest)
{
	struct unpack u = { .c = c, .dfd = dfd, .src = src, .dest = dest };
	struct archive *a = reader_open(fd);
	struct archive_entry *e;
	int r = 0, first = 0, ar = ARCHIVE_EOF;

	if (!a) {
		report_msg(&c->rep, src, "open archive", "libarchive could not "
			   "open it", false);
		return -EIO;
	}
	while (!engine_cancelled(c) &&
	       ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
		ar == ARCHIVE_WARN)) {
		r = extract_entry(&u, a, e);
		if (r == -ENOMEM)
			break;
		if (r && !first)
			first = r;
	}
	if (!engine_cancelled(c) && r != -ENOMEM && ar != ARCHIVE_EOF &&
	    ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
		report_msg(&c->rep, src, "read archive",
			   archive_error_string(a) ? archive_error_string(a)
						   : "unreadable", false);
		if (!first)
			first = -EIO;
	}
	r = set_dir_times(&u);
	if (r && !first)
		first = r;
	for (size_t i = 0; i < u.ndirs; i++)
		free(u.dirs[i].path);
	free(u.dirs);
	free(u.shown_src);
	free(u.shown_dst);
	archive_read_free(a);
	return first;
}
