// SPDX-License-Identifier: MIT
/* A destination directory: see dst_dir.h. */
#include "engine/dst_dir.h"

#include "engine/engine.h"
#include "seam/sys.h"

int dst_dir_init(struct stagecp_ctx *c, struct dst_dir *d, int fd,
		 const char *path)
{
	struct stat st;
	int r = sys_fstat(fd, &st);

	if (r < 0) {
		report(&c->rep, path, "stat", r, false);
		return r;
	}
	d->fd = fd;
	d->dev = st.st_dev;
	/* A setgid directory hands its group to new entries. */
	d->child_gid = st.st_mode & S_ISGID ? st.st_gid : c->egid;
	return 0;
}
