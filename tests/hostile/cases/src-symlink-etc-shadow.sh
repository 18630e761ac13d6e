#!/bin/bash
# SRC is a symlink to /etc/shadow.  It must resolve to the stage's own
# /etc/shadow (a fake one here), never the host's (rule 1).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/etc"
echo inside-shadow >"$SRC/etc/shadow"
ln -s /etc/shadow "$SRC/shadow"
snap_before

run_copy --from="$SRC" --to="$DST" /shadow /out/
expect_success
expect_file "$DST/out/shadow" inside-shadow
finish
