#!/bin/bash
# Plain `make` and `make install` on a machine missing a build package
# stop before the first compile with the exact apt-get line (make deps, or
# make check as root, installs it).  A fake dpkg-query on PATH says
# libcap-dev is not installed; a fake apt-get records any call.
. "$(dirname "$0")/../lib.sh"
require_cmd make tar

src=$T/src
mkdir -p "$src" "$T/bin"
# The sources only: nothing built comes along.
(cd "$TOP" && tar --exclude='*.o' --exclude='*.a' --exclude='*.so' \
	--exclude=tool/stagecp -cf - Makefile scripts kmod-free tool) |
	tar -C "$src" -xf -

cat >"$T/bin/dpkg-query" <<'EOS'
#!/bin/sh
# Every package is installed but libcap-dev.
for a; do p=$a; done
case $p in
libcap-dev) echo 'dpkg-query: no packages found matching libcap-dev' >&2; exit 1 ;;
*) printf 'install ok installed' ;;
esac
EOS
cat >"$T/bin/apt-get" <<EOS
#!/bin/sh
echo "apt-get \$*" >>"$T/apt-get.calls"
exit 1
EOS
chmod +x "$T/bin/dpkg-query" "$T/bin/apt-get"

# make as a new user types it: nothing inherited from the make check that
# runs this test (SANITIZE=1 there would move the build to build/san).
new_user_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE \
		PATH="$T/bin:$PATH" make "$@"
}

for target in "" install; do
	step "make $target with libcap-dev missing"
	rc=0
	new_user_make -C "$src" $target DESTDIR="$T/inst" \
		>"$T/out" 2>&1 || rc=$?
	cat "$T/out"
	[ "$rc" -ne 0 ] || fail "make $target succeeded without libcap-dev"
	grep -qxF "  apt-get install -y libcap-dev" "$T/out" ||
		fail "make $target: no exact apt-get line"
	if grep -q '^  CC\|^cc ' "$T/out" ||
		[ -n "$(find "$src" -name '*.o' | head -n 1)" ]; then
		fail "make $target compiled before stopping"
	fi
	[ ! -e "$T/inst" ] || fail "make $target installed something"
	[ ! -e "$T/apt-get.calls" ] || fail "make $target ran apt-get: $(cat "$T/apt-get.calls")"
done

step "with every package there, the check passes and compiling starts"
cat >"$T/bin/dpkg-query" <<'EOS'
#!/bin/sh
printf 'install ok installed'
EOS
new_user_make -C "$src" build/opt/.deps-ok >"$T/out" 2>&1 ||
	{ cat "$T/out"; fail "the check failed with every package there"; }
echo ok
