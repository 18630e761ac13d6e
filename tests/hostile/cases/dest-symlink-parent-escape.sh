#!/bin/bash
# DEST goes through a symlink ../outside that, followed on the host, leaves
# the destination root by exactly one level onto the sentinel directory.
# In the root it is DST/outside, created there.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
ln -s ../outside "$DST/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/outside/file" inside
finish
