# Sourced by every hostile-tree case: tests/hostile/cases/NAME.sh.
#
# A case builds a "host" tree HOST (a private filesystem of its own) that
# holds the source root SRC, the destination root DST and, next to them,
# things the copy must never touch or read:
#   HOST/outside/        sentinel directory: secret, victim, sub/secret
#   HOST/etc/            a fake host /etc: passwd, group, shadow
#   HOST/0-sentinel, HOST/z-sentinel   files sorting before and after
# Every one of them holds the marker $MARK; so does the environment of
# every stagecp run (a read of /proc/self/environ would show) and its
# stdin, HOST/stdin-sentinel.  The cwd of a run is HOST/outside, so that
# nothing may silently lean on it.
#
# Then: snap_before; run_copy ARGS...; expect_* checks; finish.  finish
# adds the three checks every case makes:
#   1. nothing outside DST changed: a snapshot of HOST (DST excluded) and
#      of the real /etc/passwd, /etc/group and /etc/shadow, before and
#      after (types, modes, owners, sizes, link counts, inodes, mtimes and
#      ctimes in ns, symlink texts, content hashes, xattrs, inode flags);
#   2. no byte from outside SRC reached DST: no $MARK in any name, symlink
#      text, content or xattr under DST, nor the first line of the real
#      /etc/shadow or /etc/passwd;
#   3. every run ended by itself within $HOSTILE_TIMEOUT s, with the
#      expected status, and every stderr line reads
#      `stagecp: <path>: <what>: <reason>` with no raw control byte.
# A failed check does not end the case: finish lists all of them, each
# with the command that was run, what was expected and what happened.
#
# Clean-up on every exit path (signals too): racing processes are killed
# by pid, immutable/append-only flags are cleared, loop devices detached,
# then tests/lib.sh unmounts every mount newest first.
# shellcheck shell=bash

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

HOSTILE=$TOP/tests/hostile
SNAPSHOT=$HOSTILE/snapshot.py
HOSTILE_TIMEOUT=${HOSTILE_TIMEOUT:-20}
CASE=$(basename "$0" .sh)

require_root
require_cmd python3 timeout
require_stagecp

_racers=()
_loopdevs=()
_flagged=0
_problems=()
_snap_opts=()
_runs=0
RC=
LAST_CMD=

