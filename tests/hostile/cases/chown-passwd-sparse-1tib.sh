#!/bin/bash
# The destination's /etc/passwd claims 1 TiB (all hole, the user nowhere):
# the size cap (rule 6) refuses it from its size alone, in bounded time.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/etc"
truncate -s 1T "$DST/etc/passwd"
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_rc 1
expect_errors "^stagecp: .*(passwd|daemon).*: .+: .+"
finish
