#!/bin/bash
# The destination root is a directory inside the copied source subtree,
# named directly, through a symlink, and as DEST "/": refused (rule 15).
. "$(dirname "$0")/../case.sh"
# Small and with few inodes: a copy that feeds on itself stops soon.
host_setup tmpfs 16M,nr_inodes=3000
mkdir -p "$SRC/tree/inner"
echo inside >"$SRC/tree/file"
ln -s src/tree/inner "$HOST/alias"
# Read by snap_before and finish (case.sh).
# shellcheck disable=SC2034
NO_DST_EXCLUDE=1
# shellcheck disable=SC2034
DST=$SRC/tree/inner
snap_before

run_copy --from="$SRC" --to="$SRC/tree/inner" /tree /
expect_rc 1
expect_msg "^stagecp: .+: .+: .+"
run_copy --from="$SRC" --to="$HOST/alias" /tree /copy/
expect_rc 1
expect_msg "^stagecp: .+: .+: .+"
expect_entries "$SRC/tree/inner"
finish
