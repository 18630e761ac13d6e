#!/bin/bash
# The Debian packages: build them from a copy of the working tree with
# dpkg-buildpackage, hold them to lintian (no errors), install them with
# dpkg -i, check that the installed stagecp, library, header, .pc file, man
# pages and completion work, and remove them again on every exit path.
# Root only: it installs packages into this machine.
source "$(dirname "$0")/../lib.sh"

require_root
require_cmd dpkg dpkg-buildpackage dpkg-checkbuilddeps dpkg-parsechangelog \
	dh lintian tar cc make pkg-config python3
[ -f "$TOP/debian/control" ] || fail "$TOP/debian/control: missing"

pkgs=$(awk '/^Package:/ { printf "%s ", $2 }' "$TOP/debian/control")
[ -n "$pkgs" ] || fail "debian/control names no package"

# Two runs at once (two checkouts on one machine) would install and remove
# each other's packages: the second waits for the first.
exec {lock_fd}>/run/lock/stagecp-deb-test.lock
flock "$lock_fd"

# A machine that already has one of them installed is not ours to change.
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	"" | *" not-installed") ;;
	*) skip "$p is already installed ($status): not replacing it;" \
		"dpkg --purge $p if a killed run of this test left it" ;;
	esac
done

# --- removal on every exit path -------------------------------------------

installed=
remove_packages() {
	[ -n "$installed" ] || return 0
	# shellcheck disable=SC2086
	dpkg_locked --purge $pkgs >"$T/remove.log" 2>&1 || {
		cat "$T/remove.log" >&2
		return 1
	}
	installed=
}

# lib.sh's _cleanup must still see the test's exit status, and nothing
# in the trap may end it before _cleanup has run.
trap '_rc=$?; trap - ERR; set +e; remove_packages; (exit $_rc); _cleanup' EXIT

# dpkg refuses to run while apt or another dpkg holds its lock (a package
# being installed elsewhere on the machine): wait for it instead of failing.
dpkg_locked() {
	local i out rc
	for ((i = 0; i < 60; i++)); do
		rc=0
		out=$(dpkg "$@" 2>&1) || rc=$?
		if [ "$rc" -ne 0 ] &&
			grep -q 'locked by another process' <<<"$out"; then
			sleep 2
			continue
		fi
		printf '%s\n' "$out"
		return "$rc"
	done
	printf '%s\n' "$out"
	return "$rc"
}

# --- build -----------------------------------------------------------------

src=$T/src/stagecp
step "copy the working tree to $src"
mkdir -p "$src"
# What git ignores (build outputs) and the VCS data stay behind;
# dpkg-buildpackage starts with "debian/rules clean" anyway.
tar -C "$TOP" --exclude-vcs --exclude-vcs-ignores --exclude=./build \
	-cf - . | tar -C "$src" -xf -

cd "$src"
if ! dpkg-checkbuilddeps >"$T/deps.log" 2>&1; then
	cat "$T/deps.log"
	skip "build dependencies missing (scripts/deps.sh test installs them)"
fi

step "dpkg-buildpackage -us -uc -b"
# A "make check SANITIZE=1" or "make -j" above us must not reach the
# package build through the environment: it has its own flags.
export DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS-}"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u SANITIZE -u V \
	dpkg-buildpackage -us -uc -b >"$T/build.log" 2>&1 || {
	tail -n 60 "$T/build.log"
	fail "dpkg-buildpackage failed"
}

version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
changes=$T/src/stagecp_${version}_$arch.changes
[ -f "$changes" ] || fail "$changes: not built"

step "lintian (errors fail, warnings are shown)"
# TMPDIR: lintian leaves temporary files behind; they go with $T.
TMPDIR=$T lintian --fail-on error --display-info "$changes" \
	>"$T/lintian.log" 2>&1 || {
	cat "$T/lintian.log"
	fail "lintian reports errors"
}
grep -v 'running with root privileges' "$T/lintian.log" || true

# --- install ---------------------------------------------------------------

debs=()
for p in $pkgs; do
	f=$T/src/${p}_${version}_$arch.deb
	[ -f "$f" ] || fail "$f: not built"
	debs+=("$f")
