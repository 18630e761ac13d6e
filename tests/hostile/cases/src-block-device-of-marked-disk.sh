#!/bin/bash
# A block node in the source names a real disk (a loop device whose image
# is full of the marker, standing for the host's disk): it stays a block
# node with the same numbers, and the disk is never read.
. "$(dirname "$0")/../case.sh"
require_cmd losetup
host_setup
img=$T/disk.img
python3 -S -c 'import os, sys
line = ("%s on the host disk\n" % os.environ["MARK"]).encode()
with open(sys.argv[1], "wb") as f:
    f.write(line * (1048576 // len(line) + 1))' "$img"
loop_device "$img"
maj=$(stat -c %Hr "$LOOPDEV")
min=$(stat -c %Lr "$LOOPDEV")
mkdir -p "$SRC/tree"
mknod -m 0660 "$SRC/tree/disk" b "$maj" "$min"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_type "$DST/out/disk" blk
expect_rdev "$DST/out/disk" "$maj" "$min"
finish
