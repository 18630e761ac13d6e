#!/bin/bash
# A directory of the source is a bind mount of the sentinel directory from
# the same filesystem (same st_dev): the walk must not cross it (rule 13:
# comparing st_dev is not enough).  Nothing behind it is copied.  Not
# crossing may be silent, a warning, or an error naming it.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/mnt"
echo inside >"$SRC/tree/file"
bind_mount "$HOST/outside" "$SRC/tree/mnt"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_rc 0 1
[ "$RC" = 0 ] || expect_msg "^stagecp: [^:]*mnt: .+: .+"
expect_file "$DST/out/file" inside
finish
