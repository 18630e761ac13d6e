#!/bin/bash
# --atomic after kill -9 where the filesystem has no O_TMPFILE: files are
# staged under hidden .stagecp-tmp.PID.N names, and a killed run leaves
# them.  A later --atomic run removes those in every directory it writes,
# and only those: a stagecp name, a regular file with one link, owned by
# the user the run writes as, named after a pid that no longer runs.
# tests/helpers/no-tmpfile makes every O_TMPFILE open fail with
# EOPNOTSUPP (a seccomp filter), as on vfat or NFS.
. "$(dirname "$0")/../lib.sh"
require_root
require_cmd python3
NOTMP=$HELPERS/no-tmpfile
[ -x "$NOTMP" ] || skip "no $NOTMP (make helpers)"

S=$T/src
D=$T/dst
mkdir -p "$S/app/sub" "$D/app/sub"
head -c 300M /dev/zero | tr '\0' z >"$S/app/sub/big"
echo small >"$S/app/small"
echo deeper >"$S/app/sub/small"

# A pid that ran and ended.
sleep 0 &
dead=$!
wait "$dead"

step "a killed --atomic run leaves its temporary file"
for ((try = 1; ; try++)); do
	rm -rf "$D/app/sub/big"
	# Kill it the moment its staged file shows.
	rc=0
	pid=$(python3 -S -c 'import os, subprocess, sys, time
d = sys.argv[1]
p = subprocess.Popen(sys.argv[2:], stderr=subprocess.DEVNULL)
end = time.monotonic() + 20
while p.poll() is None and time.monotonic() < end:
    if any(n.startswith(".stagecp-tmp.") for n in os.listdir(d)):
        p.kill()
        break
print(p.pid)
sys.exit(-p.wait())' "$D/app/sub" "$NOTMP" "$STAGECP" --atomic --jobs=1 \
		--strategy=rw --from="$S" --to="$D" /app /app) || rc=$?
	left=$(find "$D/app" -name '.stagecp-tmp.*' | head -n 1)
	[ "$rc" -eq 9 ] && [ -n "$left" ] && break
	[ "$try" -lt 5 ] || skip "could not kill a copy while it staged a file"
done
echo "left by pid $pid: $left"
case ${left##*/} in
".stagecp-tmp.$pid."*) ;;
*) fail "the leftover $left is not named after the killed pid $pid" ;;
esac

step "look-alikes that are not a killed stagecp's"
for dir in "$D/app" "$D/app/sub"; do
	echo stale >"$dir/.stagecp-tmp.$dead.900"
	echo other >"$dir/.stagecp-tmp.$dead.901"
	chown 4321 "$dir/.stagecp-tmp.$dead.901"
	echo live >"$dir/.stagecp-tmp.$$.902"
	mkdir "$dir/.stagecp-tmp.$dead.903"
	ln -s /etc/hostname "$dir/.stagecp-tmp.$dead.904"
	echo linked >"$dir/.stagecp-tmp.$dead.905"
	ln "$dir/.stagecp-tmp.$dead.905" "$dir/linked-elsewhere"
	echo x >"$dir/.stagecp-tmp.$dead.906x"
	echo x >"$dir/.stagecp-tmp.x.907"
	echo x >"$dir/.stagecp-tmp.$dead"
done

step "the next --atomic run removes the leftovers, and only them"
run --atomic --from="$S" --to="$D" /app /app
expect_rc 0 "the run after the kill"
cat "$T/err"
[ ! -e "$left" ] || fail "$left is still there"
for dir in "$D/app" "$D/app/sub"; do
	[ ! -e "$dir/.stagecp-tmp.$dead.900" ] ||
		fail "$dir/.stagecp-tmp.$dead.900 is still there"
	for n in "$dead.901" "$$.902" "$dead.903" "$dead.904" "$dead.905" \
		"$dead.906x" x.907 "$dead"; do
		[ -e "$dir/.stagecp-tmp.$n" ] || [ -L "$dir/.stagecp-tmp.$n" ] ||
			fail "$dir/.stagecp-tmp.$n was removed, but is not a stale stagecp file"
	done
done
grep -q "warning: .*/app/sub: --atomic: removed ${left##*/}, left by a killed copy" \
	"$T/err" || fail "no warning names the removed file"
cmp "$S/app/sub/big" "$D/app/sub/big"
cmp "$S/app/small" "$D/app/small"

step "without --atomic, nothing is swept"
echo stale >"$D/app/.stagecp-tmp.$dead.908"
run --from="$S" --to="$D" /app /app
expect_rc 0 "a plain run"
[ -e "$D/app/.stagecp-tmp.$dead.908" ] || fail "a plain run removed a temporary"
echo ok
