#!/bin/bash
# The destination root is a bind mount of the copied source subtree: the
# same directory under another path, another mount, the same st_dev.  No
# path comparison can see it; an identity check must: refused (rule 15).
. "$(dirname "$0")/../case.sh"
# Small and with few inodes: a copy that feeds on itself stops soon.
host_setup tmpfs 16M,nr_inodes=3000
mkdir -p "$SRC/tree/sub" "$HOST/alias"
echo inside >"$SRC/tree/sub/file"
bind_mount "$SRC/tree" "$HOST/alias"
# Read by snap_before and finish (case.sh).
# shellcheck disable=SC2034
NO_DST_EXCLUDE=1
# shellcheck disable=SC2034
DST=$HOST/alias
snap_before

run_copy --from="$SRC" --to="$HOST/alias" /tree /copy/
expect_rc 1
expect_msg "^stagecp: .+: .+: .+"
expect_absent "$SRC/tree/copy"
finish
