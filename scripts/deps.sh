#!/bin/sh
# Install the Debian packages stagecp needs to build and test.
# Usage: scripts/deps.sh [--check] [build|test|bench|fuzz|all]
#        (default: test)
# As root, missing packages are installed with apt-get; otherwise, or with
# --check (what plain `make` runs before compiling), the exact apt-get line
# is printed and the script exits 1.
set -eu

check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi

build="gcc make pkg-config liburing-dev libcap-dev libarchive-dev"
test="$build libcmocka-dev btrfs-progs xfsprogs e2fsprogs attr libcap2-bin \
	dpkg-dev debhelper lintian groff-base man-db binutils \
	util-linux coreutils kmod python3 jq clang libclang-rt-14-dev buildah \
	golang-go golang-github-tonistiigi-fsutil-dev libseccomp-dev"
bench="$test rsync tar gnuplot-nox strace"
fuzz="$build libcmocka-dev clang libclang-rt-14-dev"

case "${1:-test}" in
build) want=$build ;;
test) want=$test ;;
bench) want=$bench ;;
fuzz) want=$fuzz ;;
all) want="$bench $fuzz" ;;
*) echo "usage: $0 [build|test|bench|fuzz|all]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "scripts/deps.sh: no dpkg-query (not Debian?): packages not checked" >&2
	[ "$check" = 1 ] && exit 0
	exit 1
fi

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$check" = 1 ] || [ "$(id -u)" -ne 0 ]; then
	echo "stagecp: missing Debian packages; install them with:" >&2
	echo "  apt-get install -y$missing" >&2
	[ "$check" = 0 ] ||
		echo "(or run: make deps; as root it installs them)" >&2
	exit 1
fi

echo "scripts/deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An old or empty package list makes apt-get miss packages: refresh it once.
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
