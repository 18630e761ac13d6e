#!/bin/sh
# Every #include "..." edge in kmod-free/ and tool/ points down the layers,
# with no cycle: scripts/check-includes, and a proof that it catches both.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/scripts/check-includes"

# The checker itself: an upward edge and a cycle in a copy must fail.
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts"
cp "$top/scripts/check-includes" "$tmp/scripts/"
(cd "$top" && tar cf - --exclude='*.o' --exclude='*.a' --exclude='*.so' \
	--exclude=go kmod-free tool) | tar -C "$tmp" -xf -
printf '#include "engine/engine.h"\n' >>"$tmp/kmod-free/seam/pathbuf.c"
if "$tmp/scripts/check-includes" >"$tmp/out"; then
	echo "FAIL: an upward include was not caught"
	exit 1
fi
grep -q 'seam/ may not call up into engine/' "$tmp/out"
cp "$top/kmod-free/seam/pathbuf.c" "$tmp/kmod-free/seam/pathbuf.c"
printf '#include "seam/sys.h"\n' >>"$tmp/kmod-free/seam/pathbuf.h"
printf '#include "seam/pathbuf.h"\n' >>"$tmp/kmod-free/seam/sys.h"
if "$tmp/scripts/check-includes" >"$tmp/out"; then
	echo "FAIL: an include cycle was not caught"
	exit 1
fi
grep -q 'include cycle' "$tmp/out"
echo "check-includes catches upward edges and cycles"
