#!/bin/bash
# Faults through the real binary (issue 6, "Atomic files" and "Faults").
#
#   enospc         a full 24 MiB ext4
#   edquot         a btrfs qgroup limit that runs out (this kernel has no
#                  CONFIG_QUOTA, so no user quotas on xfs, ext4 or tmpfs)
#   eacces         unreadable source entries, as nobody
#   eio            a source file whose data cannot be read: btrfs data
#                  damaged in the image fails its checksum (no
#                  device-mapper needed)
#   sigint         SIGINT in the middle of a long copy
#   sigterm        SIGTERM in the middle of a long copy, also --atomic
#   atomic-kill9   --atomic copies killed with SIGKILL at random moments
#   concurrent     two copies of two versions into one destination at once
#   readonly-dest  a 0555 destination directory, as nobody and as root
#
# Long copies run on an ext4 mounted -o sync, where they last seconds.
# Whatever happens, a final name in the destination holds a complete file
# that equals its source (one of its sources, for concurrent): a failed or
# interrupted file is removed, never left half-written.  A failure is a
# per-path message and exit 1; an interruption exits 128 + the signal.
#
# Each case runs in a subshell of its own, so one failing case does not
# hide the others; a case that cannot run here skips alone with its
# reason.  FAULTS_CASES="eio sigint" runs only those; FAULTS_SEED makes
# the random kill moments repeatable.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 setpriv losetup mkfs.ext4 cmp
require_stagecp

FAULTS=$TOP/tests/faults
NOBODY=65534
as_nobody=(setpriv "--reuid=$NOBODY" "--regid=$NOBODY" --clear-groups)
SEED=${FAULTS_SEED:-$$}
# Bounds, not timings: only a copy that hangs ever meets them.
STOP_BOUND=20
COPY_BOUND=120

# mktemp made $T 0700: nobody must reach the binary and the trees.
chmod 0755 "$T"
mkdir "$T/bin"
install -m 0755 "$STAGECP" "$T/bin/stagecp"
USTAGECP=$T/bin/stagecp

# --- cleanup ------------------------------------------------------------

# A case mounts in its subshell, where lib.sh's list of mounts does not
# reach the parent: the mount point is also written here first, so the
# parent unmounts what a case could not.
MOUNTS_LIST=$T/mounts.list
: >"$MOUNTS_LIST"

