#!/bin/bash
# Exit status and messages: 0 success; 1 when an entry failed, with
# "stagecp: <path>: <what>: <reason>" in lower case and no trailing
# period; 2 for bad usage, with nothing written; 130 after SIGINT and
# 143 after SIGTERM, leaving no partly written file under a final name;
# -q silences warnings but not errors.  The checks that run as another
# user (permission denied, warnings) need root and are left out without.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_cmd python3
require_stagecp
umask 022

is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

# well_formed FILE WHAT: every "stagecp: " line of FILE ends without a
# period and its last part, the reason, starts in lower case.
well_formed() {
	local line reason
	while IFS= read -r line; do
		case $line in
		"stagecp: "*) ;;
		*) continue ;;
		esac
		case $line in
		*.) fail "$2: message ends with a period: $line" ;;
		esac
		reason=${line##*: }
		case $reason in
		[A-Z]*) fail "$2: reason not in lower case: $line" ;;
		esac
	done <"$1"
}

# message_is PATH WHAT REASON_RE CONTEXT: stderr has the line
# "stagecp: PATH: WHAT: REASON", REASON matching the extended regex
# REASON_RE, WHAT being lower-case words.
message_is() {
	local path=$1 what=$2 reason_re=$3 ctx=$4 found
	found=$(awk -v p="stagecp: $path: $what: " \
		'index($0, p) == 1 { print substr($0, length(p) + 1); exit }' \
		"$T/err")
	[ -n "$found" ] || {
		echo "stderr: $(cat "$T/err")"
		fail "$ctx: no \"stagecp: $path: $what: ...\" line"
	}
	grep -qE "^($reason_re)\$" <<<"$found" || {
		echo "stderr: $(cat "$T/err")"
		fail "$ctx: reason \"$found\" is not /$reason_re/"
	}
	grep -qE '^[a-z][a-z0-9 _/()-]*$' <<<"$what" ||
		fail "$ctx: \"$what\" is not lower-case words"
	well_formed "$T/err" "$ctx"
}

src=$T/src
dst=$T/dst
mkdir -p "$src/tree/sub" "$dst"
echo one >"$src/tree/f1"
echo two >"$src/tree/f2"
echo four >"$src/tree/sub/f4"
ln -s f1 "$src/tree/link"

step "0: a copy that succeeds"
run --from="$src" --to="$dst" /tree /ok/
expect_rc 0 "a good copy"
[ ! -s "$T/err" ] || fail "a good copy: stderr: $(cat "$T/err")"
treecmp "$src/tree" "$dst/ok" --ignore-top

step "1: a missing source"
run --from="$src" --to="$dst" /no-such /missing/
expect_rc 1 "a missing source"
message_is /no-such copy '"/no-such": not found in the source root .* \(--from\)' "a missing source"
[ ! -e "$dst/missing" ] || fail "a missing source: /missing was created"

step "1: a directory in the way; the other entries are copied"
mkdir -p "$dst/clash/f1/occupied"
run --from="$src" --to="$dst" /tree /clash/
expect_rc 1 "a directory in the way"
message_is /clash/f1 create \
	'cannot replace to directory /clash/f1 with file' \
	"a directory in the way"
cmp -s "$src/tree/f2" "$dst/clash/f2" ||
	fail "a directory in the way: f2 was not copied"
cmp -s "$src/tree/sub/f4" "$dst/clash/sub/f4" ||
	fail "a directory in the way: sub/f4 was not copied"
[ -d "$dst/clash/f1/occupied" ] || fail "the directory in the way was removed"

if $is_root && command -v setpriv >/dev/null; then
	step "1: permission denied (as uid 65534)"
	chmod 0755 "$T"
	mkdir -p "$T/ro"
	chmod 0555 "$T/ro"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$STAGECP" --from="$src" --to="$T/ro" /tree/f1 /f1 \
		>"$T/out" 2>"$T/err" || rc=$?
	expect_rc 1 "an unwritable destination"
	message_is /f1 create 'permission denied' "an unwritable destination"
else
	echo "not root (or no setpriv): permission-denied check left out"
