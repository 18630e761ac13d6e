#!/bin/bash
# A tree whose paths grow past PATH_MAX (40 levels of 250-byte names, over
# 10000 bytes): walked by fd (rule 2), copied whole.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
comp=$(printf 'd%.0s' $(seq 250))
python3 -S "$HOSTILE/deeptree.py" make "$SRC/tree" "$comp" 40 inside-deep
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
out=$(python3 -S "$HOSTILE/deeptree.py" check "$DST/out" "$comp" 40 \
	inside-deep 2>&1) || problem "out: the deep tree is not whole: $out"
finish
