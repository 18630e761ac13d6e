#!/bin/bash
# A directory of the source is the root of another filesystem (a tmpfs
# holding the marker): the walk stays on one filesystem.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/mnt"
echo inside >"$SRC/tree/file"
mkfs_mount tmpfs 8M "$SRC/tree/mnt"
printf '%s on another fs\n' "$MARK" >"$SRC/tree/mnt/secret"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_rc 0 1
[ "$RC" = 0 ] || expect_msg "^stagecp: [^:]*mnt: .+: .+"
expect_file "$DST/out/file" inside
finish
