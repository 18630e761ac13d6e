#!/bin/bash
# Files and directories with mode 0000 (and a write-only file, and a 0000
# directory holding a 0000 file) copied as root: read with DAC override,
# copied whole, modes kept, directory modes applied after their children.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/nodir/inner"
echo inside-nofile >"$SRC/tree/nofile"
echo inside-wonly >"$SRC/tree/wonly"
echo inside-deep >"$SRC/tree/nodir/inner/file"
chmod 0000 "$SRC/tree/nofile" "$SRC/tree/nodir/inner/file" \
	"$SRC/tree/nodir/inner" "$SRC/tree/nodir"
chmod 0200 "$SRC/tree/wonly"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_file "$DST/out/nofile" inside-nofile
expect_file "$DST/out/wonly" inside-wonly
expect_file "$DST/out/nodir/inner/file" inside-deep
expect_mode "$DST/out/nofile" 0000
expect_mode "$DST/out/wonly" 0200
expect_mode "$DST/out/nodir" 0000
expect_mode "$DST/out/nodir/inner" 0000
expect_mode "$DST/out/nodir/inner/file" 0000
finish