fi

step "2: bad usage writes nothing"
ws=$T/ws
mkdir -p "$ws"
echo content >"$ws/file"
listing() {
	find "$ws" -printf '%y %M %s %T@ %C@ %i %p\n' | LC_ALL=C sort
}
cd "$ws"
listing >"$T/ws.before"
# usage WHAT ARGS...: exit 2, nothing on stdout, a well-formed message,
# and the work directory as it was.
usage() {
	local what=$1
	shift
	run "$@"
	expect_rc 2 "$what"
	[ ! -s "$T/out" ] || fail "$what: stdout: $(cat "$T/out")"
	grep -q '^stagecp: ' "$T/err" ||
		fail "$what: no \"stagecp: \" message: $(cat "$T/err")"
	echo "$what: $(head -n 1 "$T/err")"
	well_formed "$T/err" "$what"
	listing >"$T/ws.after"
	diff -u "$T/ws.before" "$T/ws.after" ||
		fail "$what: a usage error wrote to the work directory"
}
usage "an unknown option" --no-such-option file out/
usage "an unknown short option" -Z file out/
usage "no arguments"
usage "missing DEST" file
usage "a bad octal --chmod" --chmod=999 file out/
usage "a bad symbolic --chmod" --chmod=u+q file out/
usage "--jobs=0" --jobs=0 file out/
usage "--jobs=abc" --jobs=abc file out/
usage "-j 2000" -j 2000 file out/
usage "--jobs without a value" file out/ --jobs
usage "a bad --strategy" --strategy=fastest file out/
usage "an empty --strategy" --strategy= file out/
usage "a bad --stage" --stage=nameonly file out/
usage "a bad --exclude pattern" '--exclude=[' file out/
usage "-f outside exec" -f Dockerfile file out/
usage "exec without instructions" exec
cd "$TOP"

step "-q: silences warnings, not errors"
if $is_root && command -v setpriv >/dev/null; then
	# As uid 65534 the copy cannot keep root's ownership: a warning,
	# not a failure.
	chmod 0755 "$T"
	mkdir -p "$T/nobody"
	chown 65534:65534 "$T/nobody"
	as_nobody() {
		rc=0
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$STAGECP" "$@" >"$T/out" 2>"$T/err" || rc=$?
	}
	as_nobody --from="$src" --to="$T/nobody" /tree/f1 /w1
	expect_rc 0 "a copy with a warning"
	grep -q '^stagecp: warning: ' "$T/err" ||
		fail "a copy as uid 65534 of root's file did not warn: $(cat "$T/err")"
	well_formed "$T/err" "a warning"
	as_nobody -q --from="$src" --to="$T/nobody" /tree/f1 /w2
	expect_rc 0 "-q with a warning"
	[ ! -s "$T/err" ] || fail "-q: the warning still shows: $(cat "$T/err")"
	cmp -s "$src/tree/f1" "$T/nobody/w2" || fail "-q: the file was not copied"
else
	echo "not root (or no setpriv): the warning half is left out"
fi
run -q --from="$src" --to="$dst" /no-such /q-missing/
expect_rc 1 "-q with a missing source"
message_is /no-such copy '"/no-such": not found in the source root .* \(--from\)' "-q with a missing source"
run --quiet --from="$src" --to="$dst" /tree /clash/
expect_rc 1 "--quiet with a directory in the way"
message_is /clash/f1 create \
	'cannot replace to directory /clash/f1 with file' \
	"--quiet with a directory in the way"

# --- interrupted copies ---------------------------------------------------

# A tree that takes a while: big files first for read/write to chew on,
# and many small ones.  A tmpfs keeps it quick to build when root.
w=$T/w
if $is_root; then
	mkfs_mount tmpfs 1G "$w"
else
	mkdir "$w"
fi
mkdir -p "$w/src"
for i in 1 2 3 4 5 6 7 8; do
	head -c $((16 << 20)) /dev/urandom >"$w/src/big$i"
