#!/bin/bash
# --atomic (temporary file, then link or rename into place) over a
# destination holding a symlink to a fake host file, a hardlink of a
# sentinel and a FIFO where files go: each name is replaced, no target is
# written, nothing hangs, and no temporary file is left behind.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$DST/app"
echo inside-config >"$SRC/tree/config"
echo inside-victim >"$SRC/tree/victim"
echo inside-fifo >"$SRC/tree/fifo"
ln -s "$HOST/etc/passwd" "$DST/app/config"
ln "$HOST/outside/victim" "$DST/app/victim"
mkfifo "$DST/app/fifo"
snap_before --ignore "$HOST/outside/victim" nlink,ctime_ns

run_copy --from="$SRC" --to="$DST" --atomic /tree /app/
expect_success
expect_file "$DST/app/config" inside-config
expect_file "$DST/app/victim" inside-victim
expect_file "$DST/app/fifo" inside-fifo
expect_entries "$DST/app" config victim fifo
finish
