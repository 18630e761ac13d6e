// SPDX-License-Identifier: MIT
/* Removing a subtree by directory fd: see remove.h. */
#include "engine/remove.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seam/dirnames.h"
#include "seam/sys.h"

/* One directory being emptied. */
struct rm_frame {
	int parent;		/* fd of the directory holding it */
	char *name;
	int fd;
	struct dir_names names;
	size_t next;
};

static int rm_push(struct rm_frame **stack, size_t *depth, size_t *cap,
		   int parent, const char *name)
{
	struct rm_frame *f;
	int r;

	if (*depth == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct rm_frame *s = realloc(*stack, n * sizeof(*s));

		if (!s)
			return -ENOMEM;
		*stack = s;
		*cap = n;
	}
	f = &(*stack)[*depth];
	memset(f, 0, sizeof(*f));
	f->parent = parent;
	f->name = strdup(name);
	if (!f->name)
		return -ENOMEM;
	f->fd = sys_openat(parent, name, O_RDONLY | O_DIRECTORY | SYS_O_BASE,
			   0);
	r = f->fd < 0 ? f->fd : dir_names_read(&f->names, f->fd);
	if (r < 0) {
		if (f->fd >= 0)
			sys_close(f->fd);
		dir_names_free(&f->names);
		free(f->name);
		return r;
	}
	(*depth)++;
	return 0;
}

int remove_tree_at(int dirfd, const char *name)
{
	struct rm_frame *stack = NULL;
	size_t depth = 0, cap = 0;
	int r = sys_unlinkat(dirfd, name, 0);

	if (r != -EISDIR)
		return r;
	r = rm_push(&stack, &depth, &cap, dirfd, name);
	while (r == 0 && depth) {
		struct rm_frame *f = &stack[depth - 1];

		if (f->next < f->names.n) {
			const char *n = dir_names_name(f->names.v[f->next++]);

			r = sys_unlinkat(f->fd, n, 0);
			if (r == -EISDIR)
				r = rm_push(&stack, &depth, &cap, f->fd, n);
			else if (r == -ENOENT)
				r = 0;
			continue;
		}
		r = sys_unlinkat(f->parent, f->name, AT_REMOVEDIR);
		sys_close(f->fd);
		dir_names_free(&f->names);
		free(f->name);
		depth--;
	}
	while (depth) {
		struct rm_frame *f = &stack[--depth];

		sys_close(f->fd);
		dir_names_free(&f->names);
		free(f->name);
	}
	free(stack);
	return r;
}
