#!/bin/bash
# DEST is written with ".." to climb out of the destination root, as an
# absolute path and as a relative one under --workdir: ".." stops at the
# root.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
snap_before

run_copy --from="$SRC" --to="$DST" /tree "/../../../../..$HOST/outside/"
expect_success
expect_file "$DST$HOST/outside/file" inside
run_copy --from="$SRC" --to="$DST" --workdir=/w /tree ../../../outside/rel/
expect_success
expect_file "$DST/outside/rel/file" inside
finish
