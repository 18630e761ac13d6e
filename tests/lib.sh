# Sourced by every integration test: bash tests/integration/X.sh.
#
# Gives the test strict mode, a private temp dir $T, skip/fail helpers,
# loop filesystems that are always unmounted again, and the tree builder
# make_every_type_tree.  tests/run.sh exports STAGECP, TOP, O and HELPERS;
# a test started by hand gets the same defaults from here.
# shellcheck shell=bash

set -Eeuo pipefail

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
O=${O:-build/opt}
STAGECP=${STAGECP:-$TOP/tool/stagecp}
HELPERS=${HELPERS:-$TOP/$O/tests/helpers}
LOOPFS=$TOP/scripts/loopfs.sh
export TOP O STAGECP HELPERS

# An unexpected failing command names itself before set -e ends the test.
# "exit N" in a subshell, a way to hand a status on, is no surprise.
_on_err() {
	case $BASH_COMMAND in
	"exit "* | "return "* | "( exit "*) return 0 ;;
	esac
	echo "${0##*/}: line $2: \"$BASH_COMMAND\" exited $1" >&2
}
trap '_on_err $? $LINENO' ERR

# The reason is the test's last line: tests/run.sh shows it.
skip() {
	echo "$*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Prints what a check is about; the log then reads like a transcript.
step() {
	echo "== $*"
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
	done
}

# run ARGS...: stagecp with stdout in $T/out and $out, stderr in $T/err
# and $err, the exit status in $rc.
run() {
	rc=0
	"$STAGECP" "$@" >"$T/out" 2>"$T/err" || rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# expect_rc N WHAT: the last run exited N.
expect_rc() {
	[ "$rc" -eq "$1" ] && return 0
	echo "stdout:"
	cat "$T/out"
	echo "stderr:"
	cat "$T/err"
	fail "$2: exit status $rc, want $1"
}

# stop_process PID: SIGSTOP it and wait until it really is stopped (the
# stop takes effect on the way back to user space, and a zombie takes
# signals too).  Returns 1 when the process ended first.
stop_process() {
	local pid=$1 i state
	kill -STOP "$pid" 2>/dev/null || return 1
	for ((i = 0; i < 400; i++)); do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) ||
			state=gone
		case $state in
		T | t) return 0 ;;
		Z | gone) return 1 ;;
		esac
		sleep 0.005
	done
	return 1
}

require_stagecp() {
	[ -x "$STAGECP" ] || fail "$STAGECP not built (run make)"
}

# --- cleanup: every exit path, signals included -------------------------

_mounts=()
T=$(mktemp -d /tmp/stagecp-test.XXXXXX)

_cleanup() {
	local rc=$? i
	trap - EXIT ERR INT TERM HUP
	set +e
	cd /
	# Newest first: a mount may sit inside an earlier one.
	for ((i = ${#_mounts[@]} - 1; i >= 0; i--)); do
		"$LOOPFS" umount "${_mounts[i]}" ||
			echo "$(basename "$0"): ${_mounts[i]}: cleanup failed" >&2
	done
	# --one-file-system: a mount that refused to go away stays intact.
	rm -rf --one-file-system "$T"
	exit "$rc"
}
trap _cleanup EXIT
# The EXIT trap runs on the exit these traps cause.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# mkfs_mount TYPE SIZE DIR: a fresh TYPE filesystem at DIR until the test
# ends.  A machine that cannot make one turns the test into a skip.
mkfs_mount() {
	local rc=0 out
	require_root
	out=$("$LOOPFS" mount "$1" "$2" "$3" 2>&1) || rc=$?
	case $rc in
	0) _mounts+=("$3") ;;
	77) skip "$1 filesystem unavailable: ${out##*loopfs.sh: }" ;;
	*) fail "cannot mount $1 at $3: $out" ;;
	esac
}

# --- the every-type tree -------------------------------------------------

# Sets distinct nanosecond atime and mtime on every entry under $1,
# children before their directory so that the directory times stick.
_set_tree_times() {
	local i=0 p mtime atime
	while IFS= read -r -d '' p; do
		i=$((i + 1))
		mtime=$((1500000000 + i * 86400)).$(printf %09d $((i * 7919 + 1)))
		atime=$((1400000000 + i * 3600)).$(printf %09d $((i * 104729 + 3)))
		touch -h -m -d "@$mtime" "$p"
		touch -h -a -d "@$atime" "$p"
	done < <(find "$1" -depth -print0)
}