_hostile_cleanup() {
	local rc=$? p i
	set +e
	for p in "${_racers[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${_racers[@]}"; do
		# A racer ends within a moment of TERM; one that does not
		# is killed.
		for ((i = 0; i < 50; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	_racers=()
	if [ "$_flagged" = 1 ] && [ -n "${HOST:-}" ]; then
		# -R skips symlinks, FIFOs and devices; flags a bad copy may
		# have carried into DST go too.
		chattr -R -f -i -a "$HOST" 2>/dev/null
	fi
	for p in "${_loopdevs[@]}"; do
		losetup -d "$p" 2>/dev/null ||
			echo "$CASE: $p: cannot detach" >&2
	done
	_loopdevs=()
	return "$rc"
}
trap '_hostile_cleanup; _cleanup' EXIT
# A case whose output pipe closes still cleans up.
trap 'exit 141' PIPE

# --- the host tree -------------------------------------------------------

# host_setup [FSTYPE [SIZE]]: HOST on a fresh filesystem (tmpfs unless
# told), with SRC, DST and the sentinels.  A small filesystem also bounds
# what a runaway copy can fill.
host_setup() {
	local type=${1:-tmpfs} size=${2:-256M}

	HOST=$T/host
	mkfs_mount "$type" "$size" "$HOST"
	# A tmpfs root is sticky and world-writable: fs.protected_symlinks
	# could then mask bugs.  Private and plain instead.
	chmod 0755 "$HOST"
	SRC=$HOST/src
	DST=$HOST/dst
	MARK=HOSTILE-OUTSIDE-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	export MARK
	mkdir -p "$SRC" "$DST" "$HOST/outside/sub" "$HOST/etc" \
		"$HOST/sentinel-dir"
	printf '%s secret\n' "$MARK" >"$HOST/outside/secret"
	printf '%s victim\n' "$MARK" >"$HOST/outside/victim"
	printf '%s deeper\n' "$MARK" >"$HOST/outside/sub/secret"
	printf '%s before\n' "$MARK" >"$HOST/0-sentinel"
	printf '%s after\n' "$MARK" >"$HOST/z-sentinel"
	printf '%s in a dir\n' "$MARK" >"$HOST/sentinel-dir/file"
	printf 'root:x:0:0:%s:/root:/bin/sh\ndaemon:x:1:1:host daemon:/:/bin/sh\nhostonly:x:3131:3131:%s:/:/bin/sh\n' \
		"$MARK" "$MARK" >"$HOST/etc/passwd"
	printf 'root:x:0:\ndaemon:x:1:\nstaff:x:50:%s\n' "$MARK" \
		>"$HOST/etc/group"
	printf 'root:%s:19000:0:99999:7:::\n' "$MARK" >"$HOST/etc/shadow"
	chmod 0640 "$HOST/etc/shadow"
	# Every run's stdin: a copy must neither read fd 0 nor mistake it for
	# one of its own (a zeroed fd field is fd 0).
	printf '%s on stdin\n' "$MARK" >"$HOST/stdin-sentinel"
	cd "$HOST/outside" || exit 1
}

# The real host files a case may name (for reading) but must never change.
REAL_HOST_FILES=(/etc/passwd /etc/group /etc/shadow)

# snap_before [OPTION...]: the "before" snapshot.  Options go to
# snapshot.py take (--volatile PATH, --ignore PATH FIELDS, --exclude PATH);
# DST is excluded unless NO_DST_EXCLUDE=1 (a copy that must be refused
# may change nothing at all).
snap_before() {
	_snap_opts=("$@")
	if [ "${NO_DST_EXCLUDE:-0}" != 1 ]; then
		_snap_opts+=(--exclude "$DST")
	fi
	python3 -S "$SNAPSHOT" take "$T/snap.before" "${_snap_opts[@]}" \
		"$HOST" "${REAL_HOST_FILES[@]}"
}

# --- running the copy ----------------------------------------------------

# Bytes that must not reach a terminal, shown as \xNN.
_escape() {
	LC_ALL=C sed -n 'l 0' "$1" | sed 's/\$$//'
}

# run_copy ARG...: runs stagecp with ARGs under timeout; RC, $T/out and
# $T/err hold the outcome.  A run that had to be killed is a problem.
# HOSTILE_ENGINE (say --io-uring=all) goes before the ARGs, after the
# "exec" of an exec run.
run_copy() {
	local q
	if [ -n "${HOSTILE_ENGINE:-}" ]; then
		if [ "${1:-}" = exec ]; then
			set -- exec "$HOSTILE_ENGINE" "${@:2}"
		else
			set -- "$HOSTILE_ENGINE" "$@"
		fi
	fi
	_runs=$((_runs + 1))
	q=$(printf ' %q' "$@")
	LAST_CMD="stagecp$q"
	echo "\$ (cd $(printf %q "$PWD") && stagecp$q)"
	RC=0
	env HOSTILE_SECRET="$MARK" \
		timeout -k 5 "$HOSTILE_TIMEOUT" "$STAGECP" "$@" \
		<"$HOST/stdin-sentinel" >"$T/out" 2>"$T/err" || RC=$?
	echo "exit status $RC"
	if [ -s "$T/out" ]; then
		echo "stdout:"
		head -n 20 "$T/out" | _escape /dev/stdin | sed 's/^/  /'
	fi
	if [ -s "$T/err" ]; then
		echo "stderr:"
		head -n 20 "$T/err" | _escape /dev/stdin | sed 's/^/  /'
	fi
	cat "$T/err" >>"$T/err.all"
	case $RC in
	124 | 137)
		problem "did not end within ${HOSTILE_TIMEOUT}s (killed by timeout, status $RC)"
		;;
	esac
	if [ "$RC" -gt 128 ] && [ "$RC" != 137 ]; then
		problem "killed by signal $((RC - 128))"
	fi
	_check_format "$T/err"
}

# --- checks ----------------------------------------------------------------

# problem TEXT: one failed check, reported by finish.
problem() {
	_problems+=("${LAST_CMD:-(setup)}"$'\n'"      $*")
	echo "PROBLEM: $*"
}

# expect_rc STATUS...: the last run ended with one of STATUS.
expect_rc() {
	local s
	for s in "$@"; do
		[ "$RC" = "$s" ] && return 0
	done
	problem "exit status $RC, expected ${*// / or }; stderr: $(_first_err)"
}

_first_err() {
	if [ -s "$T/err" ]; then
		head -n 3 "$T/err" | _escape /dev/stdin | tr '\n' '|'
	else
		echo "(empty)"
	fi
}

# expect_msg ERE: a stderr line of the last run matches ERE.
expect_msg() {
	grep -Eq -- "$1" "$T/err" ||
		problem "no stderr line matches /$1/; stderr: $(_first_err)"
}

# expect_errors ERE...: each ERE matches a stderr line of the last run,
# and every error line (warnings aside) matches one of them: a failure
# is reported once, as what it is, with no stray errors beside it.
expect_errors() {
	local re line ok
	for re in "$@"; do
		expect_msg "$re"
	done
	while IFS= read -r line; do
		case $line in "stagecp: warning: "*) continue ;; esac
		ok=0
		for re in "$@"; do
			if grep -Eq -- "$re" <<<"$line"; then
				ok=1
				break
			fi
		done
		[ "$ok" = 1 ] || problem "unexpected error line: $(_escape /dev/stdin <<<"$line")"
	done <"$T/err"
}

