#!/bin/bash
# make install into a DESTDIR, checked the way a builder would use it: the
# files and symlinks are where they belong, the shared library exports the
# API of stagecp.h and nothing else under soname libstagecp.so.0, the .pc
# file names the real prefix, and tool/examples/copy-stage.c builds through
# pkg-config against the installed files (shared and static) and copies a
# tree; make uninstall then takes every file away again.  Works as root
# and as a user who can write the source tree.
source "$(dirname "$0")/../lib.sh"

require_cmd make cc pkg-config nm readelf python3

D=$T/destdir
PC=$D/usr/lib/pkgconfig

step "make install DESTDIR=$D PREFIX=/usr"
make -C "$TOP" --no-print-directory install DESTDIR="$D" PREFIX=/usr \
	>"$T/install.log" 2>&1 || {
	cat "$T/install.log"
	fail "make install failed"
}

version=$(sed -n 's/^#define STAGECP_VERSION "\(.*\)"$/\1/p' \
	"$TOP/kmod-free/include/stagecp.h")
[ -n "$version" ] || fail "no STAGECP_VERSION in stagecp.h"

step "installed files"
for f in usr/bin/stagecp usr/lib/libstagecp.a usr/lib/libstagecp.so.$version \
	usr/include/stagecp.h usr/lib/pkgconfig/stagecp.pc \
	usr/share/man/man1/stagecp.1 usr/share/man/man7/stagecp-copy.7 \
	usr/share/bash-completion/completions/stagecp; do
	[ -f "$D/$f" ] && [ ! -L "$D/$f" ] || fail "$f: not installed as a file"
done
[ -x "$D/usr/bin/stagecp" ] || fail "usr/bin/stagecp: not executable"
out=$("$D/usr/bin/stagecp" --version)
[ "$out" = "stagecp $version" ] ||
	fail "stagecp --version: '$out', want 'stagecp $version'"
cmp "$TOP/kmod-free/include/stagecp.h" "$D/usr/include/stagecp.h" ||
	fail "installed stagecp.h differs from the source"
ar t "$D/usr/lib/libstagecp.a" | grep '\.o$' >/dev/null ||
	fail "libstagecp.a holds no objects"

step "symlink chain libstagecp.so -> .so.0 -> .so.$version"
link=$(readlink "$D/usr/lib/libstagecp.so") ||
	fail "usr/lib/libstagecp.so: not a symlink"
[ "$link" = libstagecp.so.0 ] ||
	fail "libstagecp.so points to '$link', want libstagecp.so.0"
link=$(readlink "$D/usr/lib/libstagecp.so.0") ||
	fail "usr/lib/libstagecp.so.0: not a symlink"
[ "$link" = "libstagecp.so.$version" ] ||
	fail "libstagecp.so.0 points to '$link', want libstagecp.so.$version"

so=$D/usr/lib/libstagecp.so.$version

step "SONAME is libstagecp.so.0"
if ! readelf -d "$so" | grep 'SONAME.*\[libstagecp\.so\.0\]$' >/dev/null
then
	readelf -d "$so"
	fail "$so: SONAME is not libstagecp.so.0"
fi

step "the .so exports exactly the functions of stagecp.h"
# nm prints "name@@VERSION" for versioned symbols; the version node of the
# linker script shows up as an absolute symbol of its own.
nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
	LC_ALL=C sort -u >"$T/exported"
[ -s "$T/exported" ] || fail "$so exports nothing"
if grep -v '^stagecp_' "$T/exported"; then
	fail "the symbols above are exported but are not stagecp_*"
fi
# Comments and preprocessor lines out first: they mention functions too.
python3 - "$D/usr/include/stagecp.h" <<'EOF' | LC_ALL=C sort -u >"$T/declared"
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
for name in re.findall(r"STAGECP_API[^;(]*?\b(stagecp_\w+)\s*\(", text):
    print(name)
EOF
[ -s "$T/declared" ] || fail "no STAGECP_API function found in stagecp.h"
if ! diff -u "$T/declared" "$T/exported"; then
	fail "exports differ from the STAGECP_API functions of stagecp.h"
fi

# "make check SANITIZE=1" installs an instrumented library: a program
# that links it must carry the sanitizer runtime too.
san=
if readelf -d "$so" | grep 'NEEDED.*libasan' >/dev/null; then
	san="-fsanitize=address,undefined"
fi

step "stagecp.pc"
# The .pc file describes the final location, never the DESTDIR.
pcvar() {
	PKG_CONFIG_LIBDIR=$PC pkg-config --variable="$1" stagecp
}
[ "$(pcvar libdir)" = /usr/lib ] ||
	fail "stagecp.pc: libdir is '$(pcvar libdir)', want /usr/lib"
[ "$(pcvar includedir)" = /usr/include ] ||
	fail "stagecp.pc: includedir is '$(pcvar includedir)', want /usr/include"
out=$(PKG_CONFIG_LIBDIR=$PC pkg-config --modversion stagecp)
[ "$out" = "$version" ] ||
	fail "stagecp.pc: version '$out', want '$version'"

# pkg-config prefixes -I and -L with the sysroot: the usual way to build
# against a staged install.  PKG_CONFIG_LIBDIR keeps the machine's own
# stagecp.pc, if any, out of the way.
export PKG_CONFIG_LIBDIR=$PC PKG_CONFIG_SYSROOT_DIR=$D