done
python3 - "$w/src" <<'EOF'
import os, sys
for d in range(20):
    os.mkdir(f"{sys.argv[1]}/d{d}")
    for f in range(100):
        with open(f"{sys.argv[1]}/d{d}/f{f}", "w") as fh:
            fh.write("y" * (f * 37))
EOF

# A copy still running when the test ends (a failure, a timeout) is
# ended first, a paused one too: it would hold the mount.  Then lib.sh's
# cleanup, with the test's status.
copy_pid=
trap 'rc=$?; set +e; trap - ERR; [ -z "$copy_pid" ] || { kill -TERM "$copy_pid"; kill -CONT "$copy_pid"; wait; } 2>/dev/null; (exit $rc); _cleanup' EXIT

# interrupt SIG STATUS: copy the tree with read/write, and once the copy
# has begun stop it, send SIG and let it go on; it must exit STATUS and
# every file it left must be whole.  SIGSTOP first makes sure the signal
# lands while the copy runs, however fast the machine.
interrupt() {
	local sig=$1 want=$2 d=$w/dst-$1 pid i rc=0
	step "$want after SIG$sig"
	"$STAGECP" --strategy=rw --from="$w" --to="$w" /src/ "/dst-$sig/" \
		>"$T/out" 2>"$T/err" &
	pid=$!
	copy_pid=$pid
	# Three files in: some are whole, one is likely half written.
	for ((i = 0; i < 4000; i++)); do
		[ "$(find "$d" -type f 2>/dev/null | head -n 3 | wc -l)" -ge 3 ] &&
			break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.002
	done
	if ! stop_process "$pid"; then
		kill -CONT "$pid" 2>/dev/null
		wait "$pid" || true
		fail "SIG$sig: the copy was over before the signal: the tree is too small for this machine"
	fi
	kill "-$sig" "$pid"
	kill -CONT "$pid"
	wait "$pid" || rc=$?
	copy_pid=
	echo "exit status $rc; stderr: $(head -c 500 "$T/err")"
	[ "$rc" -eq "$want" ] || fail "SIG$sig: exit status $rc, want $want"
	well_formed "$T/err" "SIG$sig"
	# Every file left is complete and has a source; nothing else is
	# there (no temporary names).
	python3 - "$w/src" "$d" <<'EOF' || fail "SIG$sig: a partial or stray file is left in the destination"
import filecmp, os, sys
src, dst = sys.argv[1], sys.argv[2]
bad = 0
n = total = 0
for root, dirs, files in os.walk(dst):
    for name in dirs + files:
        p = os.path.join(root, name)
        rel = os.path.relpath(p, dst)
        s = os.path.join(src, rel)
        if not os.path.lexists(s):
            print(f"{rel}: in the destination, not in the source")
            bad += 1
        elif name in files:
            n += 1
            if not filecmp.cmp(s, p, shallow=False):
                print(f"{rel}: differs from the source "
                      f"({os.lstat(p).st_size} of {os.lstat(s).st_size} bytes)")
                bad += 1
for root, dirs, files in os.walk(src):
    total += len(files)
print(f"{n} of {total} files in the destination, all whole" if not bad
      else f"{bad} bad entries")
sys.exit(1 if bad else 0)
EOF
}

interrupt INT 130
interrupt TERM 143

# exec takes --chmod from each COPY line; one on the command line must
# not be dropped without a word.
step "2: exec with a bad --chmod on the command line"
cd "$ws"
listing >"$T/ws.before"
usage "exec with a bad --chmod" exec --chmod=999 'COPY file out/'
cd "$TOP"

# An instruction file that cannot be read: one line, with the reason of
# the call that failed (a directory is EISDIR, not an I/O error).
step "1: exec -f with a file that cannot be read"
run exec -f "$T"
expect_rc 1 "exec -f DIR"
[ "$err" = "stagecp: $T: read: is a directory" ] ||
	fail "exec -f DIR: stderr is \"$err\""
run exec -f "$T/no-such-file"
expect_rc 1 "exec -f with a missing file"
[ "$err" = "stagecp: $T/no-such-file: open: no such file or directory" ] ||
	fail "exec -f with a missing file: stderr is \"$err\""

echo "ok: exit codes"
