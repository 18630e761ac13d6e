#!/bin/bash
# Near-zero copies between plain directories and mounted overlay stages
# (issue 13), on a loop xfs and a loop btrfs with real overlay mounts:
#   plain -> overlay      copy_file_range via a detached overlay view of
#                         the source (never attached to any mount point);
#   overlay -> plain      clone from the stage's layer files, its upper
#                         directory first;
#   overlay -> --to-layer the same, into a new layer.
# Each: the trees are equal, every regular file's extents are shared, -v
# and --json name the path.  The view falls back with exactly one warning
# when CAP_SYS_ADMIN is dropped, when a seccomp filter fails fsopen with
# EPERM or ENOSYS, and inside unshare -Ur (its mount namespace belongs to
# the parent user namespace); inside unshare -Urm it is made.  The mount
# table (the lines that name this test's paths: other tests mount things
# at the same time) is the same before and after every run, a run killed
# with SIGKILL in the middle included, and the stage's layer directories
# are never written.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 filefrag capsh unshare df
require_stagecp
if ! grep -qw overlay /proc/filesystems &&
	! modprobe -q overlay 2>/dev/null; then
	skip "kernel has no overlay support"
fi
DENY=$HELPERS/deny-syscall
[ -x "$DENY" ] || fail "$DENY not built (make helpers)"
CHECK=$TOP/tests/overlay/check.py

# Only the mounts that concern this test: other tests mount concurrently.
our_mounts() {
	grep -F -- "$T" /proc/self/mountinfo || true
}

# mounts_unchanged WHAT: the mount table is what it was at the start.
mounts_unchanged() {
	our_mounts >"$T/mounts.now"
	diff -u "$T/mounts.start" "$T/mounts.now" ||
		fail "$1: the mount table changed"
}

# copy_ok WHAT ARGS...: stagecp ARGS exits 0; output in $T/out, $T/err.
copy_ok() {
	local what=$1 rc=0
	shift
	echo "\$ stagecp $*"
	"$STAGECP" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$what: exit $rc: $(cat "$T/err")"
}

# says WHAT FILE REGEX
says() {
	grep -qE -- "$3" "$2" || fail "$1: no line matches '$3' in: $(cat "$2")"
}

# extents_shared WHAT DIR: every regular file of 64 KiB or more under DIR
# (smaller ones may be inline on btrfs) is a reflink.
extents_shared() {
	local f n=0
	while IFS= read -r -d '' f; do
		all_extents_shared "$f" || fail "$1: $f shares no extents"
		n=$((n + 1))
	done < <(find "$2" -type f -size +63k -print0)
	[ "$n" -gt 0 ] || fail "$1: no big file to check under $2"
}

# used FS: bytes in use on the filesystem at FS, after a sync.
used() {
	sync -f "$1"
	df -B1 --output=used "$1" | tail -n 1
}

# small_added WHAT BEFORE FS LOGICAL: at most 2% of LOGICAL bytes were
# allocated on FS since BEFORE.
small_added() {
	local added=$(($(used "$3") - $2))
	echo "$1: $added bytes allocated for $4 logical"
	[ "$added" -le $(($4 / 50)) ] || fail "$1: $added bytes added"
}

# one_notice WHAT: the last run warned once that the view is missing.
one_notice() {
	local n
	n=$(grep -c 'warning: .*detached overlay view' "$T/err" || true)
	[ "$n" -eq 1 ] || fail "$1: $n notices, want 1: $(cat "$T/err")"
}

