// SPDX-License-Identifier: MIT
/* Planning one COPY: see plan.h. */
#include "api/plan.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/filter.h"
#include "roots/layers.h"
#include "roots/resolve.h"
#include "roots/stageroot.h"
#include "seam/dirnames.h"
#include "seam/pathbuf.h"
#include "seam/sys.h"
#include "semantics/gomatch.h"

static int plan_add(struct plan *p, char *path, const char *include)
{
	struct plan_item *it;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct plan_item *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			goto free_path;
		p->v = v;
		p->cap = cap;
	}
	it = &p->v[p->n];
	it->path = path;
	it->include = NULL;
	if (include) {
		it->include = strdup(include);
		if (!it->include)
			goto free_path;
	}
	p->n++;
	return 0;
free_path:
	free(path);
	return -ENOMEM;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].include);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

/* Whether a clean path names something in the source root. */
static int source_exists(struct stagecp_ctx *c, const char *path)
{
	struct layer_entry e;
	char *res;
	int r;

	if (c->layered) {
		r = layers_resolve(&c->res, &c->src_layers, path, true, &e);
		if (r == 0)
			layer_entry_close(&e);
		return r;
	}
	r = resolve_root_path(&c->res, c->from_fd, path, true, &res);
	if (r < 0)
		return r;
	r = resolve_open(&c->res, c->from_fd, res, O_PATH);
	free(res);
	if (r >= 0)
		sys_close(r);
	return r < 0 ? r : 0;
}

/*
 * Nothing at all in a source root given by path is what a stage whose
 * mount is missing looks like (`buildah mount` forgotten): say so after
 * the not-found text, or the user hunts for a wrong path.
 */
static const char *unmounted_hint(struct stagecp_ctx *c)
{
	if (c->layered || !c->from_root || !stage_root_is_empty(c->from_fd))
		return "";
	return " (the source root is empty: is the stage mounted?)";
}

static int report_not_found(struct stagecp_ctx *c, const char *path, int r)
{
	char msg[PATH_MAX + 96];

	if (r != -ENOENT && r != -ENOTDIR) {
		report(&c->rep, path, "resolve source", r, false);
		return r;
	}
	snprintf(msg, sizeof(msg), "\"%s\": not found%s", path,
		 unmounted_hint(c));
	report_errmsg(&c->rep, path, "copy", -ENOENT, msg, false);
	return -ENOENT;
}

/* The matching walk of one wildcard source (fsutil resolveWildcards). */
struct wild {
	struct stagecp_ctx *c;
	struct plan *p;
	const char *pattern;	/* the part from the first wildcard on */
	size_t depth;		/* components in pattern: no match is deeper */
	const char *base;	/* resolved literal prefix */
	const char *include;
	struct pathbuf rel;
};

