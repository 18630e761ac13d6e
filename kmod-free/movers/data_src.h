/* SPDX-License-Identifier: MIT */
/*
 * A source file whose data is being copied, and the plain positioned
 * read/write of one range of it: what the data movers (data.c) and the
 * range sharing (share.c) both build on.
 */
#ifndef STAGECP_DATA_SRC_H
#define STAGECP_DATA_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A source file being copied: its fd and its stat at open time. */
struct data_src {
	int fd;
	const struct stat *st;
	const volatile int *cancel;	/* non-zero: stop with -ECANCELED */
};

/* A signal or the caller asked the copy to stop: between two chunks. */
bool data_src_cancelled(const struct data_src *src, const char **op);

/* Write all of buf at off: a regular file may take it in pieces. */
int data_write_all(int fd, const char *buf, size_t len, off_t off,
		   const char **op);

/*
 * Copy the data segment [start, end) of src into dstfd with pread and
 * pwrite through buf; -ESTAGECP_CHANGED if the source ends early.
 */
int data_rw_range(const struct data_src *src, int dstfd, off_t start,
		  off_t end, char *buf, size_t buflen, const char **op);

#endif
