#!/bin/bash
# The destination holds symlinks where regular files go: one to the fake
# host /etc/passwd by absolute host path, one to the fake host /etc/shadow
# by a relative escape.  Each symlink itself is replaced by the file; its
# target is untouched (rule 4: never O_TRUNC through a path).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
echo inside-config >"$SRC/tree/config"
echo inside-shadow >"$SRC/tree/shadow"
ln -s "$HOST/etc/passwd" "$DST/app/config"
ln -s ../../etc/shadow "$DST/app/shadow"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/app/config" inside-config
expect_file "$DST/app/shadow" inside-shadow
finish
