#!/bin/bash
# SRC is a symlink to /etc/shadow and the stage has no /etc/shadow: the
# copy fails with "not found"; the host's shadow file is never read
# (finish scans DST for its first line).
. "$(dirname "$0")/../case.sh"
host_setup
ln -s /etc/shadow "$SRC/shadow"
snap_before

run_copy --from="$SRC" --to="$DST" /shadow /out/
expect_rc 1
expect_errors "^stagecp: [^:]*shadow: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/shadow"
finish
