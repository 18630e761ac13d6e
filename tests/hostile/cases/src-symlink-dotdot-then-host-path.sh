#!/bin/bash
# SRC climbs out through a ../../.. symlink and then names the sentinel
# directory by its host path.  Resolved in the root that path is missing:
# "not found", nothing read (rule 1).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/a/b"
ln -s ../../../../../../../../.. "$SRC/a/b/up"
snap_before

run_copy --from="$SRC" --to="$DST" "/a/b/up$HOST/outside/secret" /out/
expect_rc 1
expect_errors "^stagecp: [^:]*secret: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
