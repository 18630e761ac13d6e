#!/bin/bash
# A 1 TiB sparse file with the read/write mover forced: holes must be kept
# with SEEK_DATA/SEEK_HOLE (rule 10); writing a terabyte of zeros would
# neither end in time nor fit.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/sparse.sh"
host_setup xfs 1G
mkdir -p "$SRC/tree"
make_sparse "$SRC/tree/huge"
snap_before

run_copy --from="$SRC" --to="$DST" --strategy=rw /tree /out/
expect_success
expect_sparse_copy "$DST/out/huge"
finish
