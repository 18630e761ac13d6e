#!/bin/bash
# A file of the source is a bind mount of a sentinel file: it is a mount
# point, not the source's data, and must not be read.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
echo placeholder >"$SRC/tree/mounted"
bind_mount "$HOST/outside/secret" "$SRC/tree/mounted"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_rc 0 1
[ "$RC" = 0 ] || expect_msg "^stagecp: [^:]*mounted: .+: .+"
expect_file "$DST/out/file" inside
finish
