#!/bin/bash
# The command line: usage errors, Docker COPY destination rules, stage
# root confinement and failure reporting.  Runs on any filesystem and
# mostly without root.
. "$(dirname "$0")/../lib.sh"

require_stagecp
umask 022

step "--help, --version"
run --help
expect_rc 0 "--help"
grep -q -- '--from' <<<"$out" || fail "--help does not mention --from"
run --version
expect_rc 0 "--version"
[ "$out" = "stagecp 0.2.0" ] || fail "--version printed \"$out\""

step "bad usage exits 2"
run --no-such-option a b
expect_rc 2 "unknown option"
[ -n "$err" ] || fail "unknown option: nothing on stderr"
run --strategy=bogus a b
expect_rc 2 "--strategy=bogus"
run
expect_rc 2 "no arguments"
run only-a-source
expect_rc 2 "missing DEST"

ws=$T/ws
mkdir -p "$ws/build/sub"
cd "$ws"
echo a >build/a.txt
echo b >build/sub/b.txt
chmod 0750 build/sub
touch -d @1600000000.123456789 build/a.txt build/sub/b.txt build/sub
echo single >file.txt
echo second >second.txt

step "missing source exits 1 and names it"
run no-such-source out/
expect_rc 1 "missing source"
echo "$err"
grep -q '^stagecp: .*no-such-source' <<<"$err" ||
	fail "missing source: stderr \"$err\" does not name it"
# stagecp: <path>: <what>: <reason>, the reason being BuildKit's text
# plus the root it looked in and how to change it.
grep -qxF "stagecp: /no-such-source: copy: \"/no-such-source\": not found in the source root $ws (the current directory; use --from=ROOT)" \
	<<<"$err" || fail "missing source: message is not BuildKit's not-found with the root"

step "an absolute source resolves in the source root, and the message says so"
run /etc/hostname out/
expect_rc 1 "an absolute host path"
grep -qxF "stagecp: /etc/hostname: copy: \"/etc/hostname\": not found in the source root $ws (the current directory; use --from=ROOT)" \
	<<<"$err" || fail "absolute source: $err"
run --from="$ws/build" /no-such out/
expect_rc 1 "missing source under --from"
grep -qxF "stagecp: /no-such: copy: \"/no-such\": not found in the source root $ws/build (--from)" \
	<<<"$err" || fail "missing source under --from: $err"

step "a missing root is named, and must exist"
run --to="$T/no-such-root" a.txt out/
expect_rc 1 "a missing --to root"
grep -qxF "stagecp: $T/no-such-root: open the destination root (--to): no such directory; a stage root must be an existing directory" \
	<<<"$err" || fail "missing --to root: $err"
[ ! -e "$T/no-such-root" ] || fail "a missing --to root was created"
run --from="$ws/file.txt" a.txt out/
expect_rc 1 "a --from root that is a file"
grep -qxF "stagecp: $ws/file.txt: open the source root (--from): not a directory; a stage root must be an existing directory" \
	<<<"$err" || fail "--from root that is a file: $err"

step "stagecp build/ dist/ copies the contents"
run build/ dist/
expect_rc 0 "build/ dist/"
{ [ -f dist/a.txt ] && [ -f dist/sub/b.txt ]; } ||
	fail "build/ dist/: contents not in dist/"
[ ! -e dist/build ] || fail "build/ dist/: copied the directory itself"
treecmp build dist --ignore-top

step "a file onto an existing directory goes inside"
mkdir existing
run file.txt existing
expect_rc 0 "file.txt existing"
[ -f existing/file.txt ] || fail "file.txt not inside existing/"

step "DEST with a trailing / is a directory"
run file.txt newdir/
expect_rc 0 "file.txt newdir/"
{ [ -d newdir ] && [ -f newdir/file.txt ]; } || fail "newdir/file.txt missing"

step "DEST without / that does not exist is the file's new name"
run file.txt renamed
expect_rc 0 "file.txt renamed"
{ [ -f renamed ] && cmp -s file.txt renamed; } || fail "renamed is not the file"

step "several sources into one directory"
run file.txt second.txt multi/
expect_rc 0 "file.txt second.txt multi/"
{ [ -f multi/file.txt ] && [ -f multi/second.txt ]; } ||
	fail "multi/ lacks a source"

step "missing parents are created 0755"
run file.txt deep/er/path/
expect_rc 0 "file.txt deep/er/path/"
[ -f deep/er/path/file.txt ] || fail "deep/er/path/file.txt missing"
for d in deep deep/er deep/er/path; do
	[ "$(stat -c %a "$d")" = 755 ] ||
		fail "$d: mode $(stat -c %a "$d"), want 755"
done

