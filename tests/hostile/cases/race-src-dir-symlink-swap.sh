#!/bin/bash
# While the copy runs, a racing process swaps a source directory with a
# symlink to the sentinel directory (atomic RENAME_EXCHANGE, over and
# over).  Whatever the walk meets, it must never follow the symlink (rules
# 2 and 3): each run ends by itself with 0 or 1, a captured symlink is
# copied as a symlink with its text, and no sentinel byte arrives.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/sub"
make_files "$SRC/tree/sub" 300
ln -s "$HOST/outside" "$SRC/tree/sub-alt"
snap_before --volatile "$SRC/tree" --volatile "$SRC/tree/sub" \
	--volatile "$SRC/tree/sub-alt"

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree "/run$1/"
	expect_rc 0 1
	local n
	for n in sub sub-alt; do
		if [ -L "$DST/run$1/$n" ]; then
			expect_symlink "$DST/run$1/$n" "$HOST/outside"
		fi
	done
}
racer "$SRC/tree" sub sub-alt
race_loop 6 30 one_copy
stop_racing
finish
