#!/bin/bash
# Names that are not UTF-8 (stray continuation bytes, Latin-1, overlong
# "/" and NUL encodings, UTF-16 surrogates) are opaque bytes: copied
# exactly, in names and symlink text, also as SRC.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
python3 -S -c 'import os, sys
os.chdir(sys.argv[1])
names = [b"\xff\xfe", b"caf\xe9", b"overlong-slash-\xc0\xaf",
         b"overlong-nul-\xc0\x80", b"surrogate-\xed\xa0\x80",
         b"\x80\x80\x80", b"truncated-\xe2\x82"]
for n in names:
    with open(n, "wb") as f:
        f.write(b"inside " + n + b"\n")
os.mkdir(b"dir-\xfe")
with open(b"dir-\xfe/\xff", "wb") as f:
    f.write(b"inside\n")
os.symlink(b"\xff/\xc0\xaf/..", b"link-\xff")
os.mkdir(b"../top-\xff")
with open(b"../top-\xff/file", "wb") as f:
    f.write(b"inside\n")' "$SRC/tree"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_same_tree "$SRC/tree" "$DST/out"
run_copy --from="$SRC" --to="$DST" "$(printf '/top-\377')" /out2/
expect_success
expect_file "$DST/out2/file" inside
finish
