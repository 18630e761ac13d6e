#!/bin/bash
# Progress: one line on stderr, redrawn in place ("\r"), with --progress
# and by default when stderr is a terminal and the copy has run for over
# a second; never with --no-progress, and never when stderr is a file or
# a pipe.  The terminal is a pseudo-terminal from script(1).
#
# No timing is asserted.  To be sure a copy outlasts a second, the test
# stops it with SIGSTOP as soon as it has begun and continues it 1.5 s
# later; the copy's own elapsed_s (--json) confirms it.  A tmpfs keeps
# the tree quick to build when the test runs as root.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_cmd python3 script
require_stagecp
script --help 2>&1 | grep -q -- '--return' ||
	skip "script(1) is not util-linux's (no --return)"

# Copies still running when the test ends (a failure, a timeout) are
# ended first, paused ones too: they would hold the mount and fill the
# directory being removed.  Then lib.sh's cleanup, with the test's status.
bg_pids=()
stop_copies() {
	local p
	for p in "${bg_pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		kill -CONT "$p" 2>/dev/null
	done
	wait
}
trap 'rc=$?; set +e; trap - ERR; stop_copies; [ -z "$shm" ] || rm -rf "$shm"; (exit $rc); _cleanup' EXIT

# 10000 small files in 40 directories, enough that the copy is still
# running when it is stopped.  On a tmpfs: a disk under load can take
# many seconds per copy.  Without root, /dev/shm stands in for a mount.
shm=
if [ "$(id -u)" -eq 0 ]; then
	w=$T/w
	mkfs_mount tmpfs 512M "$w"
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
	shm=$(mktemp -d /dev/shm/stagecp-progress.XXXXXX)
	w=$shm
else
	w=$T/w
	mkdir "$w"
fi
nfiles=10000
python3 - "$w/src" <<'EOF'
import os, sys
root = sys.argv[1]
for d in range(40):
    os.makedirs(f"{root}/d{d}")
    for f in range(250):
        with open(f"{root}/d{d}/f{f}", "w") as fh:
            fh.write("p" * (f % 64))
EOF

progress_re=$'\r\e\\[K[0-9]+ entries, [0-9]+\\.[0-9] MiB, [0-9]+\\.[0-9] MiB/s, (clone|copy_file_range|read/write|hardlink|-)'