step "missing parents are 0755 under umask 077 too"
(umask 077 && "$STAGECP" file.txt masked/parent/) ||
	fail "file.txt masked/parent/ failed"
for d in masked masked/parent; do
	[ "$(stat -c %a "$d")" = 755 ] ||
		fail "$d: mode $(stat -c %a "$d") under umask 077, want 755"
done

step "-v prints one line per entry"
run -v build/ verbose/
expect_rc 0 "-v build/ verbose/"
echo "$out"
grep -Eq '^(clone|copy_file_range|read/write) .*a\.txt -> .*a\.txt$' \
	<<<"$out" || fail "-v: no mover line for a.txt"
grep -Eq '^dir .*sub -> .*sub$' <<<"$out" || fail "-v: no dir line for sub"

step "an existing directory where a file should go fails the copy"
mkdir -p clash/a.txt/occupied
run build/ clash/
expect_rc 1 "file over a directory"
echo "$err"
grep -q '^stagecp: .*a\.txt: ' <<<"$err" ||
	fail "file over a directory: stderr does not name a.txt"

step "--from confines SRC to the stage root"
root=$T/stage
mkdir -p "$root/etc" "$root/dest"
echo "inside the stage" >"$root/etc/stagecp-marker"
ln -s /etc "$root/abs-link"
run --from="$root" --to="$root/dest" /abs-link/stagecp-marker /via-link/
expect_rc 0 "SRC through an absolute symlink"
cmp -s "$root/etc/stagecp-marker" "$root/dest/via-link/stagecp-marker" ||
	fail "an absolute symlink in SRC did not resolve inside --from"
run --from="$root" --to="$root/dest" /../../../etc/stagecp-marker /dotdot/
expect_rc 0 "SRC with .. above the root"
cmp -s "$root/etc/stagecp-marker" "$root/dest/dotdot/stagecp-marker" ||
	fail "SRC with .. escaped --from"
run --from="$root" --to="$root/dest" /etc/stagecp-marker /../../escape/
expect_rc 0 "DEST with .. above the root"
[ -f "$root/dest/escape/stagecp-marker" ] ||
	fail "DEST with .. did not stay inside --to"

step "--to confines DEST symlinks to the stage root"
mkdir "$root/dest/stagecp-target"
ln -s /stagecp-target "$root/dest/abs-dest"
ln -s ../../../../../../../stagecp-target "$root/dest/rel-dest"
run --from="$root" --to="$root/dest" /etc/stagecp-marker /abs-dest/a/
expect_rc 0 "DEST through an absolute symlink"
[ -f "$root/dest/stagecp-target/a/stagecp-marker" ] ||
	fail "an absolute symlink in DEST did not resolve inside --to"
run --from="$root" --to="$root/dest" /etc/stagecp-marker /rel-dest/b/
expect_rc 0 "DEST through a relative symlink climbing out"
[ -f "$root/dest/stagecp-target/b/stagecp-marker" ] ||
	fail "a relative symlink in DEST escaped --to"

step "existing entries are replaced, never written through"
mkdir -p "$T/over/dst/app" "$T/over/src/t"
echo new >"$T/over/src/t/f"
echo new >"$T/over/src/t/g"
echo "old and longer" >"$T/over/dst/app/f"
ln "$T/over/dst/app/f" "$T/over/other-name"
echo "outside the root" >"$T/over/outside"
ln -s "$T/over/outside" "$T/over/dst/app/g"
run --from="$T/over/src" --to="$T/over/dst" /t /app/
expect_rc 0 "copy over existing entries"
[ "$(cat "$T/over/dst/app/f")" = new ] || fail "app/f not replaced"
[ "$(cat "$T/over/other-name")" = "old and longer" ] ||
	fail "writing app/f changed its other hardlink"
{ [ ! -L "$T/over/dst/app/g" ] && [ "$(cat "$T/over/dst/app/g")" = new ]; } ||
	fail "app/g: the old symlink was not replaced"
[ "$(cat "$T/over/outside")" = "outside the root" ] ||
	fail "the copy wrote through a symlink"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	step "an unreadable source (as uid 65534) fails the copy"
	chmod 0755 "$T"
	mkdir -p "$T/priv/out"
	echo secret >"$T/priv/secret"
	chmod 0600 "$T/priv/secret"
	chown 65534:65534 "$T/priv/out"
	cd "$T/priv"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$STAGECP" secret out/ >"$T/out" 2>"$T/err" || rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
	expect_rc 1 "unreadable source"
	echo "$err"
	grep -q '^stagecp: .*secret: .*permission denied' <<<"$err" ||
		fail "unreadable source: no \"stagecp: ...secret: ...: permission denied\""
else
	echo "not root: unreadable-source check left out"
fi
echo "ok: command line"
