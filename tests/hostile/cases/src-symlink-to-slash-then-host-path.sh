#!/bin/bash
# SRC goes through a symlink to "/" and on to the host path of a sentinel
# directory: inside the source root that path does not exist, so the copy
# fails with "not found" and reads nothing of the host (rule 1).
. "$(dirname "$0")/../case.sh"
host_setup
ln -s / "$SRC/rootlink"
snap_before

run_copy --from="$SRC" --to="$DST" "/rootlink$HOST/outside/" /out/
expect_rc 1
expect_errors "^stagecp: [^:]*rootlink[^:]*outside/?: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
