#!/bin/bash
# SRC is a symlink to /proc/self/fd/7, and stagecp inherits fd 7 open on a
# sentinel file.  Resolved in the root there is no such path: "not found",
# and the sentinel's bytes never reach DST.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s /proc/self/fd/7 "$SRC/fdlink"
snap_before

exec 7<"$HOST/outside/secret"
run_copy --from="$SRC" --to="$DST" /fdlink /out/
exec 7<&-
expect_rc 1
expect_errors "^stagecp: [^:]*fdlink: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/fdlink"
finish
