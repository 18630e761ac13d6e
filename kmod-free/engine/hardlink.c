// SPDX-License-Identifier: MIT
/*
 * The hardlink map, keyed by the source's (st_dev, st_ino) for the whole
 * invocation.  It holds destination names, never source inodes: linking a
 * source inode into the destination would let a later stage rewrite the
 * source stage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

static size_t bucket_of(const struct hardlinks *h, dev_t dev, ino_t ino)
{
	uint64_t k = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (size_t)(k ^ k >> 29) & (h->nbuckets - 1);
}

struct hardlink *hardlinks_find(struct hardlinks *h, dev_t dev, ino_t ino)
{
	if (!h->n)
		return NULL;
	for (struct hardlink *e = h->buckets[bucket_of(h, dev, ino)]; e;
	     e = e->next)
		if (e->src_ino == ino && e->src_dev == dev)
			return e;
	return NULL;
}

static int hardlinks_grow(struct hardlinks *h)
{
	size_t n = h->nbuckets ? h->nbuckets * 2 : 64;
	struct hardlink **b = calloc(n, sizeof(*b));
	struct hardlinks old = *h;

	if (!b)
		return -ENOMEM;
	h->buckets = b;
	h->nbuckets = n;
	for (size_t i = 0; i < old.nbuckets; i++) {
		struct hardlink *e = old.buckets[i], *next;

		for (; e; e = next) {
			size_t k = bucket_of(h, e->src_dev, e->src_ino);

			next = e->next;
			e->next = b[k];
			b[k] = e;
		}
	}
	free(old.buckets);
	return 0;
}

int hardlinks_add(struct hardlinks *h, const struct stat *src, ino_t dst_ino,
		  const char *dst_path)
{
	struct hardlink *e;
	size_t k;

	if (h->n >= h->nbuckets) {
		int r = hardlinks_grow(h);

		if (r < 0)
			return r;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	if (dst_path) {
		e->dst_path = strdup(dst_path);
		if (!e->dst_path) {
			free(e);
			return -ENOMEM;
		}
	}
	e->src_dev = src->st_dev;
	e->src_ino = src->st_ino;
	e->dst_ino = dst_ino;
	e->left = src->st_nlink - 1;
	k = bucket_of(h, e->src_dev, e->src_ino);
	e->next = h->buckets[k];
	h->buckets[k] = e;
	h->n++;
	return 0;
}

int hardlinks_set_first(struct hardlink *e, ino_t dst_ino,
			const char *dst_path)
{
	e->dst_path = strdup(dst_path);
	if (!e->dst_path)
		return -ENOMEM;
	e->dst_ino = dst_ino;
	return 0;
}

void hardlinks_drop(struct hardlinks *h, struct hardlink *e)
{
	struct hardlink **pp;

	pp = &h->buckets[bucket_of(h, e->src_dev, e->src_ino)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	free(e->dst_path);
	free(e);
	h->n--;
}

void hardlinks_seen(struct hardlinks *h, struct hardlink *e)
{
	if (e->left > 1) {
		e->left--;
		return;
	}
	/* Every source link is done: free the memory now, so the map only
	 * holds groups still open. */
	hardlinks_drop(h, e);
}

void hardlinks_free(struct hardlinks *h)
{
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct hardlink *e = h->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e->dst_path);
			free(e);
		}
	}
	free(h->buckets);
	memset(h, 0, sizeof(*h));
}
