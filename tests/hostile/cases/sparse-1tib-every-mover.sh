#!/bin/bash
# A 1 TiB sparse file on a loop xfs, copied by each mover: the default
# (clone on xfs), copy_file_range forced, and read/write forced, which
# must keep the holes with SEEK_DATA/SEEK_HOLE (rule 10); writing a
# terabyte of zeros would neither end in time nor fit.  Each copy stays
# sparse, ends in bounded time, and keeps the data.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/sparse.sh"
host_setup xfs 1G
mkdir -p "$SRC/tree"
make_sparse "$SRC/tree/huge"
snap_before

for strategy in auto copy rw; do
	run_copy --from="$SRC" --to="$DST" --strategy="$strategy" /tree \
		"/out-$strategy/"
	expect_success
	expect_sparse_copy "$DST/out-$strategy/huge"
done
finish
