// SPDX-License-Identifier: MIT
/* Metadata of a copied entry: see meta.h. */
#include "engine/meta.h"

#include <errno.h>
#include <fcntl.h>

#include "engine/engine.h"
#include "engine/xattr.h"
#include "seam/sys.h"

/* What a copied entry gets: the source's, or --chown's and --chmod's. */
struct meta_want {
	uid_t uid;
	gid_t gid;
	mode_t mode;		/* 07777 bits */
};

static struct meta_want meta_want(const struct stagecp_ctx *c,
				  const struct stat *sst)
{
	return (struct meta_want){
		.uid = c->own_set ? c->own_uid : sst->st_uid,
		.gid = c->own_set ? c->own_gid : sst->st_gid,
		.mode = modespec_apply(&c->mode, sst->st_mode,
				       S_ISDIR(sst->st_mode)) & 07777,
	};
}

bool meta_changes(const struct stagecp_ctx *c, const struct stat *sst)
{
	struct meta_want want = meta_want(c, sst);

	return want.uid != sst->st_uid || want.gid != sst->st_gid ||
	       want.mode != (sst->st_mode & 07777);
}

static int set_owner(struct stagecp_ctx *c, const struct meta_want *want,
		     const struct node *dst, const struct meta_now *now,
		     const char *path, bool *changed)
{
	int r;

	*changed = false;
	if (want->uid == now->uid && want->gid == now->gid)
		return 0;
	if (flag_get(&c->chown_failed))
		return 0;
	if (dst->fd >= 0)
		r = sys_fchown(dst->fd, want->uid, want->gid);
	else
		r = sys_fchownat(dst->dirfd, dst->name, want->uid, want->gid,
				 dst->at_flags);
	/*
	 * Without CAP_CHOWN the entries keep the caller's ids, as cp -a does
	 * for a user: say so once, not once per file.
	 */
	if (r == -EPERM && c->euid != 0) {
		if (!__atomic_exchange_n(&c->chown_failed, true,
					 __ATOMIC_RELAXED))
			report(&c->rep, path, "keep ownership (entries stay owned "
			       "by the caller)", r, true);
		return 0;
	}
	if (r < 0) {
		report(&c->rep, path, "chown", r, false);
		return r;
	}
	*changed = true;
	return 0;
}

static int set_mode(struct stagecp_ctx *c, const struct stat *sst,
		    const struct meta_want *w, const struct node *dst,
		    const struct meta_now *now, bool chowned, const char *path)
{
	mode_t want = w->mode;
	int r;

	if (S_ISLNK(sst->st_mode))
		return 0;
	/* chown cleared setuid/setgid: put them back. */
	if (want == now->mode && !(chowned && (want & (S_ISUID | S_ISGID))))
		return 0;
	if (dst->fd >= 0)
		r = sys_fchmod(dst->fd, want);
	else
		r = sys_fchmodat_nofollow(dst->dirfd, dst->name, want);
	if (r < 0)
		report(&c->rep, path, "chmod", r, false);
	return r;
}

int meta_apply_times(struct stagecp_ctx *c, const struct stat *sst,
		     const struct node *dst, const char *path)
{
	const struct timespec ts[2] = { sst->st_atim, sst->st_mtim };
	int r;

	if (dst->fd >= 0)
		r = sys_futimens(dst->fd, ts);
	else
		r = sys_utimensat(dst->dirfd, dst->name, ts,
				  AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		report(&c->rep, path, "set times", r, false);
	return r;
}

int meta_apply(struct stagecp_ctx *c, const struct stat *sst,
	       const struct node *src, const struct node *dst,
	       const struct meta_now *now, const char *path)
{
	struct meta_want want = meta_want(c, sst);
	bool chowned, has_cap;
	int r;

	/*
	 * The plain xattrs first, while the entry is still the caller's: a
	 * user.* key needs write permission on it, which a process with
	 * CAP_FOWNER but no CAP_DAC_OVERRIDE loses once it is chowned away.
	 * chown and chmod leave them alone.
	 */
	xattr_copy(c, src, dst, path, &has_cap);
	r = set_owner(c, &want, dst, now, path, &chowned);
	if (r == 0)
		r = set_mode(c, sst, &want, dst, now, chowned, path);
	/* After chown and chmod: chown drops a file capability. */
	if (r == 0 && has_cap)
		xattr_copy_capability(c, src, dst, path);
	if (r == 0)
		r = meta_apply_times(c, sst, dst, path);
	return r;
}
