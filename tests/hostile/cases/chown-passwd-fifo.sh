#!/bin/bash
# The destination's /etc/passwd is a FIFO with a writer waiting to feed it
# an account line: it is not a regular file (rule 6: S_ISREG), so it is
# never opened; the lookup fails with status 1 instead of hanging, and no
# entry gets the writer's uid.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/etc"
rm "$DST/etc/passwd"
mkfifo "$DST/etc/passwd"
# shellcheck disable=SC2016
start_racer bash -c 'exec 3>"$1"; printf "daemon:x:31337:778::/:/bin/sh\n" >&3; sleep 60' \
	writer "$DST/etc/passwd"
writer=$RACER
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_lookup_refused
expect_no_owner 31337
stop_racer "$writer"
finish
