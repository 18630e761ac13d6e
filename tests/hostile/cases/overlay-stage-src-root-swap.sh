#!/bin/bash
# The source root of a copy into a mounted overlay stage is swapped with
# another directory while copies run.  The detached overlay view is made
# over the root the copy opened, so each copy reads one tree, never a mix
# of the two, and nothing outside the source root.
. "$(dirname "$0")/../case.sh"
require_cmd mkfs.xfs
host_setup xfs 512M
mkdir -p "$SRC/tree/sub" "$SRC/tree-alt/sub" "$HOST/stage/lower" \
	"$HOST/stage/upper" "$HOST/stage/work"
make_files "$SRC/tree/sub" 300
python3 -S -c 'import os, sys
for i in range(300):
    with open(os.path.join(sys.argv[1], "f%04d" % i), "w") as f:
        f.write("alt %d\n" % i)' "$SRC/tree-alt/sub"
ovl_mount "$DST" "lowerdir=$HOST/stage/lower,upperdir=$HOST/stage/upper,workdir=$HOST/stage/work"
snap_before --volatile "$SRC" --volatile "$SRC/tree" \
	--volatile "$SRC/tree-alt" --exclude "$HOST/stage"

one_copy() {
	run_copy --from="$SRC/tree" --to="$DST" /sub "/run$1/"
	expect_rc 0 1
	if [ -d "$DST/run$1" ] &&
		[ "$(cat "$DST/run$1"/* | cut -d' ' -f1 | sort -u | wc -l)" -gt 1 ]; then
		problem "run $1 mixed the two trees"
	fi
}
racer "$SRC" tree tree-alt
race_loop 6 30 one_copy
stop_racing
finish
