#!/bin/bash
# The destination file is a hardlink to a sentinel outside the destination
# root.  Copying over it must replace the name (rename or unlink+create),
# never write into the shared inode (rule 4).  The sentinel's link count
# and ctime may drop back; its content and mtime may not change.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
echo inside >"$SRC/tree/victim"
ln "$HOST/outside/victim" "$DST/app/victim"
snap_before --ignore "$HOST/outside/victim" nlink,ctime_ns

run_copy --from="$SRC" --to="$DST" /tree /app/
expect_success
expect_file "$DST/app/victim" inside
expect_file "$HOST/outside/victim" "$MARK victim"
finish