_faults_cleanup() {
	local rc=$? dirs=() i
	set +e
	mapfile -t dirs <"$MOUNTS_LIST"
	for ((i = ${#dirs[@]} - 1; i >= 0; i--)); do
		"$LOOPFS" umount "${dirs[i]}" 2>/dev/null
	done
	(exit "$rc")
	_cleanup
}
trap _faults_cleanup EXIT

# --- inside a case ---------------------------------------------------------

case_mounts=()
bg_pids=()

# The subshell's exit: kill what it started, unmount what it mounted.
_case_cleanup() {
	local rc=$? p i
	trap - EXIT
	set +e
	for p in "${bg_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	cd /
	for ((i = ${#case_mounts[@]} - 1; i >= 0; i--)); do
		"$LOOPFS" umount "${case_mounts[i]}" ||
			echo "${case_mounts[i]}: cleanup failed" >&2
	done
	exit "$rc"
}

# case_skip REASON: this case cannot run here; the others go on.
case_skip() {
	echo "SKIP $case_name: $*"
	echo "$*" >"$T/skip.$case_name"
	exit 77
}

# case_mount TYPE SIZE DIR: a fresh loop filesystem for this case only.
case_mount() {
	local rc=0 out
	echo "$3" >>"$MOUNTS_LIST"
	case_mounts+=("$3")
	out=$("$LOOPFS" mount "$1" "$2" "$3" 2>&1) || rc=$?
	case $rc in
	0) ;;
	77) case_skip "$1 filesystem unavailable: ${out##*loopfs.sh: }" ;;
	*) fail "cannot mount $1 at $3: $out" ;;
	esac
}

# A filesystem mounted -o sync writes every block before write() returns:
# a copy of some tens of MiB then lasts seconds, long enough to interrupt.
slow_mount() {
	case_mount ext4 512M "$1"
	mount -o remount,sync "$1"
}

# start_bg ERRFILE CMD...: CMD in the background, its pid in $last_pid.
start_bg() {
	local err=$1
	shift
	"$@" 2>"$err" &
	last_pid=$!
	bg_pids+=("$last_pid")
}

# Running and not yet a zombie.
alive() {
	local _p _c state
	{ read -r _p _c state _ <"/proc/$1/stat"; } 2>/dev/null || return 1
	[ "$state" != Z ]
}

# A reaped pid is not ours to kill any more.
forget_pid() {
	local keep=() p
	for p in "${bg_pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	bg_pids=("${keep[@]}")
}

# wait_bounded PID SECONDS: its exit status in $wrc; a process that
# outlives the bound is killed and the case fails.
wait_bounded() {
	local pid=$1 i
	for ((i = 0; i < $2 * 20; i++)); do
		alive "$pid" || break
		sleep 0.05
	done
	if alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "pid $pid still running after $2 s"
	fi
	wrc=0
	wait "$pid" || wrc=$?
	forget_pid "$pid"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# sleep_ms N
sleep_ms() {
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# Every entry under DST is, in full, the same entry of one of the SRCs.
same_versions() {
	python3 "$FAULTS/versions.py" "$@" ||
		fail "$1: not every entry is a whole version of its source"
}

# regular_files DIR: how many whole files are there (0 when a copy was
# killed before it made DIR).
regular_files() {
	[ -d "$1" ] || { echo 0; return; }
	find "$1" -type f ! -name '.stagecp-tmp.*' | wc -l
}

# The error lines of a run; warnings are information.
errors_of() {
	grep -v '^stagecp: warning: ' "$1" || true
}

show() {
	[ -s "$1" ] && sed 's/^/    | /' "$1"
	return 0
}

# --- source trees, made once and shared by the cases --------------------

# 8 files of 4 MiB and 20 small ones: more than 24 MiB, more than 10 MiB.
fill_src() {
	local d=$T/fill/data i
	[ -e "$T/fill/.done" ] && return 0
	rm -rf "$T/fill"
	mkdir -p "$d/sub"
	for i in 1 2 3 4 5 6 7 8; do
		head -c $((4 << 20)) /dev/urandom >"$d/big$i"
	done
	for i in $(seq 1 20); do
		echo "small file $i" >"$d/sub/s$i"
	done
	touch "$T/fill/.done"
}

# 12 files of 8 MiB among 300 small ones: seconds on a sync mount.
long_src() {
	local d=$T/long/data i
	[ -e "$T/long/.done" ] && return 0
	rm -rf "$T/long"
	mkdir -p "$d/a" "$d/b"
	for i in $(seq 1 12); do
		head -c $((8 << 20)) /dev/urandom >"$d/$((i % 2 ? 1 : 2))-big$i"
	done
	for i in $(seq 1 150); do
		echo "small $i" >"$d/a/s$i"
		echo "small $i in b" >"$d/b/s$i"
	done
	touch "$T/long/.done"
}

# Two versions of one tree: the same names, other contents and sizes.
versions_src() {
	local v i size
	[ -e "$T/ver/.done" ] && return 0
	rm -rf "$T/ver"
	for v in A B; do
		mkdir -p "$T/ver/$v/app/sub/deeper"
		for i in $(seq 1 150); do
			printf 'version %s, file %d\n' "$v" "$i" >"$T/ver/$v/app/s$i"
		done
		for i in $(seq 1 50); do
			[ "$v" = A ] && size=100 || size=3000
			head -c "$size" /dev/urandom >"$T/ver/$v/app/sub/deeper/x$i"
		done
		for i in 1 2 3 4 5 6; do
			[ "$v" = A ] && size=3 || size=5
			head -c $((size << 20)) /dev/urandom >"$T/ver/$v/app/m$i"
		done
		head -c $((2 << 20)) /dev/urandom >"$T/ver/$v/app/sub/m7"
		if [ "$v" = A ]; then
			ln -s s1 "$T/ver/$v/app/link"
		else
			ln -s sub "$T/ver/$v/app/link"
		fi
		chmod 0640 "$T/ver/$v/app/s1"
	done
	touch "$T/ver/.done"
}

# --- the cases ----------------------------------------------------------

# check_full_fault DSTROOT SRCDIR ERRFILE RC MESSAGE: after a copy of SRCDIR
# to /out that ran out of room: exit 1, a per-path MESSAGE, the failed
# files gone, the rest whole, and some big file finished before the fault.
check_full_fault() {
	local root=$1 src=$2 err=$3 rc=$4 msg=$5 p n=0 big
	show "$err"
	[ "$rc" -eq 1 ] || fail "exited $rc, not 1"
	grep -qi "^stagecp: /out/[^:]*: [^:]*: $msg\$" "$err" ||
		fail "no per-path \"$msg\" error"
	while IFS= read -r p; do
		n=$((n + 1))
		if [ -e "$root$p" ] || [ -L "$root$p" ]; then
			fail "$p: failed, but left in the destination"
		fi
	done < <(sed -n "s|^stagecp: \(/out/[^:]*\): [^:]*: $msg\$|\1|Ip" "$err")
	same_versions "$root/out" "$src" --no-temps
	big=$(find "$root/out" -name 'big*' -type f | wc -l)
	[ "$big" -ge 1 ] || fail "no big file finished before the fault stayed"
	echo "info: $n paths failed; $big of 8 big files and" \
		"$(find "$root/out/sub" -type f 2>/dev/null | wc -l) of 20" \
		"small files complete"
}

case_enospc() {
	local m=$T/enospc v rc
	fill_src
	case_mount ext4 24M "$m"
	for v in "--jobs=1" "--jobs=1 --atomic" "--jobs=2 --strategy=rw"; do
		step "enospc: stagecp $v"
		rm -rf "$m/dst"
		mkdir "$m/dst"
		rc=0
		# shellcheck disable=SC2086
		"$STAGECP" $v --from="$T/fill" --to="$m/dst" /data /out \
			2>"$T/err" || rc=$?
		check_full_fault "$m/dst" "$T/fill/data" "$T/err" "$rc" \
			"no space left on device"
	done
}

# Kernels without CONFIG_QUOTA have no user quotas on xfs, ext4 or tmpfs;
# btrfs qgroups are a quota of their own and fail writes with EDQUOT too.
case_edquot() {
	local m=$T/edquot v rc i=0
	command -v btrfs >/dev/null || case_skip "btrfs not installed"
	fill_src
	case_mount btrfs 256M "$m"
	btrfs quota enable "$m" 2>"$T/err" ||
		case_skip "btrfs quota enable: $(head -n 1 "$T/err")"
	for v in "--jobs=1" "--jobs=1 --atomic"; do
		i=$((i + 1))
		step "edquot: stagecp $v into a subvolume limited to 10 MiB"
		# A fresh subvolume: freed space is only credited later.
		btrfs -q subvolume create "$m/vol$i" >/dev/null
		btrfs qgroup limit 10M "$m/vol$i"
		rc=0
		# shellcheck disable=SC2086
		"$STAGECP" $v --from="$T/fill" --to="$m/vol$i" /data /out \
			2>"$T/err" || rc=$?
		check_full_fault "$m/vol$i" "$T/fill/data" "$T/err" "$rc" \
			"disk quota exceeded"
	done
}

case_eacces() {
	local d=$T/eacces s rc
	s=$d/src/s
	mkdir -p "$s/sub" "$s/locked/inner" "$s/noexec" "$d/dst"
	echo "readable" >"$s/a"
	echo "secret" >"$s/secret"
	echo "below" >"$s/sub/b"
	echo "hidden" >"$s/locked/y"
	echo "hidden deeper" >"$s/locked/inner/x"
	echo "listed, not reachable" >"$s/noexec/z"
	chmod 0000 "$s/secret" "$s/locked"
	# Readable but not searchable: names can be listed, not opened.
	chmod 0644 "$s/noexec"
	chmod 0755 "$d" "$d/src"
	chown "$NOBODY:$NOBODY" "$d/dst"

	step "eacces: unreadable file and directories, as nobody"
	rc=0
	"${as_nobody[@]}" "$USTAGECP" --from="$d/src" --to="$d/dst" /s /out \
		2>"$T/err" || rc=$?
	show "$T/err"
	[ "$rc" -eq 1 ] || fail "exited $rc, not 1"
	for p in /s/secret /s/locked /s/noexec/z; do
		grep -qi "^stagecp: $p: [^:]*: permission denied\$" "$T/err" ||
			fail "$p: no \"permission denied\" error"
	done
	! errors_of "$T/err" | grep -vi ': permission denied$' ||
		fail "the error lines above are not \"permission denied\""
	for p in a sub/b; do
		cmp -s "$s/$p" "$d/dst/out/$p" || fail "$p: not copied"
	done
	[ ! -e "$d/dst/out/secret" ] || fail "secret: in the destination"
	[ -z "$(ls -A "$d/dst/out/locked" 2>/dev/null)" ] ||
		fail "locked: has entries in the destination"
	[ -z "$(ls -A "$d/dst/out/noexec" 2>/dev/null)" ] ||
		fail "noexec: has entries in the destination"
	same_versions "$d/dst/out" "$s" --no-temps
}

# device-mapper is the usual way to make a read fail; a kernel without it
# can still give EIO: btrfs checks data checksums, so data damaged in the
# image behind the filesystem fails to read.
case_eio() {
	local m=$T/eio ref=$T/eio-ref dev v rc hits i=0
	command -v btrfs >/dev/null || case_skip "btrfs not installed"
	case_mount btrfs 256M "$m"
	mkdir -p "$m/src/sub"
	echo "good" >"$m/src/a"
	head -c $((256 << 10)) /dev/urandom >"$m/src/bad"
	head -c $((64 << 10)) /dev/urandom >"$m/src/z"
	echo "below" >"$m/src/sub/x"
	# What the source was: the damaged file cannot be read back.
	cp -a "$m/src" "$ref"

	step "eio: damage 4 KiB in the middle of bad's data"
	dev=$(losetup -n -O NAME -j "$m.img")
	[ -n "$dev" ] || fail "no loop device behind $m"
	umount "$m"
	hits=$(python3 "$FAULTS/corrupt.py" "$m.img" "$ref/bad" 131072 4096) ||
		case_skip "the data of a btrfs file was not found in its image"
	mount -t btrfs "$dev" "$m"
	echo "info: damaged $hits place(s); $dev remounted"
	if cat "$m/src/bad" >/dev/null 2>&1; then
		case_skip "damaged btrfs data still reads without error"
	fi
	cat "$m/src/a" "$m/src/z" >/dev/null || fail "undamaged files fail to read"

	for v in "" "--strategy=rw" "--atomic --jobs=1"; do
		i=$((i + 1))
		step "eio: stagecp $v"
		mkdir -p "$T/eio-dst$i"
		rc=0
		# shellcheck disable=SC2086
		"$STAGECP" $v --from="$m" --to="$T/eio-dst$i" /src /out \
			2>"$T/err" || rc=$?
		show "$T/err"
		[ "$rc" -eq 1 ] || fail "exited $rc, not 1"
		grep -qi '^stagecp: /\(out\|src\)/bad: [^:]*: input/output error$' \
			"$T/err" || fail "no \"input/output error\" naming bad"
		[ "$(errors_of "$T/err" | wc -l)" -eq 1 ] ||
			fail "more errors than the one read"
		[ ! -e "$T/eio-dst$i/out/bad" ] || fail "bad: left in the destination"
		same_versions "$T/eio-dst$i/out" "$ref" --no-temps
		[ "$(regular_files "$T/eio-dst$i/out")" -eq 3 ] ||
			fail "the readable files were not all copied"
	done
}

# signal_case SIG STATUS OPTIONS...: a long copy gets SIG once it has
# written files; it must end with STATUS, and every file under a final
# name must be whole.
signal_case() {
	local sig=$1 want=$2 m t0 t1 delay total p
	shift 2
	m=$T/$sig
	long_src
	slow_mount "$m"
	mkdir "$m/dst"
	step "$sig: stagecp $* on a sync mount"
	start_bg "$T/err" "$STAGECP" "$@" --from="$T/long" --to="$m/dst" \
		/data /out
	# Started: the first file exists.
	for ((i = 0; i < COPY_BOUND * 20; i++)); do
		[ -n "$(find "$m/dst" -type f -print -quit)" ] && break
		alive "$last_pid" || break
		sleep 0.05
	done
	# Held still while the moment is picked: a slow build (sanitizers)
	# or a loaded machine must not let the copy finish first.
	kill -STOP "$last_pid" 2>/dev/null ||
		fail "the copy ended before the signal (make it longer)"
	delay=$((RANDOM % 100))
	kill -CONT "$last_pid"
	sleep_ms "$delay"
	kill -STOP "$last_pid" 2>/dev/null ||
		fail "the copy ended before the signal (make it longer)"
	t0=$(now_ms)
	kill "-$sig" "$last_pid"
	kill -CONT "$last_pid"
	wait_bounded "$last_pid" "$STOP_BOUND"
	t1=$(now_ms)
	show "$T/err"
	echo "info: $sig $((delay))ms after the first file; exit $wrc after $((t1 - t0)) ms"
	[ "$wrc" -eq "$want" ] || fail "exited $wrc, not $want"
	# A file the signal cut short is named, and gone.
	while IFS= read -r p; do
		echo "info: $p was in flight"
		if [ -e "$m/dst$p" ] || [ -L "$m/dst$p" ]; then
			fail "$p: interrupted, but left in the destination"
		fi
	done < <(sed -n 's|^stagecp: \(/out/[^:]*\): [^:]*: operation canceled$|\1|Ip' \
		"$T/err")
	same_versions "$m/dst/out" "$T/long/data" --no-temps
	total=$(regular_files "$T/long/data")
	echo "info: $(regular_files "$m/dst/out") of $total files were done"
}

case_sigint() {
	signal_case INT 130 --strategy=rw --jobs=1
}

case_sigterm() {
	signal_case TERM 143 --jobs=2
}

case_sigterm_atomic() {
	signal_case TERM 143 --atomic --jobs=2
}

case_atomic_kill9() {
	local m=$T/kill9 A=$T/ver/A/app B=$T/ver/B/app t0 dur i delay d
	local temps=0 iterations=8 done_files total
	versions_src
	slow_mount "$m"
	total=$(regular_files "$A")

	step "atomic-kill9: a whole --atomic copy, for its length"
	mkdir "$m/dst0"
	t0=$(now_ms)
	start_bg "$T/err" "$STAGECP" --atomic --jobs=2 --from="$T/ver/A" \
		--to="$m/dst0" /app /app
	wait_bounded "$last_pid" "$COPY_BOUND"
	dur=$(($(now_ms) - t0))
	show "$T/err"
	[ "$wrc" -eq 0 ] || fail "an uninterrupted --atomic copy exited $wrc"
	treecmp "$A" "$m/dst0/app" --ignore-top
	echo "info: a whole copy takes about $dur ms; seed $SEED"

	# A fresh destination each round: removing one on a sync mount is slow.
	for ((i = 1; i <= iterations; i++)); do
		d=$m/dst$i
		mkdir "$d"
		# The last round replaces an older version of every file.
		if [ "$i" -eq "$iterations" ]; then
			cp -a "$B" "$d/app"
		fi
		# The first round dies at once, the others within the first
		# three quarters of a copy's length, which varies.
		delay=0
		[ "$i" -eq 1 ] || delay=$(((RANDOM * 32768 + RANDOM) % (dur * 3 / 4 + 1)))
		step "atomic-kill9: round $i, SIGKILL after $delay ms"
		start_bg "$T/err" "$STAGECP" --atomic --jobs=2 \
			--from="$T/ver/A" --to="$d" /app /app
		sleep_ms "$delay"
		kill -KILL "$last_pid" 2>/dev/null || true
		wait_bounded "$last_pid" "$STOP_BOUND"
		show "$T/err"
		case $wrc in
		137) ;;
		0) echo "info: the copy ended before the kill" ;;
		*) fail "exited $wrc" ;;
		esac
		if [ "$i" -eq "$iterations" ]; then
			python3 "$FAULTS/versions.py" --mode "$d/app" "$A" "$B" \
				>"$T/out" || { cat "$T/out"; fail "round $i: mixed files"; }
		else
			python3 "$FAULTS/versions.py" --mode "$d/app" "$A" \
				>"$T/out" || { cat "$T/out"; fail "round $i: bad files"; }
		fi
		grep '^info: ' "$T/out" || true
		temps=$((temps + $(grep -c '^info: staging leftover' "$T/out" || true)))
		done_files=$(regular_files "$d/app")
		echo "info: $done_files of $total files under final names"
	done
	echo "info: $temps hidden .stagecp-tmp.* leftovers in $iterations rounds"

	step "atomic-kill9: the next run completes the last killed copy"
	start_bg "$T/err" "$STAGECP" --atomic --jobs=2 --from="$T/ver/A" \
		--to="$d" /app /app
	wait_bounded "$last_pid" "$COPY_BOUND"
	show "$T/err"
	[ "$wrc" -eq 0 ] || fail "the copy after a kill exited $wrc"
	python3 "$FAULTS/versions.py" --mode "$d/app" "$A" >"$T/out" ||
		{ cat "$T/out"; fail "the copy after a kill left other versions"; }
	grep '^info: ' "$T/out" || true
	[ "$(regular_files "$d/app")" -eq "$total" ] ||
		fail "the copy after a kill is not complete"
}

# Two copies of versions A and B of one tree into one destination at once.
# Either may win each file, but no file may mix them.
case_concurrent() {
	local m=$T/conc A=$T/ver/A/app B=$T/ver/B/app mode i pa pb ra rb
	local total iterations=4 delay
	versions_src
	case_mount ext4 512M "$m"
	total=$(regular_files "$A")
	for mode in "" "--atomic"; do
		for ((i = 1; i <= iterations; i++)); do
			step "concurrent: two stagecp ${mode:-(in place)}, round $i"
			rm -rf "$m/dst"
			mkdir "$m/dst"
			# A, smaller and with more workers, starts a little
			# after B and overtakes it somewhere: the two meet on
			# the same files instead of one following the other.
			# B names the destination from the root above: two
			# copies into one --to root would not meet, the
			# second is refused (buildah-errors.sh).
			delay=$((i == 1 ? 0 : RANDOM % 100))
			# shellcheck disable=SC2086
			start_bg "$T/errB" "$STAGECP" $mode --jobs=1 \
				--from="$T/ver/B" --to="$m" /app /dst/app
			pb=$last_pid
			sleep_ms "$delay"
			# shellcheck disable=SC2086
			start_bg "$T/errA" "$STAGECP" $mode --jobs=2 \
				--from="$T/ver/A" --to="$m/dst" /app /app
			pa=$last_pid
			wait_bounded "$pa" "$COPY_BOUND"
			ra=$wrc
			wait_bounded "$pb" "$COPY_BOUND"
			rb=$wrc
			echo "info: A started $delay ms after B;" \
				"A exited $ra, B exited $rb"
			show "$T/errA"
			show "$T/errB"
			for r in "$ra" "$rb"; do
				[ "$r" -eq 0 ] || [ "$r" -eq 1 ] ||
					fail "a copy exited $r"
			done
			# A reported collision is a message of the usual form.
			! cat "$T/errA" "$T/errB" |
				grep -v '^stagecp: [^:]*: [^:]*: ' ||
				fail "an unclear error message"
			python3 "$FAULTS/versions.py" --mode --no-temps \
				"$m/dst/app" "$A" "$B" >"$T/out" ||
				{ cat "$T/out"; fail "a file mixes the versions"; }
			if [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ]; then
				[ "$(regular_files "$m/dst/app")" -eq "$total" ] ||
					fail "both succeeded, yet files are missing"
			fi
			echo "info: $(count_version "$m/dst/app" "$A") files of" \
				"version A, the rest of B"
		done
	done
}

# How many files under DST equal the file of the same name under SRC.
count_version() {
	local n=0 f
	while IFS= read -r -d '' f; do
		cmp -s "$1/$f" "$2/$f" && n=$((n + 1))
	done < <(cd "$1" && find . -type f -print0)
	echo "$n"
}

case_readonly_dest() {
	local d=$T/ro rc
	mkdir -p "$d/src/tree/sub" "$d/dst/locked"
	echo "one file" >"$d/src/f"
	echo "in the tree" >"$d/src/tree/a"
	echo "below" >"$d/src/tree/sub/b"
	chmod 0755 "$d" "$d/src" "$d/dst"
	chown "$NOBODY:$NOBODY" "$d/dst/locked"
	chmod 0555 "$d/dst/locked"

	step "readonly-dest: a file into a 0555 directory, as nobody"
	rc=0
	"${as_nobody[@]}" "$USTAGECP" --from="$d/src" --to="$d/dst" \
		/f /locked/ 2>"$T/err" || rc=$?
	show "$T/err"
	[ "$rc" -eq 1 ] || fail "exited $rc, not 1"
	grep -qi '^stagecp: /locked/f: [^:]*: permission denied$' "$T/err" ||
		fail "no \"permission denied\" for /locked/f"

	step "readonly-dest: a tree into a 0555 directory, as nobody"
	rc=0
	"${as_nobody[@]}" "$USTAGECP" --from="$d/src" --to="$d/dst" \
		/tree /locked/ 2>"$T/err" || rc=$?
	show "$T/err"
	[ "$rc" -eq 1 ] || fail "exited $rc, not 1"
	for p in /locked/a /locked/sub; do
		grep -qi "^stagecp: $p: [^:]*: permission denied\$" "$T/err" ||
			fail "no \"permission denied\" for $p"
	done
	! errors_of "$T/err" | grep -vi ': permission denied$' ||
		fail "the error lines above are not \"permission denied\""
	[ -z "$(ls -A "$d/dst/locked")" ] || fail "locked: something was created"
	[ "$(stat -c %a "$d/dst/locked")" = 555 ] || fail "locked: mode changed"

	step "readonly-dest: the same as root"
	for p in /f /tree; do
		rc=0
		"$STAGECP" --from="$d/src" --to="$d/dst" "$p" /locked/ \
			2>"$T/err" || rc=$?
		show "$T/err"
		[ "$rc" -eq 0 ] || fail "root: $p into 0555 exited $rc"
	done
	for p in f tree/a tree/sub/b; do
		cmp -s "$d/src/$p" "$d/dst/locked/${p#tree/}" ||
			fail "root: $p not copied"
	done
	[ "$(stat -c %a:%u "$d/dst/locked")" = "555:$NOBODY" ] ||
		fail "root: locked is now $(stat -c %a:%u "$d/dst/locked")"
}

# --- runner -----------------------------------------------------------------

ALL_CASES="enospc edquot eacces eio sigint sigterm sigterm-atomic \
atomic-kill9 concurrent readonly-dest"
passed=() failed=() skipped=()
case_number=0

run_case() {
	local rc
	case_name=$1
	echo
	echo "=== $case_name"
	# Not "( ... ) || rc=$?": errexit is off in all of such a list.
	# The case's failure is reported by the case, not by the ERR trap.
	set +e
	trap - ERR
	(
		set -e
		trap '_on_err $? $LINENO' ERR
		trap _case_cleanup EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
		# A subshell reseeds RANDOM: each case gets its own sequence.
		RANDOM=$((SEED + case_number))
		"case_${case_name//-/_}"
	)
	rc=$?
	trap '_on_err $? $LINENO' ERR
	set -e
	case_number=$((case_number + 1))
	case $rc in
	0) passed+=("$case_name") ;;
	77) skipped+=("$case_name ($(cat "$T/skip.$case_name" 2>/dev/null ||
		echo "see log"))") ;;
	*) failed+=("$case_name") ;;
	esac
}

echo "seed $SEED (FAULTS_SEED=$SEED repeats the random moments)"
for c in ${FAULTS_CASES:-$ALL_CASES}; do
	case " $ALL_CASES " in
	*" $c "*) run_case "$c" ;;
	*) fail "no case $c" ;;
	esac
done

echo
echo "passed: ${passed[*]:-none}"
for s in "${skipped[@]}"; do
	echo "skipped: $s"
done
[ ${#failed[@]} -eq 0 ] || fail "failed: ${failed[*]}"
[ ${#passed[@]} -gt 0 ] || skip "every case skipped"
echo "all fault cases passed"
