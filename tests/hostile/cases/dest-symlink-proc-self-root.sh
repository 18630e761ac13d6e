#!/bin/bash
# DEST goes through a symlink to /proc/self/root followed by the host path
# of the sentinel directory.  In the root, /proc/self/root is a plain path
# (RESOLVE_NO_MAGICLINKS never matters because it is not procfs): the
# directories are created inside DST.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
ln -s "/proc/self/root$HOST/outside" "$DST/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/proc/self/root$HOST/outside/file" inside
finish
