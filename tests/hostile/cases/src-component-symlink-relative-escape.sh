#!/bin/bash
# A directory on the SRC path is a symlink ../../outside that, followed on
# the host, leaves the source root by exactly one level and lands on the
# sentinel directory.  In the root, ".." stops at the root: not found.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/a"
ln -s ../../outside "$SRC/a/esc"
snap_before

run_copy --from="$SRC" --to="$DST" /a/esc/secret /out/
expect_rc 1
expect_errors "^stagecp: [^:]*secret: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
