/* SPDX-License-Identifier: MIT */
/*
 * Overlay layer stacks read without mounting them: the merged view that
 * overlayfs would show, computed from the layer directories themselves, so
 * files are read from their real layer and can be cloned.
 *
 * The rules, from the kernel's Documentation/filesystems/overlayfs.rst:
 * directories with one name merge across layers; the topmost non-directory
 * wins and hides everything below it; a whiteout (a character device 0/0,
 * or a zero-size regular file with the xattr "overlay.whiteout" inside a
 * directory whose "overlay.opaque" is "x") hides the name below it and is
 * never shown; a directory whose "overlay.opaque" is "y" stops the merge
 * below it.  The xattrs are trusted.overlay.*, or user.overlay.* for a
 * stack mounted with userxattr.  Redirects (redirect_dir) and metacopy
 * files are not modelled: meeting one is an error.
 */
#ifndef STAGECP_LAYERS_H
#define STAGECP_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "seam/dirnames.h"

struct resolver;

/* At most this many layers, as overlayfs allows. */
#define LAYERS_MAX 500

/* One directory of the merged view: the layer directories that merge into
 * it, topmost first. */
struct layer_dir {
	int *fd;		/* O_RDONLY|O_DIRECTORY, owned */
	size_t *layer;		/* the stack's layer each one is in */
	size_t n;
};

/* A stack: the layer roots, topmost first. */
struct layers {
	struct layer_dir root;
	bool user;		/* user.overlay.* xattrs */
	char **paths;		/* for messages */
	/*
	 * The stack's own mount, when the engine chose to read a mounted
	 * overlay's layers: what the engine does not model (redirects,
	 * metacopy) is then read through it instead of refused.  -1: none.
	 */
	int mount_fd;
};

/*
 * Open the layer directories (paths, topmost first) as a stack.  Failures
 * are reported.  Returns 0 or a negative errno.
 */
int layers_open(struct resolver *rv, struct layers *l,
		const char *const *paths, size_t n, bool user);
void layers_close(struct layers *l);
void layer_dir_close(struct layer_dir *d);

/*
 * The merged listing of d: every visible name once, its layer byte the
 * index (in d) of the layer directory that provides it.  Whiteouts and
 * the names they hide are left out.  Sorted by name.
 */
int layers_list(struct resolver *rv, const struct layers *l,
		const struct layer_dir *d, struct dir_names *out,
		const char *path);

/*
 * The merged directory name of d, whose topmost layer is d->fd[top]: the
 * layer directories of that name from top down, until an opaque one, a
 * non-directory or a whiteout.  -ENOTDIR when the topmost is not a
 * directory; -EOPNOTSUPP (reported) for a redirect.
 */
int layers_open_dir(struct resolver *rv, const struct layers *l,
		    const struct layer_dir *d, size_t top, const char *name,
		    struct layer_dir *out, const char *path);

/*
 * The topmost visible entry name of the merged directory d: its index in
 * d (lstat in *st), or -ENOENT when there is none or a whiteout hides it.
 */
int layers_lookup(const struct layers *l, const struct layer_dir *d,
		  const char *name, struct stat *st);

/*
 * Expand the symlinks of path in the merged view, as resolve_root_path()
 * does in a plain root: *out is the clean path with every existing symlink
 * expanded and the missing rest kept as written.
 */
int layers_resolve_path(struct resolver *rv, const struct layers *l,
			const char *path, bool follow_last, char **out);

/* Set (or test) "overlay.opaque" = "y" on a directory fd. */
int layers_set_opaque(const struct layers *l, int fd);

/* A merged directory of one directory fd, which it takes over (closing it
 * on failure). */
int layer_dir_single(struct layer_dir *d, int fd);

/*
 * Open the merged path through the stack's mount (l->mount_fd), with
 * flags: for what the layers cannot show.  -EOPNOTSUPP without a mount.
 */
int layers_open_in_mount(struct resolver *rv, const struct layers *l,
			 const char *path, int flags);

/* Whether the regular file fd is a metacopy (data in another layer). */
bool layers_is_metacopy(const struct layers *l, int fd);

/* Where a path of the merged view ends: a directory or a non-directory. */
struct layer_entry {
	bool is_dir;
	struct layer_dir dir;	/* is_dir: its layer directories */
	int dirfd;		/* else: the layer directory holding it */
	char name[256];
};

/*
 * Resolve path in the merged view, following symlinks as if the merged root
 * were "/" (the last one too when follow_last).  -ENOENT when it does not
 * exist, -ELOOP past the symlink limit.
 */
int layers_resolve(struct resolver *rv, const struct layers *l,
		   const char *path, bool follow_last, struct layer_entry *e);
void layer_entry_close(struct layer_entry *e);

#endif
