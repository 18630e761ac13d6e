#!/bin/bash
# --link (copy as into an empty layer, then merge): merging over a
# destination whose entries are a symlink to the sentinel directory (where
# a directory goes), a symlink to a fake host file and a hardlink of a
# sentinel (where files go).  The merge replaces the entries in the way
# and never writes through them.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/sub" "$DST/app"
echo inside-sub >"$SRC/tree/sub/file"
echo inside-config >"$SRC/tree/config"
echo inside-victim >"$SRC/tree/victim"
ln -s "$HOST/outside" "$DST/app/sub"
ln -s "$HOST/etc/passwd" "$DST/app/config"
ln "$HOST/outside/victim" "$DST/app/victim"
snap_before --ignore "$HOST/outside/victim" nlink,ctime_ns

run_copy --from="$SRC" --to="$DST" --link /tree /app/
expect_success
expect_type "$DST/app/sub" dir
expect_file "$DST/app/sub/file" inside-sub
expect_file "$DST/app/config" inside-config
expect_file "$DST/app/victim" inside-victim
finish
