#!/bin/bash
# /dev/zero- and /dev/null-like character nodes (c 1 5, c 1 3) inside the
# tree and as SRC: recreated with mknod, never read (reading c 1 5 never
# ends and would fill the disk).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
mknod -m 0666 "$SRC/tree/zero" c 1 5
mknod -m 0620 "$SRC/tree/null" c 1 3
mknod -m 0600 "$SRC/zero-top" c 1 5
snap_before

run_copy --from="$SRC" --to="$DST" /tree /zero-top /out/
expect_success
expect_type "$DST/out/zero" chr
expect_rdev "$DST/out/zero" 1 5
expect_mode "$DST/out/zero" 0666
expect_type "$DST/out/null" chr
expect_rdev "$DST/out/null" 1 3
expect_type "$DST/out/zero-top" chr
expect_rdev "$DST/out/zero-top" 1 5
finish
