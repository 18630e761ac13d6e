#!/bin/bash
# The destination holds a symlink to the sentinel directory where the
# source has a regular file of that name: the symlink is replaced, the
# file never lands inside the directory it points to.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
echo inside >"$SRC/tree/data"
ln -s "$HOST/outside" "$DST/app/data"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/app/data" inside
finish
