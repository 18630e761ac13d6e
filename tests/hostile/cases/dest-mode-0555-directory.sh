#!/bin/bash
# A 0555 destination directory (and a 0555 directory in the source with
# children): as root the copy goes in, and the source's 0555 is applied
# after its children (rule 5).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/ro/inner" "$DST/app/ro"
echo inside >"$SRC/tree/ro/file"
echo inside >"$SRC/tree/ro/inner/file"
chmod 0555 "$SRC/tree/ro/inner" "$SRC/tree/ro"
chmod 0555 "$DST/app/ro" "$DST/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/app/ro/file" inside
expect_file "$DST/app/ro/inner/file" inside
expect_mode "$DST/app/ro" 0555
expect_mode "$DST/app/ro/inner" 0555
finish