n=0
# pause_when_started PID DIR: once DIR has an entry, stop PID for 1.5 s.
# Fails if the copy ended before it could be stopped.
pause_when_started() {
	local pid=$1 dir=$2 i
	for ((i = 0; i < 2000; i++)); do
		[ -n "$(ls -A "$dir" 2>/dev/null)" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.005
	done
	if ! stop_process "$pid"; then
		kill -CONT "$pid" 2>/dev/null
		wait
		fail "the copy was over before SIGSTOP: the tree is too small for this machine"
	fi
	sleep 1.5
	kill -CONT "$pid"
}

# on_tty ARGS...: a copy of src with stderr on a pseudo-terminal, paused
# once started.  Leaves stderr's bytes in $T/tty.$n, the JSON (stdout)
# in $T/json.$n and the destination in $dst.
on_tty() {
	local cmd pidfile rc=0 pid i spid
	n=$((n + 1))
	dst=$w/dst$n
	pidfile=$T/pid.$n
	cmd=$(printf '%q ' "$STAGECP" --json --from="$w" --to="$w" "$@" \
		/src/ "/dst$n/")
	# The inner shell names stagecp's pid, so it can be paused.
	script -qfec "$cmd >$(printf %q "$T/json.$n") & echo \$! >$(printf %q "$pidfile"); wait \$!" \
		/dev/null </dev/null >"$T/tty.$n" &
	spid=$!
	bg_pids+=("$spid")
	for ((i = 0; i < 2000; i++)); do
		[ -s "$pidfile" ] && break
		sleep 0.005
	done
	pid=$(cat "$pidfile")
	bg_pids+=("$pid")
	pause_when_started "$pid" "$dst"
	wait "$spid" || rc=$?
	[ "$rc" -eq 0 ] || fail "stagecp $* under script exited $rc: $(head -c 2000 "$T/tty.$n")"
	check_done "$T/json.$n" "$*"
}

# check_done JSON WHAT: the copy finished, all of it, and its JSON says
# it ran for over a second (the pause counts).
check_done() {
	python3 - "$1" "$nfiles" <<'EOF' || fail "$2: the JSON on stdout is not the clean object expected"
import json, sys
o = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
if o["errors"] or o["entries"]["file"] != int(sys.argv[2]):
    sys.exit(f"not every file copied: {o['entries']}, {o['errors'][:5]}")
if o["elapsed_s"] <= 1.0:
    sys.exit(f"elapsed_s {o['elapsed_s']}: the pause did not make the copy long")
EOF
	rm -rf "$dst"
}

# shows_progress FILE WHAT: FILE holds progress lines, redrawn in place.
shows_progress() {
	local lines
	lines=$(grep -aEo "$progress_re" "$1" | wc -l) || true
	echo "$2: $lines progress lines"
	[ "$lines" -ge 1 ] || {
		od -c "$1" | head -20
		fail "$2: no progress line (\\r, entries, MiB) on stderr"
	}
	# One line redrawn in place: the copy wrote no newline at all.
	if [ "$(tr -dc '\n' <"$1" | wc -c)" -ne 0 ]; then
		od -c "$1" | head -20
		fail "$2: stderr has a newline: the progress line is not redrawn in place"
	fi
}

no_progress() {
	if [ -s "$1" ]; then
		od -c "$1" | head -20
		fail "$2: stderr is not empty"
	fi
}

step "--progress on a terminal"
on_tty --progress
shows_progress "$T/tty.$n" "--progress on a terminal"

step "default on a terminal, copy longer than a second"
on_tty
shows_progress "$T/tty.$n" "default on a terminal"

step "--no-progress on a terminal"
on_tty --no-progress
no_progress "$T/tty.$n" "--no-progress on a terminal"

step "--progress then --no-progress: the last one wins"
on_tty --progress --no-progress
no_progress "$T/tty.$n" "--progress --no-progress on a terminal"

step "default on a terminal, a short copy"
echo small >"$T/one-file"
script -qfec "$(printf '%q ' "$STAGECP" --json --from="$T" --to="$T" /one-file /short/) >$(printf %q "$T/json.short")" \
	/dev/null </dev/null >"$T/tty.short" || fail "short copy under script failed"
# Only when the copy really took less than a second, which the JSON says.
if python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["elapsed_s"] >= 0.9)' "$T/json.short"; then
	no_progress "$T/tty.short" "a short copy on a terminal"
else
	echo "the short copy took a second or more: not checked"
fi

# off_tty MODE ARGS...: the same long copy with stderr to a file (MODE
# file) or a pipe (MODE pipe); stderr's bytes end up in $T/err.$n.
off_tty() {
	local mode=$1 pid rc=0 catpid=
	shift
	n=$((n + 1))
	dst=$w/dst$n
	if [ "$mode" = pipe ]; then
		mkfifo "$T/fifo.$n"
		cat "$T/fifo.$n" >"$T/err.$n" &
		catpid=$!
		bg_pids+=("$catpid")
		"$STAGECP" --json --from="$w" --to="$w" "$@" /src/ "/dst$n/" \
			>"$T/json.$n" 2>"$T/fifo.$n" &
	else
		"$STAGECP" --json --from="$w" --to="$w" "$@" /src/ "/dst$n/" \
			>"$T/json.$n" 2>"$T/err.$n" &
	fi
	pid=$!
	bg_pids+=("$pid")
	pause_when_started "$pid" "$dst"
	wait "$pid" || rc=$?
	[ -z "$catpid" ] || wait "$catpid"
	[ "$rc" -eq 0 ] || fail "stagecp $* (stderr to a $mode) exited $rc: $(head -c 2000 "$T/err.$n")"
	check_done "$T/json.$n" "stderr to a $mode"
}

step "default, stderr to a file, copy longer than a second"
off_tty file
no_progress "$T/err.$n" "stderr to a file"

step "default, stderr to a pipe, copy longer than a second"
off_tty pipe
no_progress "$T/err.$n" "stderr to a pipe"

# The issue: "It is never on when stderr is not a terminal, so logs and
# pipes stay clean."
step "--progress, stderr to a file: still no progress"
off_tty file --progress
no_progress "$T/err.$n" "--progress with stderr to a file"

step "--progress, stderr to a pipe: still no progress"
off_tty pipe --progress
no_progress "$T/err.$n" "--progress with stderr to a pipe"

echo "ok: progress"
