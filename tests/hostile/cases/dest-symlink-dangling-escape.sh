#!/bin/bash
# DEST goes through a dangling symlink to a host path that does not exist
# anywhere.  The missing directories are created inside the destination
# root (DST$HOST/nowhere/deeper), never at $HOST/nowhere.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
ln -s "$HOST/nowhere/deeper" "$DST/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/sub/
expect_success
expect_file "$DST$HOST/nowhere/deeper/sub/file" inside
expect_absent "$HOST/nowhere"
finish
