// SPDX-License-Identifier: MIT
/* --chown names from the destination root: see accounts.h. */
#include "api/accounts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "roots/resolve.h"
#include "seam/sys.h"
#include "semantics/owner.h"

/*
 * Open path inside the root whose accounts count: the destination root, a
 * base root or base layer stack for a new layer, or the merged view of a
 * destination layer stack.
 */
static int open_in_accounts_root(struct stagecp_ctx *c, const char *path)
{
	const struct layers *l = c->acct_layers.root.n ? &c->acct_layers
			       : c->dst_layered ? &c->dst_layers : NULL;
	int rootfd = c->acct_fd >= 0 ? c->acct_fd : c->to_fd;
	struct layer_entry e;
	char *res;
	int r;

	if (l) {
		r = layers_resolve(&c->res, l, path, true, &e);
		if (r < 0)
			return r;
		r = e.is_dir ? -EISDIR : sys_openat(e.dirfd, e.name, SYS_O_SRC,
						    0);
		layer_entry_close(&e);
		return r;
	}
	r = resolve_root_path(&c->res, rootfd, path, true, &res);
	if (r < 0)
		return r;
	r = resolve_open(&c->res, rootfd, res, SYS_O_SRC);
	free(res);
	return r;
}

/*
 * Open an account file inside the destination root: *f stays NULL when it
 * does not exist, which owner_resolve() reports if a name needed it.
 */
static int open_account_file(struct stagecp_ctx *c, const char *path,
			     FILE **f)
{
	struct stat st;
	int fd, r;

	*f = NULL;
	fd = open_in_accounts_root(c, path);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	r = sys_fstat(fd, &st);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = -EINVAL;
	if (r == 0 && (uint64_t)st.st_size > ACCOUNTS_MAX_SIZE)
		r = -EFBIG;
	if (r == 0) {
		*f = fdopen(fd, "r");
		if (!*f)
			r = -ENOMEM;
	}
	if (r < 0)
		sys_close(fd);
	return r;
}

int accounts_resolve_owner(struct stagecp_ctx *c)
{
	static const char *const files[2] = { "/etc/passwd", "/etc/group" };
	struct owner_spec spec;
	FILE *f[2] = { NULL, NULL };
	bool needed[2];
	char err[512];
	int r;

	c->own_set = false;
	if (!c->opt.chown || !c->opt.chown[0])
		return 0;
	r = owner_parse(c->opt.chown, &spec, err, sizeof(err));
	if (r < 0) {
		report_msg(&c->rep, c->opt.chown, "parse --chown", err, false);
		return r;
	}
	needed[0] = owner_needs_passwd(&spec);
	needed[1] = owner_needs_group(&spec);
	if ((needed[0] || needed[1]) && c->acct_none) {
		report_msg(&c->rep, c->opt.chown, "chown", "a new layer has no "
			   "accounts: give --base or --base-layers to look "
			   "names up in", false);
		r = -EINVAL;
		goto close_files;
	}
	for (int i = 0; i < 2; i++) {
		if (!needed[i])
			continue;
		r = open_account_file(c, files[i], &f[i]);
		if (r < 0) {
			report(&c->rep, files[i], "open", r, false);
			goto close_files;
		}
	}
	r = owner_resolve(&spec, f[0], f[1], &c->own_uid, &c->own_gid, err,
			  sizeof(err));
	if (r < 0)
		report_msg(&c->rep, c->opt.chown, "chown", err, false);
	c->own_set = r == 0;
close_files:
	for (int i = 0; i < 2; i++)
		if (f[i])
			fclose(f[i]);
	owner_spec_free(&spec);
	return r;
}
