#!/bin/bash
# In the destination, a directory the copy writes into is swapped with a
# symlink to the sentinel directory while copies run.  Entries are created
# only under verified parent fds (rule 4): nothing may land in the
# sentinel directory, whatever the timing.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/sub" "$DST/app/sub"
make_files "$SRC/tree/sub" 300
ln -s "$HOST/outside" "$DST/app/sub-alt"
snap_before

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree /app/
	expect_rc 0 1
}
racer "$DST/app" sub sub-alt
race_loop 6 30 one_copy
stop_racing
finish
