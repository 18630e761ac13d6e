#!/bin/bash
# --to-layers never writes into the upper directory of a mounted overlay
# (the kernel calls that undefined): it refuses, and writes nothing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_root
require_stagecp

m=$T/fs
mkfs_mount xfs 320M "$m"
mkdir -p "$m/src/out" "$m/lower/app" "$m/upper" "$m/work" "$m/merged"
echo data >"$m/src/out/f"

step "an upper directory in use by a mount is refused"
mount -t overlay overlay \
	-o "lowerdir=$m/lower,upperdir=$m/upper,workdir=$m/work" "$m/merged" ||
	skip "overlayfs cannot be mounted here"
rc=0
"$STAGECP" --from="$m/src" --to-layers="$m/upper:$m/lower" /out /app/ \
	2>"$T/err" || rc=$?
umount "$m/merged"
[ "$rc" -eq 1 ] || fail "stagecp exited $rc, not 1"
grep -q 'a mounted overlay uses this upper directory' "$T/err" ||
	fail "no refusal: $(cat "$T/err")"
[ -z "$(ls -A "$m/upper")" ] || fail "the upper directory was written"

step "once unmounted, the same copy goes into the upper directory"
"$STAGECP" --from="$m/src" --to-layers="$m/upper:$m/lower" /out /app/ ||
	fail "stagecp exited $?"
[ "$(cat "$m/upper/app/f")" = data ] || fail "upper/app/f is not the copy"
echo "busy upper refused"