static size_t count_components(const char *p)
{
	size_t n = 1;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

static int wild_match(struct wild *w, const char *rel)
{
	int m = gomatch_match(w->pattern, rel);

	if (m < 0)
		report_msg(&w->c->rep, w->pattern, "match source",
			   "syntax error in pattern", false);
	return m;
}

static int wild_add(struct wild *w, const char *rel)
{
	char *path;

	/* The decision table: a top-level match the excludes name is
	 * excluded, as the docs' own example expects. */
	if (filter_top_excluded(w->c, rel))
		return 0;
	path = path_join_clean(w->base, rel);
	if (!path)
		return -ENOMEM;
	return plan_add(w->p, path, w->include);
}

/* A matching walk's directory: its layers for a stack, else one fd. */
static int wild_list(struct wild *w, const struct layer_dir *d,
		     struct dir_names *names)
{
	int r;

	if (w->c->layered)
		return layers_list(&w->c->res, &w->c->src_layers, d, names,
				   w->base);
	r = dir_names_read(names, d->fd[0]);
	if (r < 0)
		report(&w->c->rep, w->base, "read directory", r, false);
	return r;
}

static int wild_open(struct wild *w, const struct layer_dir *d,
		     const char *ent, struct layer_dir *child)
{
	const char *name = dir_names_name(ent);
	int fd;

	if (w->c->layered) {
		const struct layers *l = &w->c->src_layers;
		int r = layers_open_dir(&w->c->res, l, d, dir_names_layer(ent), name,
					child, w->base);
		char *path;

		if (r != -EOPNOTSUPP || l->mount_fd < 0)
			return r;
		/* What the layers cannot show, the mount can. */
		path = path_join_clean(w->base, w->rel.s);
		fd = path ? layers_open_in_mount(&w->c->res, l, path,
						 O_RDONLY | O_DIRECTORY)
			  : -ENOMEM;
		free(path);
		return fd < 0 ? fd : layer_dir_single(child, fd);
	}
	memset(child, 0, sizeof(*child));
	fd = sys_openat(d->fd[0], name, O_RDONLY | O_DIRECTORY | SYS_O_BASE,
			0);
	return fd < 0 ? fd : layer_dir_single(child, fd);
}

static int wild_walk(struct wild *w, const struct layer_dir *d, size_t depth)
{
	struct dir_names names = { 0 };
	int r = wild_list(w, d, &names);

	for (size_t i = 0; r == 0 && i < names.n; i++) {
		const char *name = dir_names_name(names.v[i]);
		unsigned char type = dir_names_type(names.v[i]);
		struct layer_dir child;
		size_t old;
		int m;

		r = pathbuf_push(&w->rel, name, &old);
		if (r < 0)
			break;
		/* rel is kept without the leading slash pathbuf adds. */
		m = wild_match(w, w->rel.s + (w->rel.s[0] == '/'));
		if (m < 0) {
			r = m;
		} else if (m) {
			r = wild_add(w, w->rel.s + (w->rel.s[0] == '/'));
		} else if (depth + 1 < w->depth &&
			   (type == DT_DIR || type == DT_UNKNOWN)) {
			/* Walk uses lstat: symlinked dirs are not entered. */
			r = wild_open(w, d, names.v[i], &child);
			if (r == 0) {
				r = wild_walk(w, &child, depth + 1);
				layer_dir_close(&child);
			} else if (r == -ENOTDIR || r == -ELOOP ||
				   r == -ENOENT) {
				r = 0;
			} else if (r != -EOPNOTSUPP) {
				report(&w->c->rep, w->rel.s, "open", r, false);
			}
		}
		pathbuf_pop(&w->rel, old);
	}
	dir_names_free(&names);
	return r;
}

/* The directory a wildcard's literal prefix names, or a negative errno
 * (-ENOTDIR when it is something else). */
static int wild_base(struct stagecp_ctx *c, const char *shown, char **base,
		     struct layer_dir *d)
{
	struct layer_entry e;
	struct stat st;
	int r, fd;

	memset(d, 0, sizeof(*d));
	if (c->layered) {
		*base = path_clean(shown);
		if (!*base)
			return -ENOMEM;
		r = layers_resolve(&c->res, &c->src_layers, shown, true, &e);
		if (r == 0 && !e.is_dir) {
			layer_entry_close(&e);
			return -ENOTDIR;
		}
		if (r == 0)
			*d = e.dir;
		return r;
	}
	r = resolve_root_path(&c->res, c->from_fd, shown, true, base);
	if (r < 0)
		return r;
	fd = resolve_open(&c->res, c->from_fd, *base,
			  O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	r = sys_fstat(fd, &st);
	if (r == 0 && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return layer_dir_single(d, fd);
}

static int expand_wildcard(struct stagecp_ctx *c, const char *src,
			   const char *include, struct plan *p)
{
	struct wild w = { .c = c, .p = p, .include = include };
	char *prefix = NULL, *rest = NULL, *base = NULL, *shown;
	struct layer_dir d;
	int r;

	r = gomatch_split_wildcard(src, &prefix, &rest);
	if (r < 0)
		return r;
	shown = prefix[0] ? prefix : "/";
	r = wild_base(c, shown, &base, &d);
	/* Walk() of a file visits only itself: nothing can match. */
	if (r == -ENOTDIR) {
		r = 0;
		goto free_paths;
	}
	if (r < 0) {
		char msg[PATH_MAX + 128];

		snprintf(msg, sizeof(msg), "lstat %s: %s%s", shown,
			 r == -ENOENT ? "no such file or directory"
				      : "cannot be read", unmounted_hint(c));
		report_errmsg(&c->rep, shown, "match source", r, msg, false);
		goto free_paths;
	}
	w.pattern = rest;
	w.depth = count_components(rest);
	w.base = base;
	r = gomatch_validate(rest);
	if (r < 0)
		wild_match(&w, "");
	else
		r = wild_walk(&w, &d, 0);
	pathbuf_free(&w.rel);
	layer_dir_close(&d);
free_paths:
	free(prefix);
	free(rest);
	free(base);
	return r;
}

/*
 * --parents: "a/b/./c/d" copies the contents of a/b keeping only c/d; with
 * no pivot the whole path is kept below "/".
 */
static int split_pivot(const char *src, char **parent, char **include)
{
	const char *pivot = strstr(src, "/./");
	char *pat;

	if (pivot) {
		*parent = strndup(src, (size_t)(pivot - src));
		pat = path_clean(pivot + 3);
	} else {
		*parent = strdup("/");
		pat = path_clean(src);
	}
	if (!*parent || !pat) {
		free(*parent);
		free(pat);
		return -ENOMEM;
	}
	/* The pattern is relative to the parent: drop the leading "/". */
	memmove(pat, pat + 1, strlen(pat));
	*include = pat;
	return 0;
}

static int plan_source(struct stagecp_ctx *c, const char *arg,
		       struct plan *p)
{
	char *parent = NULL, *include = NULL, *src;
	int r;

	if (c->opt.parents) {
		r = split_pivot(arg, &parent, &include);
		if (r < 0)
			return r;
		arg = parent;
	}
	src = path_clean(arg);
	if (!src) {
		r = -ENOMEM;
		goto free_pivot;
	}
	if (gomatch_has_wildcard(src)) {
		r = expand_wildcard(c, src, include, p);
		free(src);
		goto free_pivot;
	}
	r = source_exists(c, src);
	if (r < 0) {
		r = report_not_found(c, src, r);
		free(src);
		goto free_pivot;
	}
	/* With no wildcard anywhere, the kept path itself must exist. */
	if (include && include[0] && !gomatch_has_wildcard(include)) {
		char *kept = path_join_clean(src, include);

		r = kept ? source_exists(c, kept) : -ENOMEM;
		if (r < 0 && r != -ENOMEM)
			r = report_not_found(c, kept, r);
		free(kept);
		if (r < 0) {
			free(src);
			goto free_pivot;
		}
	}
	r = plan_add(p, src, include && include[0] ? include : NULL);
free_pivot:
	free(parent);
	free(include);
	return r;
}

int plan_build(struct stagecp_ctx *c, const char *const *srcs, size_t nsrcs,
	       struct plan *p)
{
	int first = 0;

	/* Every source is looked at, so every problem is reported. */
	for (size_t i = 0; i < nsrcs; i++) {
		int r = plan_source(c, srcs[i], p);

		if (r < 0 && !first)
			first = r;
	}
	return first;
}