done

step "dpkg -i ${debs[*]##*/}"
installed=1
dpkg_locked -i "${debs[@]}" >"$T/install.log" 2>&1 || {
	cat "$T/install.log"
	fail "dpkg -i failed"
}

want=$(sed -n 's/^#define STAGECP_VERSION "\(.*\)"$/\1/p' \
	"$src/kmod-free/include/stagecp.h")
step "/usr/bin/stagecp --version"
out=$(/usr/bin/stagecp --version) || fail "/usr/bin/stagecp --version failed"
echo "$out"
[ "$out" = "stagecp $want" ] || fail "--version: '$out', want 'stagecp $want'"
owner=$(dpkg -S /usr/bin/stagecp)
[ "$owner" = "stagecp: /usr/bin/stagecp" ] ||
	fail "/usr/bin/stagecp belongs to '$owner'"

step "the installed files"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/lib/"$multiarch"/libstagecp.so.0 \
	/usr/lib/"$multiarch"/libstagecp.so \
	/usr/lib/"$multiarch"/libstagecp.a \
	/usr/lib/"$multiarch"/pkgconfig/stagecp.pc \
	/usr/include/stagecp.h \
	/usr/share/man/man1/stagecp.1.gz \
	/usr/share/man/man7/stagecp-copy.7.gz \
	/usr/share/bash-completion/completions/stagecp; do
	[ -e "$f" ] || fail "$f: not installed"
	dpkg -S "$f" >/dev/null || fail "$f: not owned by a package"
done
# On a merged-/usr system the cache may name /lib instead of /usr/lib.
ldconfig -p | grep -E "libstagecp\.so\.0 .*=> (/usr)?/lib/$multiarch/" \
	>/dev/null ||
	fail "libstagecp.so.0 is not in the ld.so cache"
for page in 1/stagecp 7/stagecp-copy; do
	gz=/usr/share/man/man${page%/*}/${page#*/}.${page%/*}.gz
	man -aw "${page#*/}" | grep -x "$gz" >/dev/null ||
		fail "man -w ${page#*/} does not find $gz"
	MANWIDTH=80 man --warnings -E UTF-8 -P cat -l "$gz" \
		2>"$T/man.err" | grep '^NAME' >/dev/null ||
		fail "$gz does not render"
	[ ! -s "$T/man.err" ] || {
		cat "$T/man.err"
		fail "man ${page#*/} printed warnings"
	}
done
bash -n /usr/share/bash-completion/completions/stagecp ||
	fail "the bash completion does not parse"

step "build and run tool/examples against the installed library"
out=$(env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR \
	pkg-config --modversion stagecp)
[ "$out" = "$want" ] || fail "pkg-config --modversion: '$out', want '$want'"
cp -r "$src/tool/examples" "$T/examples"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u SANITIZE -u V \
	-u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR \
	make -C "$T/examples" --no-print-directory copy-stage \
	>"$T/example.log" 2>&1 || {
	cat "$T/example.log"
	fail "the example does not build against the package"
}
mkdir -p "$T/from/app/sub" "$T/to"
echo hello >"$T/from/app/hello.txt"
ln -s ../hello.txt "$T/from/app/sub/link"
env -u LD_LIBRARY_PATH "$T/examples/copy-stage" "$T/from" "$T/to" \
	/app /srv/ >"$T/run.log" 2>&1 || {
	cat "$T/run.log"
	fail "the example failed"
}
treecmp "$T/from/app" "$T/to/srv" --ignore-top
env -u LD_LIBRARY_PATH ldd "$T/examples/copy-stage" |
	grep -E "libstagecp\.so\.0 => (/usr)?/lib/$multiarch/libstagecp\.so\.0" \
		>/dev/null ||
	fail "the example did not load the packaged library"

# --- remove ----------------------------------------------------------------

step "dpkg --purge $pkgs"
cd /
remove_packages || fail "dpkg --purge failed"
[ ! -e /usr/bin/stagecp ] || fail "/usr/bin/stagecp is still there"
[ ! -e "/usr/lib/$multiarch/libstagecp.so.0" ] ||
	fail "libstagecp.so.0 is still there"

echo "PASS"
