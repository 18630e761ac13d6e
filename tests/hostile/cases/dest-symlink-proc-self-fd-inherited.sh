#!/bin/bash
# DEST goes through a symlink to /proc/self/fd/7 while stagecp inherits
# fd 7 open on the sentinel directory: on the host that magic link is the
# sentinel; in the destination root it is a plain path, created there.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
ln -s /proc/self/fd/7 "$DST/app"
snap_before

exec 7<"$HOST/outside"
run_copy --from="$SRC" --to="$DST" /tree /app/
exec 7<&-
expect_success
expect_file "$DST/proc/self/fd/7/file" inside
finish
