#!/bin/bash
# SRC is a symlink to /proc/self/fd/7 with fd 7 inherited open on a
# sentinel, and the stage has a file proc/self/fd/7 of its own: that file
# is what gets copied.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/proc/self/fd"
echo inside-fd-file >"$SRC/proc/self/fd/7"
ln -s /proc/self/fd/7 "$SRC/fdlink"
snap_before

exec 7<"$HOST/outside/secret"
run_copy --from="$SRC" --to="$DST" /fdlink /out/
exec 7<&-
expect_success
expect_file "$DST/out/fdlink" inside-fd-file
finish
