#!/bin/bash
# The destination's /etc/passwd is a symlink to /etc/passwd: in the root it
# names itself (ELOOP), it never reaches the host's file.  The lookup
# fails, status 1, with a message; nothing gets the host's daemon uid.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/etc"
ln -sf /etc/passwd "$DST/etc/passwd"
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_rc 1
expect_errors "^stagecp: .*(passwd|daemon).*: .+: .+"
expect_no_owner 1
finish
