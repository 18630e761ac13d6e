#!/bin/bash
# The destination's /etc/passwd is over 10 MiB, the user on its last line:
# past the size cap (rule 6), refused with status 1 and a message.
. "$(dirname "$0")/../case.sh"
. "$HOSTILE/chown.sh"
host_setup
chown_tree
stage_accounts "$DST/etc"
python3 -S -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("root:x:0:0:stage root:/root:/bin/sh\n")
    n = 0
    while f.tell() < 11 * 1024 * 1024:
        n += 1
        f.write("filler%07d:x:%d:%d::/nonexistent:/bin/false\n" %
                (n, 100000 + n, 100000 + n))
    f.write("daemon:x:777:778:stage daemon:/:/bin/false\n")' "$DST/etc/passwd"
snap_before

run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
expect_rc 1
expect_errors "^stagecp: .*(passwd|daemon).*: .+: .+"
expect_no_owner 777
finish
