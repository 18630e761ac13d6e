#!/bin/bash
# The SRC argument's last directory is swapped with a symlink to the
# sentinel directory's host path while copies run: resolution in the root
# sees either the directory or a path that does not exist in the stage.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/sub"
make_files "$SRC/tree/sub" 200
ln -s "$HOST/outside" "$SRC/tree/sub-alt"
snap_before --volatile "$SRC/tree" --volatile "$SRC/tree/sub" \
	--volatile "$SRC/tree/sub-alt"

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree/sub/ "/run$1/"
	expect_rc 0 1
}
racer "$SRC/tree" sub sub-alt
race_loop 6 30 one_copy
stop_racing
finish