# expect_no_error: no error line (warnings allowed) in the last run.
expect_no_error() {
	if grep -v '^stagecp: warning: ' "$T/err" | grep -q .; then
		problem "unexpected error output: $(_first_err)"
	fi
}

# expect_success: status 0 and no error line.
expect_success() {
	expect_rc 0
	expect_no_error
}

# Every stderr line is `stagecp: [warning: ]<path>: <what>: <reason>`,
# the reason without a trailing period, and no raw control byte (names
# with newlines or escapes must be escaped, not printed).
_check_format() {
	local bad
	if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$1"); then
		problem "raw control bytes on stderr: $(_first_err)"
	fi
	bad=$(LC_ALL=C grep -Ev '^stagecp: (warning: )?.+: [^:]+: .*[^.]$' \
		"$1" | head -n 1 | _escape /dev/stdin) || true
	[ -z "$bad" ] ||
		problem "stderr line not in the form 'stagecp: <path>: <what>: <reason>': $bad"
}

_type_of() {
	if [ -L "$1" ]; then
		echo symlink
	elif [ -d "$1" ]; then
		echo dir
	elif [ -f "$1" ]; then
		echo file
	elif [ -p "$1" ]; then
		echo fifo
	elif [ -c "$1" ]; then
		echo chr
	elif [ -b "$1" ]; then
		echo blk
	elif [ -S "$1" ]; then
		echo sock
	elif [ -e "$1" ]; then
		echo other
	else
		echo none
	fi
}

# expect_type PATH TYPE (file dir symlink fifo chr blk sock none)
expect_type() {
	local t
	t=$(_type_of "$1")
	[ "$t" = "$2" ] || problem "${1#"$HOST"/}: is $t, expected $2"
}

expect_absent() {
	expect_type "$1" none
}

# expect_file PATH TEXT: a regular file (not a symlink) holding TEXT and a
# newline.
expect_file() {
	local t
	t=$(_type_of "$1")
	if [ "$t" != file ]; then
		problem "${1#"$HOST"/}: is $t, expected a file holding '$2'"
	elif ! printf '%s\n' "$2" | cmp -s - "$1"; then
		problem "${1#"$HOST"/}: holds '$(head -c 80 "$1" | _escape /dev/stdin | head -n 1)', expected '$2'"
	fi
}

