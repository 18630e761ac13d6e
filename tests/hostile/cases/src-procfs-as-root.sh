#!/bin/bash
# --from=/proc: procfs is never read (rule 13).  Refused, or at the very
# least no byte read from a /proc file: every copied regular file is
# empty, and /proc/self/environ (which holds the marker) never shows up.
. "$(dirname "$0")/../case.sh"
host_setup
snap_before

run_copy --from=/proc --to="$DST" /self/ /sys/kernel/ /out/
expect_no_kernel_bytes procfs
finish
