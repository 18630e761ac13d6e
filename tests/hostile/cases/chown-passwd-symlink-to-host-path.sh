#!/bin/bash
# The destination's /etc/passwd and /etc/group are symlinks holding the
# host paths of the fake host account files (daemon 1:1 there).  Resolved
# in the destination root they name DST$HOST/etc/..., the stage's files
# (daemon 777:778).
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
passwd_symlinks_case "$HOST/etc"
finish
