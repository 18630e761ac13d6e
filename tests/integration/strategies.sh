#!/bin/bash
# Every data strategy, and one worker against several, must give the same
# tree: the engine's choices change the cost, never the result.  Also the
# paths where openat2 is unavailable (--no-openat2), where io_uring is
# refused (--no-io-uring, and kernel.io_uring_disabled=2), and where it
# takes every call it can (--io-uring=all).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 setcap mknod
require_stagecp

m=$T/mnt
mkfs_mount xfs 768M "$m"
make_every_type_tree "$m/src/out"
# A wider tree as well, so several workers really share the queue.
for d in $(seq 1 40); do
	mkdir -p "$m/src/out/wide/d$d/sub"
	for f in $(seq 1 15); do
		echo "$d/$f" >"$m/src/out/wide/d$d/f$f"
	done
	echo "$d" >"$m/src/out/wide/d$d/sub/leaf"
	ln "$m/src/out/wide/d$d/f1" "$m/src/out/wide/d$d/sub/link-to-f1"
done
# Files big enough to be tasks of their own when their data moves.
mkdir "$m/src/out/big"
for b in 1 2 3; do
	head -c $((9 * 1024 * 1024 + b)) /dev/urandom >"$m/src/out/big/b$b"
	echo "after b$b" >"$m/src/out/big/b$b.txt"
done
truncate -s 40M "$m/src/out/big/sparse"
echo "data in the middle" | dd of="$m/src/out/big/sparse" bs=1M seek=20 \
	conv=notrunc status=none
mkdir "$m/dst"

n=0
copy_and_compare() {
	n=$((n + 1))
	step "stagecp $*"
	"$STAGECP" --from="$m/src" --to="$m/dst" "$@" /out "/app$n/" ||
		fail "stagecp $* exited $?"
	treecmp "$m/src/out" "$m/dst/app$n" --ignore-top
}

for s in auto clone copy rw; do
	for j in 1 2 8; do
		copy_and_compare --strategy=$s --jobs=$j
	done
done
copy_and_compare --no-openat2 --jobs=1
copy_and_compare --no-openat2 --jobs=4
# io_uring refused (as under a seccomp profile): the same tree.
copy_and_compare --no-io-uring --jobs=1
copy_and_compare --no-io-uring --jobs=3
# The stats, creates, mkdirs and links through the ring as well.
copy_and_compare --io-uring=all --jobs=1
copy_and_compare --io-uring=all --jobs=3
copy_and_compare --io-uring=all --no-openat2 --jobs=2
copy_and_compare --io-uring=all --atomic --jobs=2
# Reads and writes on registered buffers, several in flight.
copy_and_compare --io-uring=all --strategy=rw --jobs=2
if [ -w /proc/sys/kernel/io_uring_disabled ]; then
	step "kernel.io_uring_disabled=2 for one run"
	old=$(cat /proc/sys/kernel/io_uring_disabled)
	echo 2 >/proc/sys/kernel/io_uring_disabled
	rc=0
	"$STAGECP" --from="$m/src" --to="$m/dst" --jobs=2 /out /app-nouring/ ||
		rc=$?
	echo "$old" >/proc/sys/kernel/io_uring_disabled
	[ "$rc" -eq 0 ] || fail "with io_uring disabled, stagecp exited $rc"
	treecmp "$m/src/out" "$m/dst/app-nouring" --ignore-top
fi
copy_and_compare --atomic --jobs=3

step "big read/write copies shared between workers"
# Segments of two ranges or more are shared with idle workers (share.h):
# a dense file and a sparse one whose data segment is that long.
mkdir -p "$m/src/shared"
head -c $((70 * 1024 * 1024 + 333)) /dev/urandom >"$m/src/shared/dense"
truncate -s 200M "$m/src/shared/sparse"
head -c $((40 * 1024 * 1024)) /dev/urandom |
	dd of="$m/src/shared/sparse" bs=1M seek=100 conv=notrunc status=none
for args in "--jobs=2" "--jobs=4" "--jobs=2 --io-uring=all" \
	"--jobs=3 --strategy=copy"; do
	# shellcheck disable=SC2086
	"$STAGECP" --from="$m/src" --to="$m/dst" --strategy=rw $args \
		/shared /shared-copy/ || fail "stagecp $args exited $?"
	treecmp "$m/src/shared" "$m/dst/shared-copy" --ignore-top
	rm -rf "$m/dst/shared-copy"
done

step "--strategy=hardlink shares the source's inodes"
src_ino=$(stat -c %i "$m/src/out/wide/d1/f2")
for mode in auto all off; do
	copy_and_compare --strategy=hardlink --io-uring=$mode --jobs=2
	dst_ino=$(stat -c %i "$m/dst/app$n/wide/d1/f2")
	[ "$src_ino" = "$dst_ino" ] ||
		fail "hardlink strategy, --io-uring=$mode: wide/d1/f2 is" \
			"inode $dst_ino, not $src_ino"
done

step "--strategy=hardlink still copies what needs another owner"
"$STAGECP" --from="$m/src" --to="$m/dst" --strategy=hardlink \
	--chown=4321:4321 /out/wide/d1/f2 /owned ||
	fail "hardlink with --chown exited $?"
[ "$(stat -c %i "$m/dst/owned")" != "$src_ino" ] ||
	fail "a file with a new owner was linked to the source"
[ "$(stat -c %u:%g "$m/src/out/wide/d1/f2")" = 0:0 ] ||
	fail "the source's owner changed"

step "--strategy=clone across filesystems is an error"
mkfs_mount ext4 64M "$T/ext4"
mkdir "$T/ext4/dst"
rc=0
"$STAGECP" --from="$m/src" --to="$T/ext4/dst" --strategy=clone \
	/out/wide/d1/f1 /f1 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "forced clone across filesystems exited $rc"
grep -q '^stagecp: /f1: clone: ' "$T/err" ||
	fail "no clone error: $(cat "$T/err")"
echo "all strategies agree"
