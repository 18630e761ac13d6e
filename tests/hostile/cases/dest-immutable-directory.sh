#!/bin/bash
# A destination directory is immutable: creating an entry in it fails with
# EPERM, status 1; the directory keeps its flag and its old content.
. "$(dirname "$0")/../case.sh"
require_cmd chattr lsattr
host_setup ext4 64M
mkdir -p "$SRC/tree/ro" "$DST/app/ro"
echo inside >"$SRC/tree/ro/new"
echo inside-other >"$SRC/tree/other"
echo old >"$DST/app/ro/old"
set_flag +i "$DST/app/ro"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_rc 1
expect_errors "^stagecp: [^:]*ro(/new)?: .+: operation not permitted$"
expect_absent "$DST/app/ro/new"
expect_file "$DST/app/ro/old" old
expect_flag "$DST/app/ro" i
expect_file "$DST/app/other" inside-other
finish