# expect_symlink PATH TEXT: still a symlink, its text verbatim.
expect_symlink() {
	local t
	t=$(_type_of "$1")
	if [ "$t" != symlink ]; then
		problem "${1#"$HOST"/}: is $t, expected a symlink to '$2'"
	elif [ "$(readlink "$1")" != "$2" ]; then
		problem "${1#"$HOST"/}: symlink to '$(readlink "$1")', expected '$2'"
	fi
}

# expect_mode PATH OCTAL
expect_mode() {
	local m
	m=$(stat -c %04a "$1" 2>/dev/null) || m=none
	[ "$m" = "$2" ] || problem "${1#"$HOST"/}: mode $m, expected $2"
}

# expect_rdev PATH MAJOR MINOR
expect_rdev() {
	local r
	r=$(stat -c '%Hr:%Lr' "$1" 2>/dev/null) || r=none
	[ "$r" = "$2:$3" ] || problem "${1#"$HOST"/}: device $r, expected $2:$3"
}

# expect_owner PATH UID GID
expect_owner() {
	local o
	o=$(stat -c '%u:%g' "$1" 2>/dev/null) || o=none
	[ "$o" = "$2:$3" ] || problem "${1#"$HOST"/}: owner $o, expected $2:$3"
}

# expect_entries DIR NAME...: DIR holds exactly these names.
expect_entries() {
	local dir=$1 got want
	shift
	got=$(ls -A "$dir" 2>/dev/null | LC_ALL=C sort | tr '\n' ' ') || true
	want=
	[ $# -eq 0 ] ||
		want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
	[ "$got" = "$want" ] ||
		problem "${dir#"$HOST"/}: holds [${got% }], expected [${want% }]"
}

# expect_same_tree A B: the copy B has A's entries, types, modes,
# contents, symlink texts and device numbers (by fd; any depth, any name).
expect_same_tree() {
	local out
	out=$(python3 -S "$SNAPSHOT" same "$1" "$2" 2>&1) ||
		problem "copy ${2#"$HOST"/} differs from ${1#"$HOST"/}: $(head -n 5 <<<"$out" | tr '\n' '|')"
}

# expect_flags_clear PATH...: no immutable or append-only flag.
expect_flags_clear() {
	local p f
	for p in "$@"; do
		f=$(lsattr -d "$p" 2>/dev/null | awk '{print $1}') || f=
		case $f in
		*[ia]*) problem "${p#"$HOST"/}: inode flags $f (i or a carried over)" ;;
		esac
	done
}

# expect_flag PATH LETTER: the flag is still set.
expect_flag() {
	local f
	f=$(lsattr -d "$1" 2>/dev/null | awk '{print $1}') || f=
	case $f in
	*"$2"*) ;;
	*) problem "${1#"$HOST"/}: flag $2 gone (flags '$f')" ;;
	esac
}

# --- helpers for building hostile trees ----------------------------------

# set_flag +i|+a PATH...: chattr, cleared again on every exit path.
set_flag() {
	_flagged=1
	chattr "$@"
}

# start_racer CMD...: a background process killed on every exit path.
# RACER is its pid.
start_racer() {
	"$@" &
	RACER=$!
	_racers+=("$RACER")
	# On a loaded machine python takes a while to start: the copies race
	# only once it swaps.
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q '^started' "$T/racer.out" 2>/dev/null && break
		sleep 0.05
	done
}

# stop_racer PID: TERM it and wait (it stops by itself within a moment).
stop_racer() {
	local p=$1 i keep=()
	kill -TERM "$p" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	for i in "${_racers[@]}"; do
		[ "$i" = "$p" ] || keep+=("$i")
	done
	_racers=("${keep[@]}")
}

# bind_mount FROM DIR: a bind mount, unmounted on every exit path.
bind_mount() {
	mount --bind "$1" "$2"
	_mounts+=("$2")
}

# loop_device IMAGE: attach; LOOPDEV is the device, detached at exit.
loop_device() {
	LOOPDEV=$(losetup --find --show "$1") ||
		skip "no free loop device"
	_loopdevs+=("$LOOPDEV")
}

