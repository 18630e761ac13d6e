#!/bin/bash
# Names carrying terminal escapes, printf directives and a forged message
# line: copied exactly, and when such a name ends up in an error message
# (a directory meeting a symlink to outside in the destination) it is
# escaped: no raw control byte, no forged "stagecp:" line (format check
# in run_copy).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$SRC/bad"
python3 -S -c 'import os, sys
os.chdir(sys.argv[1])
for n in [b"\x1b]0;pwned\x07", b"\x1b[2J\x1b[H", b"%n%s%x%p", b"%99999999d",
          b"bell\x07", b"del\x7f", b"\x9b31m-c1-csi"]:
    with open(n, "wb") as f:
        f.write(b"inside\n")
evil = b"evil\x1b[31m\nstagecp: forged: line: ok"
os.mkdir(b"../bad/" + evil)
with open(b"../bad/" + evil + b"/file", "wb") as f:
    f.write(b"inside\n")' "$SRC/tree"
mkdir -p "$DST/app"
python3 -S -c 'import os, sys
os.symlink(sys.argv[2].encode(),
           sys.argv[1].encode() + b"/evil\x1b[31m\nstagecp: forged: line: ok")' \
	"$DST/app" "$HOST/outside"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_same_tree "$SRC/tree" "$DST/out"
run_copy --from="$SRC" --to="$DST" /bad /app/
expect_rc 1
expect_errors "^stagecp: .*evil.*: .+: cannot copy to non-directory"
if grep -q '^stagecp: forged' "$T/err"; then
	problem "a name forged a message line"
fi
finish
