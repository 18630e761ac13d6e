#!/bin/bash
# A FIFO in the source with a writer waiting to hand it the marker: an
# open for reading would receive it and copy it into the destination as a
# regular file.  The FIFO must be recreated, never opened (rule 3).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
mkfifo "$SRC/tree/fifo"
# The writer blocks in open() until a reader comes; killed at the end.
# shellcheck disable=SC2016
start_racer bash -c 'exec 3>"$1"; printf "%s from a fifo writer\n" "$MARK" >&3; sleep 60' \
	writer "$SRC/tree/fifo"
writer=$RACER
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_type "$DST/out/fifo" fifo
stop_racer "$writer"
finish
