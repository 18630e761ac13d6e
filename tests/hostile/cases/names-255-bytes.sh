#!/bin/bash
# Names at NAME_MAX (255 bytes: ASCII, and 85 three-byte UTF-8 characters)
# and a symlink whose text is 4095 bytes (PATH_MAX - 1): copied exactly,
# nothing truncated (rule 9).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
python3 -S -c 'import os, sys
os.chdir(sys.argv[1])
a = b"a" * 255
u = "\u20ac".encode() * 85
assert len(u) == 255
os.mkdir(a)
with open(a + b"/" + b"b" * 255, "wb") as f:
    f.write(b"inside\n")
with open(u, "wb") as f:
    f.write(b"inside\n")
target = (b"x" * 254 + b"/") * 17
target = target[:4095]
assert len(target) == 4095
os.symlink(target, b"long-link")
os.symlink(a, b"c" * 255)' "$SRC/tree"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_same_tree "$SRC/tree" "$DST/out"
finish
