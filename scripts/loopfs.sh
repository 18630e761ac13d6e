#!/bin/bash
# Throw-away filesystems for tests, the demo and the benchmark.
#
#   scripts/loopfs.sh mount TYPE SIZE DIR   TYPE: xfs btrfs ext4 tmpfs
#   scripts/loopfs.sh umount DIR
#
# A disk filesystem lives in a sparse image DIR.img next to DIR, attached
# to a loop device of its own; umount undoes all of it.  Exit status 77
# means "this machine cannot do it" (not root, no loop devices, no mkfs, no
# kernel support) so that a test can pass it on as a skip.
set -euo pipefail

prog=loopfs.sh

die() {
	echo "$prog: $*" >&2
	exit 1
}

# Exits 77: the caller should skip, not fail.
unable() {
	echo "$prog: $*" >&2
	exit 77
}

usage() {
	echo "usage: $prog mount xfs|btrfs|ext4|tmpfs SIZE DIR" >&2
	echo "       $prog umount DIR" >&2
	exit 2
}

require_root() {
	[ "$(id -u)" -eq 0 ] || unable "needs root to mount filesystems"
}

# The kernel may load the module on first mount, so ask only after a
# failed mount whether the type is known at all.
kernel_knows() {
	grep -qw "$1" /proc/filesystems || modprobe -q "$1" 2>/dev/null
}

mkfs_for() {
	case "$1" in
	xfs) echo "mkfs.xfs -q -f -m reflink=1" ;;
	btrfs) echo "mkfs.btrfs -q -f" ;;
	ext4) echo "mkfs.ext4 -q -F" ;;
	*) return 1 ;;
	esac
}

do_mount() {
	local type=$1 size=$2 dir=$3 mkfs tool img dev out

	require_root
	mkdir -p "$dir"
	if mountpoint -q "$dir"; then
		die "$dir: already a mount point"
	fi

	if [ "$type" = tmpfs ]; then
		mount -t tmpfs -o "size=$size" "stagecp-test" "$dir" ||
			die "$dir: cannot mount tmpfs of size $size"
		return 0
	fi

	mkfs=$(mkfs_for "$type") || usage
	tool=${mkfs%% *}
	command -v "$tool" >/dev/null || unable "$tool not installed"
	command -v losetup >/dev/null || unable "losetup not installed"
	[ -e /dev/loop-control ] || unable "no loop device support"

	img=$dir.img
	[ ! -e "$img" ] || die "$img: already exists"
	truncate -s "$size" "$img" || die "$img: cannot create image"

	# An explicit losetup tells "no loop devices" apart from a bad
	# image or a failed mount.
	if ! dev=$(losetup --find --show "$img" 2>&1); then
		rm -f "$img"
		unable "$img: no free loop device: $dev"
	fi

	# shellcheck disable=SC2086
	if ! out=$($mkfs "$dev" 2>&1); then
		losetup -d "$dev"
		rm -f "$img"
		# mkfs follows its error with the whole usage text.
		die "$dev: $tool failed: $(head -n 2 <<<"$out")"
	fi

	if ! out=$(mount -t "$type" "$dev" "$dir" 2>&1); then
		losetup -d "$dev"
		rm -f "$img"
		kernel_knows "$type" || unable "kernel has no $type support"
		die "$dir: cannot mount $type: $out"
	fi
}

do_umount() {
	local dir=$1 img=$1.img dev rc=0

	require_root
	if mountpoint -q "$dir"; then
		if ! umount "$dir" 2>/dev/null; then
			# Something still holds it open (a killed test's
			# child): detach now, the kernel frees it later.
			echo "$prog: $dir: busy, unmounting lazily" >&2
			umount -l "$dir" || { echo "$prog: $dir: umount failed" >&2; rc=1; }
		fi
	fi

	if [ -e "$img" ]; then
		# Every loop device still backed by the image: normally the
		# one mount used, more if an earlier run died half way.
		for dev in $(losetup -n -O NAME -j "$img" 2>/dev/null); do
			losetup -d "$dev" 2>/dev/null ||
				{ echo "$prog: $dev: cannot detach" >&2; rc=1; }
		done
		rm -f "$img" || rc=1
	fi
	return $rc
}

[ $# -ge 1 ] || usage
case "$1" in
mount)
	[ $# -eq 4 ] || usage
	case "$2" in xfs | btrfs | ext4 | tmpfs) ;; *) usage ;; esac
	do_mount "$2" "$3" "$4"
	;;
umount)
	[ $# -eq 2 ] || usage
	do_umount "$2"
	;;
*) usage ;;
esac
