// SPDX-License-Identifier: MIT
/* Extended attributes: see xattr.h. */
#include "engine/xattr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/limits.h>

#include "engine/engine.h"
#include "seam/sys.h"

#define CAPABILITY_KEY "security.capability"

bool xattr_is_private(const char *key)
{
	return !strncmp(key, "trusted.overlay.", 16) ||
	       !strncmp(key, "user.overlay.", 13);
}

static ssize_t node_list(const struct node *n, char *buf, size_t len)
{
	if (n->fd >= 0)
		return sys_flistxattr(n->fd, buf, len);
	return sys_listxattrat(n->dirfd, n->name, n->at_flags, buf, len);
}

static ssize_t node_get(const struct node *n, const char *key, void *buf,
			size_t len)
{
	if (n->fd >= 0)
		return sys_fgetxattr(n->fd, key, buf, len);
	return sys_getxattrat(n->dirfd, n->name, n->at_flags, key, buf, len);
}

static int node_set(const struct node *n, const char *key, const void *val,
		    size_t len)
{
	if (n->fd >= 0)
		return sys_fsetxattr(n->fd, key, val, len, 0);
	return sys_setxattrat(n->dirfd, n->name, n->at_flags, key, val, len, 0);
}

/* The list of keys, in buf when it fits, else in *heap. */
static ssize_t list_keys(const struct node *src, char *buf, size_t len,
			 char **heap)
{
	ssize_t n = node_list(src, buf, len);

	*heap = NULL;
	while (n == -ERANGE) {
		/* The list grew or did not fit: size it, then read it. */
		n = node_list(src, NULL, 0);
		if (n <= 0)
			break;
		free(*heap);
		*heap = malloc((size_t)n);
		if (!*heap)
			return -ENOMEM;
		n = node_list(src, *heap, (size_t)n);
	}
	return n;
}

static void warn_key(struct stagecp_ctx *c, const char *path, const char *op,
		     const char *key, int err)
{
	char what[96 + XATTR_NAME_MAX];

	snprintf(what, sizeof(what), "%s xattr %s", op, key);
	report(&c->rep, path, what, err, true);
}

static void copy_key(struct stagecp_ctx *c, const struct node *src,
		     const struct node *dst, const char *key, const char *path)
{
	char small[4096];
	char *val = small;
	ssize_t n = node_get(src, key, small, sizeof(small));
	int r;

	if (n == -ERANGE) {
		val = malloc(XATTR_SIZE_MAX);
		if (!val) {
			warn_key(c, path, "read", key, -ENOMEM);
			return;
		}
		n = node_get(src, key, val, XATTR_SIZE_MAX);
	}
	if (n == -ENODATA)
		goto free_val;	/* removed since the list: nothing to copy */
	if (n < 0) {
		warn_key(c, path, "read", key, (int)n);
		goto free_val;
	}
	r = node_set(dst, key, val, (size_t)n);
	if (r < 0)
		warn_key(c, path, "set", key, r);
free_val:
	if (val != small)
		free(val);
}

int xattr_copy(struct stagecp_ctx *c, const struct node *src,
	       const struct node *dst, const char *path, bool *has_cap)
{
	char small[4096];
	char *heap, *list;
	ssize_t n = list_keys(src, small, sizeof(small), &heap);

	*has_cap = false;
	/* No xattr support on the source, or on this kernel for symlinks:
	 * there is nothing that could be copied. */
	if (n < 0)
		free(heap);
	if (n == -EOPNOTSUPP || n == -ENOSYS)
		return 0;
	if (n < 0) {
		report(&c->rep, path, "list xattrs", (int)n, true);
		return (int)n;
	}
	list = heap ? heap : small;
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		if (xattr_is_private(k))
			continue;
		if (!strcmp(k, CAPABILITY_KEY)) {
			*has_cap = true;
			continue;
		}
		copy_key(c, src, dst, k, path);
	}
	free(heap);
	return 0;
}

void xattr_copy_capability(struct stagecp_ctx *c, const struct node *src,
			   const struct node *dst, const char *path)
{
	copy_key(c, src, dst, CAPABILITY_KEY, path);
}
