#!/bin/bash
# A destination file is immutable (chattr +i, on a loop ext4): replacing it
# fails with EPERM for that path, status 1; the file, its content and its
# flag stay (a user's +i is never cleared); the other files are copied.
. "$(dirname "$0")/../case.sh"
require_cmd chattr lsattr
host_setup ext4 64M
mkdir -p "$SRC/tree" "$DST/app"
echo inside-new >"$SRC/tree/locked"
echo inside-other >"$SRC/tree/other"
echo old-locked >"$DST/app/locked"
set_flag +i "$DST/app/locked"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_rc 1
expect_errors "^stagecp: [^:]*locked: .+: operation not permitted$"
expect_file "$DST/app/locked" old-locked
expect_flag "$DST/app/locked" i
expect_file "$DST/app/other" inside-other
finish