fs_case() {
	local fs=$1 r=$T/$1 src stage logical before
	mkfs_mount "$fs" 2G "$r"
	src=$r/src
	stage=$r/stage
	make_every_type_tree "$src/out"
	# Sparse still, but small: the layer snapshots below hash every byte.
	rm "$src/out/files/sparse.img"
	truncate -s 32M "$src/out/files/sparse.img"
	head -c $((1024 * 1024)) /dev/urandom | dd of="$src/out/files/sparse.img" \
		bs=1M seek=16 conv=notrunc status=none
	mkdir -p "$src/out/big"
	for i in 1 2 3 4; do
		head -c $((8 * 1024 * 1024 + i)) /dev/urandom \
			>"$src/out/big/f$i"
	done
	mkdir -p "$stage/lower/etc" "$stage/upper" "$stage/work"
	echo "stage" >"$stage/lower/etc/stage"
	ovl_mount "$stage/mnt" "lowerdir=$stage/lower,upperdir=$stage/upper,workdir=$stage/work"
	our_mounts >"$T/mounts.start"
	logical=$(du -s -B1 "$src/out" | cut -f1)

	step "$fs: plain -> overlay: copy_file_range via a detached overlay"
	before=$(used "$r")
	copy_ok "$fs plain->overlay" -v --from="$src" --to="$stage/mnt" \
		/out /app/
	says "$fs plain->overlay -v" "$T/out" \
		'^source: .*copy_file_range via a detached overlay'
	says "$fs plain->overlay -v" "$T/out" '^copy_file_range /out/big/f1 '
	[ ! -s "$T/err" ] || fail "$fs plain->overlay: $(cat "$T/err")"
	treecmp "$src/out" "$stage/mnt/app" --ignore-top
	extents_shared "$fs plain->overlay" "$stage/upper/app"
	small_added "$fs plain->overlay" "$before" "$r" "$logical"
	mounts_unchanged "$fs plain->overlay"

	step "$fs: plain -> overlay: --json and --dry-run name the path"
	copy_ok "$fs plain->overlay --json" --json --from="$src" \
		--to="$stage/mnt" /out/big /json/
	jq -e '(.source | test("via a detached overlay")) and
		([.methods[].method] | index("copy_file_range") != null) and
		([.methods[].method] | index("read/write") == null)' \
		"$T/out" >/dev/null || fail "--json: $(cat "$T/out")"
	copy_ok "$fs plain->overlay -n" -n --from="$src" --to="$stage/mnt" \
		/out/big /dry/
	says "$fs plain->overlay -n" "$T/out" 'via a detached overlay'
	says "$fs plain->overlay -n" "$T/out" 'copy_file_range /out/big/f1 '

	step "$fs: the source root given through a symlink"
	ln -s src "$r/srclink"
	copy_ok "$fs srclink" -v --from="$r/srclink" --to="$stage/mnt" \
		/out/big /vialink/
	says "$fs srclink" "$T/out" 'via a detached overlay'
	treecmp "$src/out/big" "$stage/mnt/vialink" --ignore-top
	extents_shared "$fs srclink" "$stage/upper/vialink"

	step "$fs: the view refused: CAP_SYS_ADMIN dropped, seccomp"
	capsh --drop=cap_sys_admin -- -c \
		"exec '$STAGECP' -v --from='$src' --to='$stage/mnt' /out /nocap/" \
		>"$T/out" 2>"$T/err" || fail "without CAP_SYS_ADMIN: exit $?: $(cat "$T/err")"
	one_notice "without CAP_SYS_ADMIN"
	says "without CAP_SYS_ADMIN" "$T/out" '^read/write /out/big/f1 '
	treecmp "$src/out" "$stage/mnt/nocap" --ignore-top
	for e in EPERM ENOSYS; do
		"$DENY" "$e" fsopen -- "$STAGECP" -v --from="$src" \
			--to="$stage/mnt" /out/big "/deny-$e/" \
			>"$T/out" 2>"$T/err" ||
			fail "fsopen failing with $e: exit $?: $(cat "$T/err")"
		one_notice "fsopen failing with $e"
		treecmp "$src/out/big" "$stage/mnt/deny-$e" --ignore-top
	done
	mounts_unchanged "$fs fallbacks"

	step "$fs: inside user namespaces"
	unshare -Ur "$STAGECP" -v --from="$src" --to="$stage/mnt" /out/big \
		/userns/ >"$T/out" 2>"$T/err" ||
		fail "unshare -Ur: exit $?: $(cat "$T/err")"
	one_notice "unshare -Ur"
	treecmp "$src/out/big" "$stage/mnt/userns" --ignore-top
	unshare -Urm "$STAGECP" -v --from="$src" --to="$stage/mnt" /out/big \
		/userns-m/ >"$T/out" 2>"$T/err" ||
		fail "unshare -Urm: exit $?: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "unshare -Urm: $(cat "$T/err")"
	says "unshare -Urm" "$T/out" 'via a detached overlay'
	extents_shared "$fs unshare -Urm" "$stage/upper/userns-m"

	step "$fs: overlay -> plain: clone from layer files"
	python3 "$CHECK" snap "$stage/upper" >"$T/upper.before"
	python3 "$CHECK" snap "$stage/lower" >"$T/lower.before"
	mkdir "$r/plain"
	before=$(used "$r")
	copy_ok "$fs overlay->plain" -v --from="$stage/mnt" --to="$r/plain" \
		/app /export/
	says "$fs overlay->plain" "$T/out" '^source: layers of .*clone from layer files'
	says "$fs overlay->plain" "$T/out" '^clone /app/big/f1 '
	treecmp "$stage/mnt/app" "$r/plain/export" --ignore-top
	extents_shared "$fs overlay->plain" "$r/plain/export"
	small_added "$fs overlay->plain" "$before" "$r" "$logical"

	step "$fs: overlay -> --to-layer"
	copy_ok "$fs --to-layer" -v --from="$stage/mnt" --to-layer="$r/newlayer" \
		/app /app/
	says "$fs --to-layer" "$T/out" 'clone from layer files'
	treecmp "$stage/mnt/app" "$r/newlayer/app" --ignore-top
	extents_shared "$fs --to-layer" "$r/newlayer/app"
	python3 "$CHECK" snap "$stage/upper" >"$T/upper.after"
	python3 "$CHECK" snap "$stage/lower" >"$T/lower.after"
	diff -u "$T/upper.before" "$T/upper.after" ||
		fail "$fs: the stage's upper directory was written"
	diff -u "$T/lower.before" "$T/lower.after" ||
		fail "$fs: the stage's lower directory was written"

	step "$fs: overlay -> plain with redirect_dir=on goes through the mount"
	ovl_mount "$stage/redir" "lowerdir=$src/out:$stage/lower,redirect_dir=follow"
	our_mounts >"$T/mounts.start"
	copy_ok "$fs redirect_dir" -v --from="$stage/redir" --to="$r/plain" \
		/big /redir/
	says "$fs redirect_dir" "$T/out" '^source: through the overlay mount .*redirect_dir'
	treecmp "$stage/redir/big" "$r/plain/redir" --ignore-top
	ovl_umount "$stage/redir"
	our_mounts >"$T/mounts.start"

	step "$fs: SIGKILL in the middle of a copy through the view"
	mkdir -p "$src/many"
	python3 -c 'import os, sys
for i in range(3000):
    with open(os.path.join(sys.argv[1], "f%05d" % i), "wb") as f:
        f.write(os.urandom(4096))' "$src/many"
	"$STAGECP" --jobs=1 --from="$src" --to="$stage/mnt" /many /killed/ \
		>/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 2000; i++)); do
		[ -n "$(ls -A "$stage/upper/killed" 2>/dev/null | head -n 50 | sed -n 50p)" ] &&
			break
		sleep 0.005
	done
	kill -KILL "$pid" 2>/dev/null || fail "the copy ended before the kill"
	wait "$pid" 2>/dev/null || true
	n=$(find "$stage/upper/killed" -type f | wc -l)
	echo "killed after $n of 3000 files"
	[ "$n" -lt 3000 ] || fail "the copy ended before the kill"
	mounts_unchanged "$fs SIGKILL"
	ovl_umount "$stage/mnt"
}

fs_case xfs
fs_case btrfs
echo "every direction reflinks"
