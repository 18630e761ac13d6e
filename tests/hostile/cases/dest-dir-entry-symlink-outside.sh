#!/bin/bash
# Inside the copy, a directory of the source meets a symlink to outside in
# the destination (absolute host path, and a relative escape).  It must not
# be followed: "cannot copy to non-directory", status 1; the symlinks stay.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/sub1" "$SRC/tree/sub2" "$DST/app"
echo inside >"$SRC/tree/sub1/file"
echo inside >"$SRC/tree/sub2/file"
echo inside >"$SRC/tree/plain"
ln -s "$HOST/outside" "$DST/app/sub1"
ln -s ../../outside "$DST/app/sub2"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_rc 1
expect_errors "^stagecp: [^:]*sub1: .+: cannot copy to non-directory" \
	"^stagecp: [^:]*sub2: .+: cannot copy to non-directory"
expect_symlink "$DST/app/sub1" "$HOST/outside"
expect_symlink "$DST/app/sub2" ../../outside
expect_file "$DST/app/plain" inside
finish
