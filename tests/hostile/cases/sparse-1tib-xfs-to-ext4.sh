#!/bin/bash
# A 1 TiB sparse file from a loop xfs into a loop ext4: no clone across
# filesystems, so the fallback movers must keep the holes.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/sparse.sh"
host_setup xfs 1G
# DST on a filesystem of its own, outside HOST (its image sits next to it).
rmdir "$DST"
DST=$T/ext4/dst
mkfs_mount ext4 256M "$T/ext4"
mkdir "$DST"
mkdir -p "$SRC/tree"
make_sparse "$SRC/tree/huge"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_sparse_copy "$DST/out/huge"
finish
