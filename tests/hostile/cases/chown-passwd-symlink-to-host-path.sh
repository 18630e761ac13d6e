#!/bin/bash
# The destination's /etc/passwd and /etc/group are symlinks holding the
# host paths of the fake host account files (daemon 1:1 there).  Resolved
# in the destination root they name DST$HOST/etc/..., the stage's files
# (daemon 777:778).
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST$HOST/etc"
mkdir -p "$DST/etc"
ln -s "$HOST/etc/passwd" "$DST/etc/passwd"
ln -s "$HOST/etc/group" "$DST/etc/group"
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_success
expect_owner "$DST/app/file" 777 778
expect_owner "$DST/app/dir/file" 777 778
expect_no_owner 1
finish
