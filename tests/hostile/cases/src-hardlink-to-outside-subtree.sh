#!/bin/bash
# Files of the copied subtree are hardlinks to files elsewhere in the
# source root and to a file outside the source root altogether.  The copy
# gets the data in inodes of its own: no source inode is ever linked into
# the destination (rule 8), and the other names' link counts stay.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/x" "$SRC/elsewhere"
echo shared-in-stage >"$SRC/elsewhere/orig"
ln "$SRC/elsewhere/orig" "$SRC/tree/in-stage"
ln "$SRC/elsewhere/orig" "$SRC/tree/x/in-stage-2"
echo shared-with-host >"$HOST/host-file"
ln "$HOST/host-file" "$SRC/tree/from-host"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_file "$DST/out/in-stage" shared-in-stage
expect_file "$DST/out/from-host" shared-with-host
for f in in-stage x/in-stage-2 from-host; do
	if [ "$(stat -c %i "$DST/out/$f")" = "$(stat -c %i "$SRC/tree/$f")" ]; then
		problem "out/$f: is the source's inode"
	fi
done
[ "$(stat -c %i "$DST/out/in-stage")" = "$(stat -c %i "$DST/out/x/in-stage-2")" ] ||
	problem "out/in-stage and out/x/in-stage-2: not one inode in the copy"
[ "$(stat -c %h "$DST/out/from-host")" = 1 ] ||
	problem "out/from-host: link count $(stat -c %h "$DST/out/from-host"), expected 1"
finish
