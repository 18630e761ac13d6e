#!/bin/bash
# The destination's /etc/passwd is a /dev/zero-like node (c 1 5): reading
# it never ends.  Not a regular file: refused, status 1, no hang.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/etc"
rm "$DST/etc/passwd"
mknod "$DST/etc/passwd" c 1 5
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_lookup_refused
finish
