#!/bin/bash
# A 1 GiB file on xfs is cloned, not copied: --stats says clone moved it,
# the copy's extents are shared, and the filesystem barely grew.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd mkfs.xfs xfs_io filefrag
require_stagecp

m=$T/xfs
mkfs_mount xfs 2G "$m"
mkdir -p "$m/src/out" "$m/dst"

step "write a 1 GiB file: 64 MiB random, then a pattern"
big=$m/src/out/big.img
head -c $((64 * 1024 * 1024)) /dev/urandom >"$big"
xfs_io -c "pwrite -q -S 0x5a -b 8m 64m 960m" -c fsync "$big"
[ "$(stat -c %s "$big")" -eq $((1024 * 1024 * 1024)) ] ||
	fail "big.img is not 1 GiB"
sync -f "$m"
used_before=$(df -B1 --output=used "$m" | tail -n 1)

step "stagecp --stats"
rc=0
"$STAGECP" --stats --from="$m/src" --to="$m/dst" /out/big.img /app/ \
	>"$T/stats" || rc=$?
cat "$T/stats"
[ "$rc" -eq 0 ] || fail "stagecp exited $rc"
grep -qx 'method clone: 1 files, 1073741824 bytes' "$T/stats" ||
	fail "--stats does not say clone moved the one 1 GiB file"

copy=$m/dst/app/big.img
cmp "$big" "$copy" || fail "the copy differs"
all_extents_shared "$copy" || fail "the copy's extents are not shared"

sync -f "$m"
used_after=$(df -B1 --output=used "$m" | tail -n 1)
grew=$((used_after - used_before))
echo "filesystem grew by $grew bytes"
[ "$grew" -lt $((64 * 1024 * 1024)) ] ||
	fail "a clone of 1 GiB used $grew bytes"
echo "ok: 1 GiB cloned"
