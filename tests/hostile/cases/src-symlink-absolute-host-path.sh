#!/bin/bash
# SRC is a symlink holding the absolute host path of the sentinel
# directory: an absolute target counts from the source root, where it does
# not exist (rule 1).
. "$(dirname "$0")/../case.sh"
host_setup
ln -s "$HOST/outside" "$SRC/hostlink"
snap_before

run_copy --from="$SRC" --to="$DST" /hostlink/ /out/
expect_rc 1
expect_errors "^stagecp: [^:]*hostlink/?: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
