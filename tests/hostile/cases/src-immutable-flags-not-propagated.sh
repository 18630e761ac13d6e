#!/bin/bash
# Source entries carry immutable and append-only flags (loop ext4): they
# are read fine, the flags do not propagate (else the next stage could not
# write there), and the source keeps them.
. "$(dirname "$0")/../case.sh"
require_cmd chattr lsattr
host_setup ext4 64M
mkdir -p "$SRC/tree/imm-dir"
echo inside-imm >"$SRC/tree/imm"
echo inside-app >"$SRC/tree/app"
echo inside-child >"$SRC/tree/imm-dir/child"
set_flag +i "$SRC/tree/imm" "$SRC/tree/imm-dir"
set_flag +a "$SRC/tree/app"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_file "$DST/out/imm" inside-imm
expect_file "$DST/out/app" inside-app
expect_file "$DST/out/imm-dir/child" inside-child
expect_flags_clear "$DST/out/imm" "$DST/out/app" "$DST/out/imm-dir" \
	"$DST/out/imm-dir/child"
expect_flag "$SRC/tree/imm" i
expect_flag "$SRC/tree/app" a
finish
