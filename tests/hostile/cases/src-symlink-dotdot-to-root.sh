#!/bin/bash
# SRC is a symlink climbing far above the source root (../../../..): ".."
# stops at the root, so it names the source root (rule 1).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/a/b"
echo inside >"$SRC/a/file"
ln -s ../../../../../../../../.. "$SRC/a/b/up"
snap_before

run_copy --from="$SRC" --to="$DST" /a/b/up/ /out/
expect_success
expect_entries "$DST/out" a
expect_file "$DST/out/a/file" inside
expect_symlink "$DST/out/a/b/up" ../../../../../../../../..
finish
