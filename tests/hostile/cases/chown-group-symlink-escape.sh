#!/bin/bash
# The destination's /etc/group is a relative symlink that, followed on the
# host, climbs out to the fake host group file (staff is 50 there).  In the
# root ".." stops: it names the stage's own /host-etc/group (staff 5050).
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/etc"
stage_accounts "$DST/host-etc"
rm "$DST/etc/group"
ln -s ../../host-etc/group "$DST/etc/group"
# On the host, DST/etc/../../host-etc is HOST/host-etc: the fake host's.
mkdir -p "$HOST/host-etc"
printf 'root:x:0:\nstaff:x:50:\n' >"$HOST/host-etc/group"
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:staff /tree /app/
expect_success
expect_owner "$DST/app/file" 777 5050
expect_owner "$DST/app/dir/file" 777 5050
finish
