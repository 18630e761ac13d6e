/* SPDX-License-Identifier: MIT */
/*
 * ADD of a local tar archive, extracted as BuildKit extracts it (its file
 * backend's unpack: moby's chrootarchive.Untar into the destination
 * directory), read through libarchive.
 *
 * A source is an archive when it is a regular file whose first tar header
 * reads, plain or compressed with gzip, bzip2, xz or zstd.  Each entry is
 * created below the destination directory as if that directory were "/":
 * parents are resolved inside it (a symlink the archive made earlier is
 * followed, but never out of it) and created 0755 when missing; an entry
 * whose name, or hard link target, climbs out with ".." is an error, as is
 * a symlink whose relative target climbs out; an existing entry is
 * replaced unless both are directories.  Entries keep the archive's
 * owners (or --chown's), modes and modification times; directory times are
 * set after their contents.  xattrs and sockets are not extracted.
 */
#ifndef STAGECP_UNPACK_H
#define STAGECP_UNPACK_H

struct stagecp_ctx;

/* Is the regular file at fd a tar archive?  1, 0, or a negative errno. */
int unpack_probe(int fd);

/*
 * Extract the archive at fd into the directory dfd (dest: its path in the
 * destination root, src: the source's, for reports).  With a dry run,
 * only report what would be created.  Every failure is reported; returns
 * 0 or the first one.
 */
int unpack_archive(struct stagecp_ctx *c, int fd, const char *src, int dfd,
		   const char *dest);

#endif
