#!/bin/bash
# DEST goes through a symlink holding the absolute host path of the
# sentinel directory.  An absolute target counts from the destination root
# (rule 1), so the copy lands in DST$HOST/outside, created inside DST.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
ln -s "$HOST/outside" "$DST/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_symlink "$DST/app" "$HOST/outside"
expect_file "$DST$HOST/outside/file" inside
finish
