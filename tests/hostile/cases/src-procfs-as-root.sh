#!/bin/bash
# --from=/proc: procfs is never read (rule 13).  Refused, or at the very
# least no byte read from a /proc file: every copied regular file is
# empty, and /proc/self/environ (which holds the marker) never shows up.
. "$(dirname "$0")/../case.sh"
host_setup
snap_before

run_copy --from=/proc --to="$DST" /self/ /sys/kernel/ /out/
expect_rc 0 1 2
if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then
	if [ "$RC" = 1 ]; then
		expect_msg "^stagecp: .+: .+: .+"
	fi
	data=$(find "$DST" -type f -size +0 2>/dev/null | head -n 5) || true
	[ -z "$data" ] ||
		problem "bytes read from procfs into: $(tr '\n' ' ' <<<"$data")"
fi
finish