# make_every_type_tree DIR: DIR (created) gets one of every kind of entry
# stagecp must copy, with the metadata it must keep.  Needs root, python3,
# setcap and mknod.  Names used by the tests:
#   files/big.bin (5 MiB random), files/sparse.img (1 GiB, 1 MiB data),
#   bin/ping-tool (cap_net_raw+ep), bin/suid-tool (4755 owned by 1234).
make_every_type_tree() {
	local d=$1 back=$PWD

	mkdir -p "$d"
	cd "$d"

	mkdir -p files bin links special "with space/inner dir" \
		d0755/sub/deeper d0700/sub d0555 sticky owned
	# Regular files of every interesting size.
	: >files/empty
	printf x >files/one-byte
	head -c 102400 /dev/urandom >files/100k.bin
	head -c $((5 * 1024 * 1024)) /dev/urandom >files/big.bin
	echo "spaces in the name" >"with space/file with spaces.txt"
	echo "deep" >"with space/inner dir/deep file"
	echo "nested" >d0755/sub/deeper/leaf.txt
	echo "private" >d0700/sub/secret
	echo "read-only dir content" >d0555/kept
	echo "in sticky" >sticky/tmpfile
	echo "no permissions at all" >files/mode0000
	chmod 0000 files/mode0000
	echo "group writable" >files/mode0664
	chmod 0664 files/mode0664

	# 1 GiB apparent, 1 MiB of data in the middle.
	truncate -s 1G files/sparse.img
	head -c $((1024 * 1024)) /dev/urandom |
		dd of=files/sparse.img bs=1M seek=300 conv=notrunc status=none

	# Ownership first: chown clears setuid bits and capabilities.
	echo "owned by someone else" >owned/file-1234
	chown 1234:5678 owned/file-1234 owned
	ln -s file-1234 owned/link-1234
	chown -h 4321:8765 owned/link-1234

	cp /bin/true bin/suid-tool
	chown 1234:0 bin/suid-tool
	chmod 4755 bin/suid-tool
	cp /bin/true bin/sgid-tool
	chown 0:5678 bin/sgid-tool
	chmod 2755 bin/sgid-tool
	cp /bin/true bin/ping-tool
	chmod 0755 bin/ping-tool
	setcap cap_net_raw+ep bin/ping-tool

	# Symlinks, kept verbatim.
	ln -s ../files/one-byte links/relative
	ln -s /etc/passwd links/absolute
	ln -s does/not/exist links/dangling
	ln -s ../d0755 links/to-dir
	ln -s "../with space/file with spaces.txt" "links/link with space"

	# One inode, three names in three directories.
	echo "shared inode" >files/hardlink-a
	ln files/hardlink-a d0755/hardlink-b
	ln files/hardlink-a "with space/hardlink c"

	mkfifo -m 0640 special/fifo
	mknod -m 0666 special/null-like c 1 3
	mknod -m 0660 special/loop200 b 7 200
	python3 -c 'import os, socket
os.chdir("special")
socket.socket(socket.AF_UNIX).bind("sock")'
	chmod 0750 special/sock

	python3 -c 'import os
os.setxattr("files/100k.bin", "user.note", b"hello xattr")
os.setxattr("files/100k.bin", "user.binary", bytes(range(256)))
os.setxattr("d0755", "user.dirattr", b"on a directory")
os.setxattr("files/empty", "user.empty-value", b"")'

	chmod 0755 d0755 d0755/sub
	chmod 0700 d0700
	chmod 0555 d0555
	chmod 1777 sticky
	cd "$back"
	_set_tree_times "$d"
}

# --- checks ---------------------------------------------------------------

# treecmp SRC DST [--ignore-top]: fails the test on any difference.
treecmp() {
	python3 "$TOP/tests/treecmp.py" "$@" || fail "trees differ: $1 $2"
}

# Allocated bytes of a file.
allocated() {
	echo $(($(stat -c '%b * %B' "$1")))
}

# all_extents_shared FILE: every data extent of FILE carries the fiemap
# "shared" flag (it is a reflink of another file).
all_extents_shared() {
	local out
	sync -f "$1"
	out=$(filefrag -v "$1") || return 1
	# Extent lines start with "   N:"; the flags are the last field.
	awk '$1 ~ /^[0-9]+:$/ { n++; if ($0 !~ /shared/) bad++ }
	     END { exit !(n > 0 && bad == 0) }' <<<"$out" || {
		echo "$out"
		return 1
	}
}

# no_extent_shared FILE: no data extent of FILE is shared.
no_extent_shared() {
	local out
	sync -f "$1"
	out=$(filefrag -v "$1") || return 1
	if grep -q shared <<<"$out"; then
		echo "$out"
		return 1
	fi
}

# --- buildah --------------------------------------------------------------

# buildah_store DIR TYPE SIZE: a private buildah storage on a fresh TYPE
# loop filesystem at DIR (scripts/buildah-store.sh; `bah` runs buildah on
# it), removed with its containers, images and mounts before the test's
# own cleanup.  A machine that cannot turns the test into a skip.
buildah_store() {
	local rc=0
	require_root
	require_cmd buildah
	# shellcheck source=scripts/buildah-store.sh
	. "$TOP/scripts/buildah-store.sh"
	trap '_buildah_cleanup' EXIT
	bstore_open "$@" >"$T/bstore.log" 2>&1 || rc=$?
	case $rc in
	0) ;;
	77) skip "buildah storage unavailable: $(tail -n 1 "$T/bstore.log")" ;;
	*) cat "$T/bstore.log" >&2; fail "cannot make a buildah storage at $1" ;;
	esac
}

_buildah_cleanup() {
	local rc=$?
	bstore_close || echo "$(basename "$0"): buildah storage cleanup failed" >&2
	(exit "$rc")
	_cleanup
}
