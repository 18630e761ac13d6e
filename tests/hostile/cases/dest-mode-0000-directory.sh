#!/bin/bash
# Destination directories with mode 0000: as root the copy goes in.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/locked" "$DST/app/locked"
echo inside >"$SRC/tree/locked/file"
chmod 0000 "$DST/app/locked" "$DST/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/app/locked/file" inside
finish
