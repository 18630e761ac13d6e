#!/bin/bash
# Names with newlines, tabs, carriage returns and edge spaces are opaque
# bytes: copied exactly (also as a symlink's text and as SRC itself).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
python3 -S -c 'import os, sys
os.chdir(sys.argv[1])
names = [b"new\nline", b"\nleading-newline", b"trailing-newline\n",
         b"tab\there", b"\t", b"cr\rhere", b" leading space",
         b"trailing space ", b"two\n\nlines\ndir"]
for n in names[:-1]:
    with open(n, "wb") as f:
        f.write(b"inside " + n + b"\n")
os.mkdir(names[-1])
with open(names[-1] + b"/in\nner", "wb") as f:
    f.write(b"inside\n")
os.symlink(b"target\nwith\tcontrol", b"link\nname")
os.mkdir(b"../top\nlevel")
with open(b"../top\nlevel/file", "wb") as f:
    f.write(b"inside\n")' "$SRC/tree"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_same_tree "$SRC/tree" "$DST/out"
run_copy --from="$SRC" --to="$DST" "/top
level" "/out2
x/"
expect_success
expect_file "$DST/out2
x/file" inside
finish
