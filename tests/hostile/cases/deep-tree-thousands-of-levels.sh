#!/bin/bash
# 2500 nested directories (paths of 7500 bytes): no recursion on the C
# stack may overflow and no path string may be needed (rule 2).  Copied
# whole, or, if depth is capped explicitly, a clean error; never a crash
# or a hang.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
python3 -S "$HOSTILE/deeptree.py" make "$SRC/tree" dd 2500 inside-deep
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_rc 0 1
if [ "$RC" = 0 ]; then
	expect_no_error
	out=$(python3 -S "$HOSTILE/deeptree.py" check "$DST/out" dd 2500 \
		inside-deep 2>&1) || problem "out: the deep tree is not whole: $out"
else
	expect_msg "^stagecp: .+: .+: .+"
fi
finish
