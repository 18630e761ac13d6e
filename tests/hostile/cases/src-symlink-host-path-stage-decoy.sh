#!/bin/bash
# SRC symlinks name the sentinel directory and file by host path, and the
# stage has decoys at exactly those paths: in-root resolution copies the
# decoys, host resolution would copy the marker.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s "$HOST/outside" "$SRC/dirlink"
ln -s "$HOST/outside/secret" "$SRC/filelink"
mkdir -p "$SRC$HOST/outside"
echo inside-decoy >"$SRC$HOST/outside/secret"
snap_before

run_copy --from="$SRC" --to="$DST" /dirlink/ /out/
expect_success
expect_entries "$DST/out" secret
expect_file "$DST/out/secret" inside-decoy
run_copy --from="$SRC" --to="$DST" /filelink /out2/
expect_success
expect_file "$DST/out2/filelink" inside-decoy
finish
