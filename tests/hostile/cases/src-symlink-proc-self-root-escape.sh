#!/bin/bash
# SRC goes through a symlink to /proc/self/root to the host path of a
# sentinel: the stage has no /proc, so "not found"; the magic link is never
# followed to the host's /.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s /proc/self/root "$SRC/procroot"
snap_before

run_copy --from="$SRC" --to="$DST" "/procroot$HOST/outside/secret" /out/
expect_rc 1
expect_errors "^stagecp: [^:]*secret: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
