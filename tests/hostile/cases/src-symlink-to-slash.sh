#!/bin/bash
# SRC is a symlink to "/": followed as the top-level SRC, it must resolve to
# the source root itself (stagecp-copy(7) §9.1, §9.9), never to the host's /.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/data"
echo inside-data >"$SRC/data/file"
ln -s / "$SRC/rootlink"
snap_before

run_copy --from="$SRC" --to="$DST" /rootlink /out/
expect_success
expect_entries "$DST/out" data rootlink
expect_file "$DST/out/data/file" inside-data
expect_symlink "$DST/out/rootlink" /
finish
