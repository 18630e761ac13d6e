#!/bin/bash
# A writer keeps growing a source file and cutting it back while copies
# run (the hazard table: a copy that waits for EOF or for the size never
# ends).  Each run ends by itself with 0 or 1; a size change seen is
# reported as "file changed as we read it"; the copy is never larger than
# the largest size the file had (64 MiB).
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
make_files "$SRC/tree" 50
: >"$SRC/tree/growing"
start_racer python3 -S -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
chunk = b"i" * 65536
end = time.monotonic() + 60
while time.monotonic() < end:
    for _ in range(1024):
        os.write(fd, chunk)
    os.ftruncate(fd, 0)' "$SRC/tree/growing"
writer=$RACER
snap_before --exclude "$SRC/tree/growing"

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree "/run$1/"
	expect_rc 0 1
	if [ "$RC" = 1 ]; then
		expect_errors "^stagecp: [^:]*growing: .+: file changed as we read it$"
	fi
	local s
	s=$(stat -c %s "$DST/run$1/growing" 2>/dev/null) || s=0
	[ "$s" -le $((64 << 20)) ] ||
		problem "run$1/growing: $s bytes, more than the file ever held"
}
race_loop 6 20 one_copy
stop_racer "$writer"
finish
