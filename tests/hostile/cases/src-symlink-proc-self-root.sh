#!/bin/bash
# SRC is a symlink to /proc/self/root.  Inside the root that is a plain
# path (the stage's own proc/self/root, a fake directory here), never the
# magic link to the host's / (rule 1: RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/proc/self/root"
echo inside-fake-proc >"$SRC/proc/self/root/file"
ln -s /proc/self/root "$SRC/procroot"
snap_before

run_copy --from="$SRC" --to="$DST" /procroot/ /out/
expect_success
expect_entries "$DST/out" file
expect_file "$DST/out/file" inside-fake-proc
finish
