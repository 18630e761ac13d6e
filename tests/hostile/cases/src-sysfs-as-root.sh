#!/bin/bash
# --from=/sys: sysfs is never read (rule 13).  Refused, or no copied file
# holds a byte.
. "$(dirname "$0")/../case.sh"
host_setup
dir=
for d in /module/loop/parameters /kernel/mm/transparent_hugepage \
	/kernel/mm /power; do
	if [ -d "/sys$d" ]; then
		dir=$d
		break
	fi
done
[ -n "$dir" ] || skip "no small sysfs directory to copy"
snap_before

run_copy --from=/sys --to="$DST" "$dir/" /out/
expect_no_kernel_bytes sysfs
finish
