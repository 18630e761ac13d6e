#!/bin/bash
# A 1 TiB sparse file with copy_file_range forced: the copy stays sparse.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/sparse.sh"
host_setup xfs 1G
mkdir -p "$SRC/tree"
make_sparse "$SRC/tree/huge"
snap_before

run_copy --from="$SRC" --to="$DST" --strategy=copy /tree /out/
expect_success
expect_sparse_copy "$DST/out/huge"
finish
