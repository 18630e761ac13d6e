#!/bin/bash
# A destination file is append-only (chattr +a): it may not be replaced,
# and must not be appended to either: EPERM, status 1, content unchanged.
. "$(dirname "$0")/../case.sh"
require_cmd chattr lsattr
host_setup ext4 64M
mkdir -p "$SRC/tree" "$DST/app"
echo inside-new >"$SRC/tree/log"
echo old-log >"$DST/app/log"
set_flag +a "$DST/app/log"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_rc 1
expect_errors "^stagecp: [^:]*log: .+: operation not permitted$"
expect_file "$DST/app/log" old-log
expect_flag "$DST/app/log" a
finish
