# shellcheck shell=bash
# A private buildah storage on a loop filesystem of its own, for the
# buildah example, its tests and its benchmark.  Sourced, not run:
#
#   . scripts/buildah-store.sh
#   bstore_open DIR TYPE SIZE   # TYPE xfs|btrfs; fails with 77 if it cannot
#   bah from --name x scratch   # buildah, on that storage only
#   bstore_close                # containers, images, mounts, loop fs: gone
#
# The storage is named by a storage.conf of its own (CONTAINERS_STORAGE_CONF)
# with --root and --runroot on the loop filesystem, and buildah's temporary
# files (TMPDIR) go there too: the machine's default storage in
# /var/lib/containers, and anyone else's buildah, are never touched.
# bstore_close undoes only what bstore_open made, and is safe to call
# twice and from a trap on every exit path.

BSTORE_LOOPFS=${BSTORE_LOOPFS:-$(cd "$(dirname "${BASH_SOURCE[0]}")" &&
	pwd)/loopfs.sh}
bstore_dir=""	# the loop filesystem's mount point, while open

# bstore_open DIR TYPE SIZE: a TYPE filesystem at DIR holding a fresh
# buildah storage.  Returns loopfs.sh's status: 77 when the machine cannot.
bstore_open() {
	local dir=$1 type=$2 size=$3 rc=0

	command -v buildah >/dev/null 2>&1 || {
		echo "buildah-store: buildah not installed" >&2
		return 77
	}
	"$BSTORE_LOOPFS" mount "$type" "$size" "$dir" || rc=$?
	[ "$rc" -eq 0 ] || return "$rc"
	bstore_dir=$dir
	mkdir -p "$dir/root" "$dir/run" "$dir/tmp"
	cat >"$dir/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$dir/root"
runroot = "$dir/run"
EOF
	export CONTAINERS_STORAGE_CONF=$dir/storage.conf
}

# bah ARGS...: buildah on the private storage.
bah() {
	[ -n "$bstore_dir" ] || {
		echo "buildah-store: bah: no storage open" >&2
		return 1
	}
	TMPDIR=$bstore_dir/tmp buildah --root "$bstore_dir/root" \
		--runroot "$bstore_dir/run" --storage-driver overlay "$@"
}

# bah_commit ARGS...: `bah commit ARGS`, in a mount namespace of its own
# whose /var/lib/containers (or /var/lib, when that is missing) is a
# directory of the storage: committing writes containers/image's
# blob-info cache to /var/lib/containers/cache, machine state that other
# users of buildah share.
bah_commit() {
	local varlib=$bstore_dir/varlib

	mkdir -p "$varlib"
	# shellcheck disable=SC2016
	unshare --mount --propagation private sh -c '
		t=/var/lib/containers
		[ -d "$t" ] || t=/var/lib
		mount --bind "$1" "$t" || exit 1
		shift
		exec "$@"' sh "$varlib" env TMPDIR="$bstore_dir/tmp" \
		buildah --root "$bstore_dir/root" --runroot "$bstore_dir/run" \
		--storage-driver overlay commit "$@"
}

# Mount points under the storage, newest first (mountinfo is in mount
# order).  Only ours: other people mount things at the same time.
_bstore_mounts() {
	awk -v top="$bstore_dir/" 'index($5, top) == 1 { print $5 }' \
		/proc/self/mountinfo | tac
}

bstore_close() {
	local m rc=0

	[ -n "$bstore_dir" ] || return 0
	# Containers go first: removing one unmounts it, whatever its
	# mount count; then the images they came from.
	bah rm --all >/dev/null 2>&1 || rc=1
	bah rmi --all --force >/dev/null 2>&1 || true
	# The storage bind-mounts its overlay directory onto itself and
	# leaves it; a killed buildah leaves more.
	for m in $(_bstore_mounts); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || rc=1
	done
	"$BSTORE_LOOPFS" umount "$bstore_dir" || rc=1
	unset CONTAINERS_STORAGE_CONF
	bstore_dir=""
	return $rc
}
