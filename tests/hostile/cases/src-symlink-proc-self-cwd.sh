#!/bin/bash
# SRC is a symlink to /proc/self/cwd while stagecp's cwd is the sentinel
# directory: inside the root that path does not exist.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s /proc/self/cwd "$SRC/cwdlink"
snap_before

run_copy --from="$SRC" --to="$DST" /cwdlink/ /out/
expect_rc 1
expect_errors "^stagecp: [^:]*cwdlink/?: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
