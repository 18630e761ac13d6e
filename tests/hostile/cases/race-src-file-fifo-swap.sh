#!/bin/bash
# A source file is swapped with a FIFO while copies run: a FIFO seen where
# the walk saw a file must never be opened blocking (rule 3: O_NONBLOCK
# and an fstat type check).  Every run ends by itself.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
make_files "$SRC/tree" 100
echo inside >"$SRC/tree/data"
mkfifo "$SRC/tree/data-alt"
snap_before --volatile "$SRC/tree" --volatile "$SRC/tree/data" \
	--volatile "$SRC/tree/data-alt"

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree "/run$1/"
	expect_rc 0 1
}
racer "$SRC/tree" data data-alt
race_loop 6 30 one_copy
stop_racing
finish
