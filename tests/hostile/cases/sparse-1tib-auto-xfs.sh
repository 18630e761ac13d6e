#!/bin/bash
# A 1 TiB sparse file on a loop xfs, default mover (clone on xfs): the
# copy stays sparse, ends in bounded time, and keeps the data.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/sparse.sh"
host_setup xfs 1G
mkdir -p "$SRC/tree"
make_sparse "$SRC/tree/huge"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_sparse_copy "$DST/out/huge"
finish
