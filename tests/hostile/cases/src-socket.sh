#!/bin/bash
# A UNIX socket in the source: never connected to; it becomes an
# empty regular file with the socket's permission bits.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
python3 -S -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o750)' "$SRC/tree/sock"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_type "$DST/out/sock" file
expect_mode "$DST/out/sock" 0750
[ ! -s "$DST/out/sock" ] || problem "out/sock: not empty"
finish
