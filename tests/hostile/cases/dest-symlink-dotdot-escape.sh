#!/bin/bash
# DEST goes through a ..-heavy symlink that, followed on the host, climbs to
# / and down to the sentinel directory.  ".." stops at the destination
# root: the copy lands in DST$HOST/outside.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/a/b"
echo inside >"$SRC/tree/file"
ln -s "../../../../../../../../../../../..$HOST/outside" "$DST/a/b/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /a/b/app/
expect_success
expect_file "$DST$HOST/outside/file" inside
finish
