#!/bin/bash
# A directory on the DEST path is swapped with a symlink to the sentinel
# directory's host path while copies run: DEST resolves in the root either
# way, and the copy then works by fd, so nothing reaches the host path.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
make_files "$SRC/tree" 200
ln -s "$HOST/outside" "$DST/app-alt"
snap_before

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree "/app/run$1/"
	expect_rc 0 1
}
racer "$DST" app app-alt
race_loop 6 30 one_copy
stop_racing
finish