# racer DIR A B [A B]...: swap A and B in DIR (renameat2 RENAME_EXCHANGE),
# each pair in turn, until stopped, at most 60 s.  RACER is its pid.
racer() {
	python3 -S "$HOSTILE/racer.py" "$1" "$2" "$3" 100000000 60 "${@:4}" \
		>"$T/racer.out" 2>&1 &
	RACER=$!
	_racers+=("$RACER")
	# Copies raced before the racer runs would race nothing.  Python may
	# take seconds to start on a loaded machine: wait up to 60 s, or
	# until it died.
	local i
	for ((i = 0; i < 1200; i++)); do
		grep -q '^started' "$T/racer.out" 2>/dev/null && break
		kill -0 "$RACER" 2>/dev/null || break
		sleep 0.05
	done
}

# stop_racing: stop the racer; a racer that never swapped made the case
# vacuous.
stop_racing() {
	local n
	stop_racer "$RACER"
	cat "$T/racer.out"
	n=$(sed -n 's/^swaps: //p' "$T/racer.out")
	[ "${n:-0}" -gt 0 ] || problem "the racer did not race: $(tr '\n' ' ' <"$T/racer.out")"
}

# race_loop SECONDS MAX FUNC: call FUNC N (N = 1, 2, ...) while the racer
# runs, at most MAX times or SECONDS; each FUNC runs one copy.  Only the
# last run's output is kept in the log.
race_loop() {
	local secs=$1 max=$2 fn=$3 end n=0
	end=$((SECONDS + secs))
	while [ "$n" -lt "$max" ] && [ "$SECONDS" -lt "$end" ]; do
		n=$((n + 1))
		"$fn" "$n" >"$T/race.log"
	done
	cat "$T/race.log"
	echo "$n copies raced"
}

# make_files DIR N: N small files of inside data, to give a race time.
make_files() {
	python3 -S -c 'import os, sys
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], "f%04d" % i), "w") as f:
        f.write("inside %d\n" % i)' "$1" "$2"
}

# --- the end -------------------------------------------------------------

finish() {
	local out rc=0
	if [ -e "$T/snap.before" ]; then
		out=$(python3 -S "$SNAPSHOT" finish "$T/snap.before" "$DST" \
			"$MARK" --secret /etc/shadow --secret /etc/passwd -- \
			"${_snap_opts[@]}" "$HOST" "${REAL_HOST_FILES[@]}") ||
			rc=$?
		echo "$out"
		[ $((rc & 1)) = 0 ] ||
			problem "changed outside the destination root: $(sed -n '/^-- outside/,/^-- in the/p' <<<"$out" | sed '1d;$d' | head -n 6 | tr '\n' '|')"
		[ $((rc & 2)) = 0 ] ||
			problem "bytes from outside the source root in the destination: $(sed -n '/^-- in the/,$p' <<<"$out" | sed 1d | head -n 6 | tr '\n' '|')"
		[ "$rc" -lt 4 ] || problem "snapshot.py failed: $out"
	else
		problem "the case took no snapshot"
	fi
	[ "$_runs" -gt 0 ] || problem "stagecp never ran"
	if [ ${#_problems[@]} -eq 0 ]; then
		echo "ok $CASE"
		exit 0
	fi
	echo "not ok $CASE"
	printf '  %s\n' "${_problems[@]}"
	exit 1
}

# expect_no_kernel_bytes FS: a copy from a kernel filesystem (rule 13) was
# refused (status 2, or 1 with a message) or at least read no byte: every
# copied regular file is empty.
expect_no_kernel_bytes() {
	local data
	expect_rc 0 1 2
	[ "$RC" != 2 ] || return 0
	[ "$RC" = 0 ] || expect_msg "^stagecp: .+: .+: .+"
	data=$(find "$DST" -type f -size +0 2>/dev/null | head -n 5) || true
	[ -z "$data" ] ||
		problem "bytes read from $1 into: $(tr '\n' ' ' <<<"$data")"
}
