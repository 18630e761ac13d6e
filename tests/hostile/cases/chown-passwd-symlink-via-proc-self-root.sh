#!/bin/bash
# The destination's /etc/passwd and /etc/group are symlinks to
# /proc/self/root/etc/..., which on the host would be the host's own
# files.  Resolved in the destination root (rule 6) they name the stage's
# proc/self/root/etc/ files: daemon is 777:778 there, 1:1 on the host.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
passwd_symlinks_case /proc/self/root/etc
finish