step "build tool/examples with its Makefile (shared library)"
cp -r "$TOP/tool/examples" "$T/examples"
make -C "$T/examples" --no-print-directory copy-stage \
	CFLAGS="-O2 -g -Werror $san" LDFLAGS="$san" >"$T/example.log" 2>&1 || {
	cat "$T/example.log"
	fail "the example does not build against the installed files"
}
readelf -d "$T/examples/copy-stage" |
	grep 'NEEDED.*\[libstagecp\.so\.0\]' >/dev/null ||
	fail "copy-stage does not link libstagecp.so.0"

step "build the example against the static library (Libs.private)"
# -l:libstagecp.a picks the archive over the .so next to it.
libs=$(pkg-config --static --libs stagecp)
libs=${libs/-lstagecp/-l:libstagecp.a}
# shellcheck disable=SC2046,SC2086
cc -std=gnu11 -Wall -Wextra -Werror $san -o "$T/copy-stage-static" \
	"$TOP/tool/examples/copy-stage.c" $(pkg-config --cflags stagecp) $libs ||
	fail "the example does not link statically with pkg-config --static"
if readelf -d "$T/copy-stage-static" | grep 'NEEDED.*libstagecp' >/dev/null
then
	fail "copy-stage-static still needs libstagecp.so"
fi

step "a small tree"
from=$T/from
to=$T/to
mkdir -p "$from/app/sub/deeper" "$to/srv"
printf 'hello\n' >"$from/app/hello.txt"
head -c 300000 /dev/urandom >"$from/app/sub/data.bin"
echo deep >"$from/app/sub/deeper/leaf"
chmod 0640 "$from/app/sub/deeper/leaf"
chmod 0750 "$from/app/sub"
ln -s ../hello.txt "$from/app/sub/link"
ln -s does/not/exist "$from/app/dangling"
ln "$from/app/hello.txt" "$from/app/sub/hello-again"
truncate -s 8M "$from/app/sparse"
printf data | dd of="$from/app/sparse" bs=1 seek=4194304 conv=notrunc \
	status=none
touch -h -d @1500000000.123456789 "$from/app/sub/link"
touch -d @1400000000.987654321 "$from/app/hello.txt" "$from/app/sub"

for prog in "$T/examples/copy-stage" "$T/copy-stage-static"; do
	step "run ${prog##*/}"
	rm -rf "$to/srv/app"
	LD_LIBRARY_PATH=$D/usr/lib "$prog" "$from" "$to" /app /srv/app/ \
		>"$T/run.out" 2>"$T/run.err" || {
		cat "$T/run.out" "$T/run.err"
		fail "${prog##*/} failed"
	}
	cat "$T/run.out"
	[ ! -s "$T/run.err" ] || {
		cat "$T/run.err"
		fail "${prog##*/} reported errors or warnings"
	}
	grep -Eq '^file: [1-9]' "$T/run.out" ||
		fail "${prog##*/} printed no file count"
	treecmp "$from/app" "$to/srv/app" --ignore-top
done

step "the example's copy used the installed library"
LD_LIBRARY_PATH=$D/usr/lib ldd "$T/examples/copy-stage" |
	grep -F "libstagecp.so.0 => $D/usr/lib/libstagecp.so.0" ||
	fail "copy-stage did not load $D/usr/lib/libstagecp.so.0"

step "bad usage exits 2, a missing source exits 1"
rc=0
LD_LIBRARY_PATH=$D/usr/lib "$T/examples/copy-stage" "$from" 2>/dev/null ||
	rc=$?
[ "$rc" -eq 2 ] || fail "copy-stage with one argument exited $rc, want 2"
rc=0
LD_LIBRARY_PATH=$D/usr/lib "$T/examples/copy-stage" "$from" "$to" \
	/no/such/file /srv/ >/dev/null 2>"$T/run.err" || rc=$?
[ "$rc" -eq 1 ] || fail "copying a missing source exited $rc, want 1"
grep -q '^copy-stage: .*/no/such/file: .*: ' "$T/run.err" || {
	cat "$T/run.err"
	fail "no 'copy-stage: <path>: <what>: <reason>' message"
}

step "groff -ww on the man pages"
if command -v groff >/dev/null; then
	for page in "$D/usr/share/man/man1/stagecp.1" \
		"$D/usr/share/man/man7/stagecp-copy.7"; do
		warn=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
		[ -z "$warn" ] || fail "$page: groff warnings:"$'\n'"$warn"
	done
else
	echo "groff not installed: man page not checked"
fi

step "bash -n on the completion"
bash -n "$D/usr/share/bash-completion/completions/stagecp" ||
	fail "the bash completion does not parse"

step "make uninstall removes every file install put there"
make -C "$TOP" --no-print-directory uninstall DESTDIR="$D" PREFIX=/usr \
	>"$T/uninstall.log" 2>&1 || {
	cat "$T/uninstall.log"
	fail "make uninstall failed"
}
left=$(find "$D" ! -type d)
[ -z "$left" ] || fail "left behind by make uninstall:"$'\n'"$left"

echo "PASS"
