#!/bin/bash
# The destination file is a hardlink of the very source file being copied
# (one filesystem, one inode).  Opening the destination with O_TRUNC would
# wipe the source before reading it; the name must be replaced instead
# (rule 4), and the source keeps its data.  The source's link count and
# ctime may change when the destination name goes; nothing else.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
head -c 100000 /dev/zero | tr '\0' s >"$SRC/tree/data"
echo >>"$SRC/tree/data"
ln "$SRC/tree/data" "$DST/app/data"
snap_before --ignore "$SRC/tree/data" nlink,ctime_ns

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
cmp -s "$SRC/tree/data" "$DST/app/data" ||
	problem "app/data: not the source's data ($(stat -c %s "$DST/app/data") bytes)"
[ "$(stat -c %s "$SRC/tree/data")" = 100001 ] ||
	problem "tree/data: the source lost its data"
finish
