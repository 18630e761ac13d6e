#!/bin/bash
# A wildcard SRC (Dockerfile COPY globbing) matches symlinks that, on the
# host, lead to the sentinel directory: by host path and by a relative
# escape.  The stage holds decoys at the in-root targets of both, so a
# correct copy succeeds with the decoys and a wrong one shows the marker.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s "$HOST/outside" "$SRC/esc-abs"
ln -s ../outside "$SRC/esc-rel"
mkdir -p "$SRC$HOST/outside" "$SRC/outside"
echo inside-decoy-abs >"$SRC$HOST/outside/decoy-abs"
echo inside-decoy-rel >"$SRC/outside/decoy-rel"
snap_before

run_copy --from="$SRC" --to="$DST" '/esc-*' /out/
expect_success
expect_file "$DST/out/decoy-abs" inside-decoy-abs
expect_file "$DST/out/decoy-rel" inside-decoy-rel
expect_entries "$DST/out" decoy-abs decoy-rel
finish
