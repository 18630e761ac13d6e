#!/bin/bash
# The destination's /etc/passwd and /etc/group are symlinks to
# /proc/self/root/etc/..., which on the host would be the host's own
# files.  Resolved in the destination root (rule 6) they name the stage's
# proc/self/root/etc/ files: daemon is 777:778 there, 1:1 on the host.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/proc/self/root/etc"
mkdir -p "$DST/etc"
ln -s /proc/self/root/etc/passwd "$DST/etc/passwd"
ln -s /proc/self/root/etc/group "$DST/etc/group"
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_success
expect_owner "$DST/app/file" 777 778
expect_owner "$DST/app/dir/file" 777 778
expect_no_owner 1
finish
