// SPDX-License-Identifier: MIT
/* One big file's read/write copy, shared with idle workers: see share.h. */
#include "movers/share.h"

#include "movers/data_src.h"

/* One published segment, on its owner's stack until share_copy returns. */
struct share {
	struct data_src src;
	int dstfd;
	off_t next;		/* the first byte no one has taken */
	off_t end;
	unsigned int helpers;	/* ranges being copied now */
	int err;		/* the first failure; no range is taken after */
	const char *op;
	struct share *next_share;
};

void share_list_init(struct share_list *l)
{
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->done, NULL);
	l->head = NULL;
	l->wake = NULL;
	l->wake_arg = NULL;
}

void share_list_destroy(struct share_list *l)
{
	pthread_cond_destroy(&l->done);
	pthread_mutex_destroy(&l->lock);
}

static bool share_open(const struct share *s)
{
	return !s->err && s->next < s->end;
}

bool share_list_has_work(struct share_list *l)
{
	bool any = false;

	pthread_mutex_lock(&l->lock);
	for (struct share *s = l->head; s && !any; s = s->next_share)
		any = share_open(s);
	pthread_mutex_unlock(&l->lock);
	return any;
}

bool share_worth_it(const struct share_list *l, off_t start, off_t end)
{
	return l && l->wake && end - start >= 2 * SHARE_CHUNK;
}

/*
 * Take the next range of s (l->lock held), copy it without the lock, and
 * record how it went.  The helper count keeps s alive meanwhile.
 */
static void share_run_range(struct share_list *l, struct share *s, char *buf,
			    size_t buflen)
{
	off_t start = s->next;
	off_t end = s->end - start > SHARE_CHUNK ? start + SHARE_CHUNK
						 : s->end;
	const char *op = NULL;
	int r;

	s->next = end;
	s->helpers++;
	pthread_mutex_unlock(&l->lock);
	r = data_rw_range(&s->src, s->dstfd, start, end, buf, buflen, &op);
	pthread_mutex_lock(&l->lock);
	if (r < 0 && !s->err) {
		s->err = r;
		s->op = op;
	}
	s->helpers--;
	pthread_cond_broadcast(&l->done);
}

int share_copy(struct share_list *l, const struct data_src *src, int dstfd,
	       off_t start, off_t end, char *buf, size_t buflen,
	       const char **op)
{
	struct share s = { .src = *src, .dstfd = dstfd, .next = start,
			   .end = end };
	struct share **p;

	pthread_mutex_lock(&l->lock);
	s.next_share = l->head;
	l->head = &s;
	pthread_mutex_unlock(&l->lock);
	l->wake(l->wake_arg);

	pthread_mutex_lock(&l->lock);
	while (share_open(&s))
		share_run_range(l, &s, buf, buflen);
	/* Unpublished, then no helper can find it: wait for those it has. */
	for (p = &l->head; *p != &s; p = &(*p)->next_share)
		;
	*p = s.next_share;
	while (s.helpers)
		pthread_cond_wait(&l->done, &l->lock);
	pthread_mutex_unlock(&l->lock);
	if (s.err)
		*op = s.op;
	return s.err;
}

bool share_help(struct share_list *l, char *buf, size_t buflen)
{
	struct share *s;

	pthread_mutex_lock(&l->lock);
	for (s = l->head; s && !share_open(s); s = s->next_share)
		;
	if (s)
		share_run_range(l, s, buf, buflen);
	pthread_mutex_unlock(&l->lock);
	return s != NULL;
}
