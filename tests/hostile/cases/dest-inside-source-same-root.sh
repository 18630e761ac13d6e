#!/bin/bash
# One stage is both roots and DEST lies inside the copied source subtree:
# the copy would feed on itself, so it is refused (rule 15), status 1,
# nothing created anywhere.
. "$(dirname "$0")/../case.sh"
# Small and with few inodes: a copy that feeds on itself stops soon.
host_setup tmpfs 16M,nr_inodes=3000
mkdir -p "$SRC/tree/sub"
echo inside >"$SRC/tree/sub/file"
# Read by snap_before and finish (case.sh).
# shellcheck disable=SC2034
NO_DST_EXCLUDE=1
# shellcheck disable=SC2034
DST=$SRC
snap_before

run_copy --from="$SRC" --to="$SRC" /tree /tree/sub/copy/
expect_rc 1
expect_msg "^stagecp: .+: .+: .+"
expect_absent "$SRC/tree/sub/copy"
finish
