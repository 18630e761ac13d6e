#!/bin/bash
# The destination holds a FIFO and a /dev/zero-like node where regular
# files go: they are replaced, never opened (no hang, no endless write).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
echo inside-a >"$SRC/tree/fifo"
echo inside-b >"$SRC/tree/zero"
mkfifo "$DST/app/fifo"
mknod "$DST/app/zero" c 1 5
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/app/fifo" inside-a
expect_file "$DST/app/zero" inside-b
finish
