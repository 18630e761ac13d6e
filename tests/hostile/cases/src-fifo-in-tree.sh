#!/bin/bash
# A FIFO inside the copied tree: recreated as a FIFO with its mode, never
# opened (an open for reading would block forever).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
mkfifo -m 0640 "$SRC/tree/fifo"
echo inside >"$SRC/tree/zz-after"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_type "$DST/out/fifo" fifo
expect_mode "$DST/out/fifo" 0640
expect_file "$DST/out/zz-after" inside
finish
