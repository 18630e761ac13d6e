// SPDX-License-Identifier: MIT
/* A source file's data, one range at a time: see data_src.h. */
#include "movers/data_src.h"

#include <errno.h>

#include "seam/report.h"
#include "seam/sys.h"

/* A signal or the caller asked the copy to stop: between two chunks. */
bool data_src_cancelled(const struct data_src *src, const char **op)
{
	if (!src->cancel || !*src->cancel)
		return false;
	*op = "copy";
	return true;
}

/* Write all of buf at off: a regular file may take it in pieces. */
int data_write_all(int fd, const char *buf, size_t len, off_t off,
		   const char **op)
{
	while (len > 0) {
		ssize_t n = sys_pwrite(fd, buf, len, off);

		if (n == 0)
			n = -EIO;	/* no progress, no errno: never spin */
		if (n < 0) {
			*op = "write";
			return (int)n;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Positioned reads and writes: the walk's lseeks leave no offset to trust. */
int data_rw_range(const struct data_src *src, int dstfd, off_t start,
		  off_t end, char *buf, size_t buflen, const char **op)
{
	int srcfd = src->fd;
	off_t pos = start;

	while (pos < end) {
		size_t want = (size_t)(end - pos);
		ssize_t n;
		int r;

		if (want > buflen)
			want = buflen;
		if (data_src_cancelled(src, op))
			return -ECANCELED;
		n = sys_pread(srcfd, buf, want, pos);
		if (n < 0) {
			*op = "read";
			return (int)n;
		}
		if (n == 0) {
			*op = "read";
			return -ESTAGECP_CHANGED;	/* it shrank */
		}
		r = data_write_all(dstfd, buf, (size_t)n, pos, op);
		if (r < 0)
			return r;
		pos += n;
	}
	return 0;
}
