#!/bin/bash
# A plain source copied into a mounted overlay stage goes through a
# detached overlay view of the source root.  While copies run, a racing
# process swaps a source directory with a symlink to the sentinel
# directory: the view resolves in the source root (RESOLVE_IN_ROOT) and
# reads a file only when it is the one the walk found, so no sentinel byte
# arrives and a captured symlink is copied as a symlink.
. "$(dirname "$0")/../case.sh"
require_cmd mkfs.xfs
host_setup xfs 512M
mkdir -p "$SRC/tree/sub" "$HOST/stage/lower" "$HOST/stage/upper" \
	"$HOST/stage/work"
make_files "$SRC/tree/sub" 300
ln -s "$HOST/outside" "$SRC/tree/sub-alt"
ovl_mount "$DST" "lowerdir=$HOST/stage/lower,upperdir=$HOST/stage/upper,workdir=$HOST/stage/work"
# The stage's layers are the destination's storage.
snap_before --volatile "$SRC/tree" --volatile "$SRC/tree/sub" \
	--volatile "$SRC/tree/sub-alt" --exclude "$HOST/stage"

run_copy -v --from="$SRC" --to="$DST" /tree /run0/
expect_rc 0
grep -q 'via a detached overlay' "$T/out" ||
	problem "the copy did not go through a detached overlay view"

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
