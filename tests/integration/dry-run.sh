#!/bin/bash
# --dry-run (-n): prints what the copy would create, replace or merge,
# with the mover it would use, and changes nothing: the destination is
# the same afterwards, byte for byte and inode for inode (type, mode,
# owner, size, mtime and ctime in ns, inode, link count, symlink target
# and content hash of every entry).  Covers an empty destination, one
# that already holds part of the tree, a collision the real copy refuses
# (reported, exit 1), and exec -n.  Devices in the tree need root;
# without it the tree has none.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_cmd python3 sha256sum
require_stagecp
umask 022

src=$T/src
dst=$T/dst
mkdir -p "$src/tree/sub/deeper" "$src/tree/empty" "$dst"
printf 'one\n' >"$src/tree/f1"
head -c 70000 /dev/urandom >"$src/tree/f2"
printf 'three\n' >"$src/tree/name with space"
printf 'four\n' >"$src/tree/sub/f4"
printf 'five\n' >"$src/tree/sub/deeper/f5"
ln -s f1 "$src/tree/link"
ln "$src/tree/f2" "$src/tree/sub/hl"
mkfifo "$src/tree/fifo"
if [ "$(id -u)" -eq 0 ]; then
	mknod "$src/tree/null-like" c 1 3
	chown 1234:5678 "$src/tree/sub/f4"
fi

# snapshot DIR OUT: everything a copy could change under DIR (DIR
# included), one line per entry, then the content hash of every file.
# Reading the files for the hashes moves only atimes, left out.
snapshot() {
	(
		cd "$1"
		find . -printf '%y %M %U %G %s %T@ %C@ %i %n %D [%l] %p\n' |
			LC_ALL=C sort
		find . -type f -print0 | LC_ALL=C sort -z |
			xargs -0 -r sha256sum
	) >"$2"
}

# unchanged WHAT: the destination is as snapshot() last saw it.
unchanged() {
	snapshot "$dst" "$T/after"
	diff -u "$T/before" "$T/after" ||
		fail "$1: the destination changed"
}

# has_line LINE WHAT: the dry run printed exactly LINE.
has_line() {
	grep -qxF -- "$1" "$T/out" || {
		cat "$T/out"
		fail "$2: no line \"$1\""
	}
}

# only_actions WHAT: every line of stdout starts with an action.
# exec also names each instruction before its actions: "line N: ...".
only_actions() {
	if grep -vE '^(create|replace|merge|line [0-9]+:) ' "$T/out"; then
		fail "$1: the lines above name no action"
	fi
}

# like_real_copy DIR WHAT: the lines of a dry run of /tree into DIR,
# without their action, are the -v lines of a real copy into the scratch
# root $T/real: the same entries with the same movers, hardlinks
# included.  One worker each, so both meet a hardlinked inode's names in
# the same order.  The dry run may name the top directory as well.
like_real_copy() {
	local dir=$1 what=$2
	"$STAGECP" -n -j1 --from="$src" --to="$dst" /tree "$dir/" |
		sed -E 's/^(create|replace|merge) //' |
		grep -vxF "dir /tree -> $dir" | LC_ALL=C sort >"$T/dry.lines" ||
		fail "$what: the dry run failed"
	rm -rf "$T/real"
	mkdir "$T/real"
	"$STAGECP" -v -j1 --from="$src" --to="$T/real" /tree "$dir/" |
		grep -vxF "dir /tree -> $dir" | LC_ALL=C sort >"$T/real.lines" ||
		fail "$what: the real copy failed"
	rm -rf "$T/real"
	diff -u "$T/real.lines" "$T/dry.lines" ||
		fail "$what: the dry run's entries or movers (+) differ from the real copy's -v lines (-)"
}

step "-n into an empty destination"
snapshot "$dst" "$T/before"
run -n --from="$src" --to="$dst" /tree /app/
expect_rc 0 "-n into an empty destination"
cat "$T/out"
[ ! -s "$T/err" ] || fail "-n into an empty destination: stderr: $(cat "$T/err")"
unchanged "-n into an empty destination"
[ ! -e "$dst/app" ] || fail "-n created /app"
only_actions "-n into an empty destination"
has_line "create dir /tree/sub -> /app/sub" "-n into an empty destination"
has_line "create dir /tree/empty -> /app/empty" "-n into an empty destination"
has_line "create symlink /tree/link -> /app/link" "-n into an empty destination"
has_line "create fifo /tree/fifo -> /app/fifo" "-n into an empty destination"
grep -qE '^create (clone|copy_file_range|read/write) /tree/f2 -> /app/f2$' \
	"$T/out" || fail "-n into an empty destination: no create line with a mover for f2"
grep -qE '^create (clone|copy_file_range|read/write) /tree/name with space -> /app/name with space$' \
	"$T/out" || fail "-n into an empty destination: no line for \"name with space\""
[ "$(grep -c . "$T/out")" -ge 10 ] ||
	fail "-n into an empty destination: fewer lines than entries"

step "--dry-run is -n"
cp "$T/out" "$T/out.n"
run --dry-run --from="$src" --to="$dst" /tree /app/
expect_rc 0 "--dry-run"
diff -u <(LC_ALL=C sort "$T/out.n") <(LC_ALL=C sort "$T/out") ||
	fail "--dry-run and -n print different plans"
unchanged "--dry-run"

step "-n into a destination whose parents are missing"
run -n --from="$src" --to="$dst" /tree/f1 /new/deeper/still/
expect_rc 0 "-n with missing parents"
grep -qE '^create (clone|copy_file_range|read/write) /tree/f1 -> /new/deeper/still/f1$' \
	"$T/out" || { cat "$T/out"; fail "-n with missing parents: no create line for f1"; }
unchanged "-n with missing parents"
[ ! -e "$dst/new" ] || fail "-n created /new"

step "-n into a destination that holds part of the tree"
"$STAGECP" --from="$src" --to="$dst" /tree /part/ ||
	fail "could not prepare /part"
rm -rf "$dst/part/sub/deeper" "$dst/part/fifo" "$dst/part/sub/f4"
echo "changed since" >"$dst/part/f1"
touch -d @1500000000.123456789 "$dst/part/f1" "$dst/part/sub"
snapshot "$dst" "$T/before"
run -n --from="$src" --to="$dst" /tree /part/
expect_rc 0 "-n over part of the tree"
cat "$T/out"
unchanged "-n over part of the tree"
only_actions "-n over part of the tree"
grep -qE '^replace (clone|copy_file_range|read/write) /tree/f1 -> /part/f1$' \
	"$T/out" || fail "-n over part of the tree: f1 is not replaced"
has_line "merge dir /tree/sub -> /part/sub" "-n over part of the tree"
has_line "replace symlink /tree/link -> /part/link" "-n over part of the tree"
has_line "create dir /tree/sub/deeper -> /part/sub/deeper" \
	"-n over part of the tree"
has_line "create fifo /tree/fifo -> /part/fifo" "-n over part of the tree"
grep -qE '^create (clone|copy_file_range|read/write) /tree/sub/f4 -> /part/sub/f4$' \
	"$T/out" || fail "-n over part of the tree: sub/f4 is not created"
[ "$(cat "$dst/part/f1")" = "changed since" ] || fail "-n rewrote /part/f1"

step "a collision the real copy refuses: reported, exit 1"
mkdir -p "$dst/clash/f1/occupied"
echo "keep me" >"$dst/clash/f1/occupied/file"
snapshot "$dst" "$T/before"
run -n --from="$src" --to="$dst" /tree /clash/
expect_rc 1 "-n with a directory in the way"
cat "$T/err"
unchanged "-n with a directory in the way"
grep -q '^stagecp: /clash/f1: .*: cannot replace to directory' "$T/err" ||
	fail "-n with a directory in the way: stderr does not report /clash/f1"
grep -qE ' /tree/f2 -> /clash/f2$' "$T/out" ||
	fail "-n with a directory in the way: the other entries are not listed"
if grep -q ' -> /clash/f1$' "$T/out"; then
	fail "-n with a directory in the way: f1 is listed as if it would be copied"
fi
# The real copy refuses the same entry.
cp "$T/err" "$T/err.dry"
run --from="$src" --to="$dst" /tree /clash/
expect_rc 1 "the real copy with a directory in the way"
grep -q '^stagecp: /clash/f1: .*: cannot replace to directory' "$T/err" ||
	fail "the real copy does not refuse /clash/f1 like the dry run did"

step "exec -n"
cat >"$T/Dockerfile" <<'EOF'
COPY /tree/f1 /ex/
# a comment
COPY --chmod=600 /tree/sub /ex/sub/
COPY /tree/link /ex/
EOF
snapshot "$dst" "$T/before"
run exec -n --from="$src" --to="$dst" -f "$T/Dockerfile"
expect_rc 0 "exec -n"
cat "$T/out"
unchanged "exec -n"
[ ! -e "$dst/ex" ] || fail "exec -n created /ex"
only_actions "exec -n"
grep -qx 'line 3: COPY --chmod=600 /tree/sub /ex/sub/' "$T/out" ||
	fail "exec -n: line 3 is not named"
grep -qE '^create (clone|copy_file_range|read/write) /tree/f1 -> /ex/f1$' \
	"$T/out" || fail "exec -n: line 1's file is not listed"
grep -qE '^create (clone|copy_file_range|read/write) /tree/sub/deeper/f5 -> /ex/sub/deeper/f5$' \
	"$T/out" || fail "exec -n: line 3's tree is not listed"
# A symlink named as a source is copied as what it points to, as COPY does.
grep -qE '^create (clone|copy_file_range|read/write) /tree/link -> /ex/link$' \
	"$T/out" || fail "exec -n: line 4's source is not listed"

step "exec -n with a failing instruction stops there"
printf 'COPY /tree/f1 /ex2/\nCOPY /no-such /ex2/\nCOPY /tree/link /ex2/\n' \
	>"$T/Dockerfile.fail"
run exec -n --from="$src" --to="$dst" -f "$T/Dockerfile.fail"
expect_rc 1 "exec -n with a missing source"
unchanged "exec -n with a missing source"
grep -q ' /tree/f1 -> /ex2/f1$' "$T/out" ||
	fail "exec -n with a missing source: line 1 is not listed"
if grep -q ' -> /ex2/link$' "$T/out"; then
	fail "exec -n with a missing source: went on after the failing line"
fi
grep -q 'line 2' "$T/err" ||
	fail "exec -n with a missing source: stderr does not name line 2"

step "the dry run names the entries and movers of the real copy"
snapshot "$dst" "$T/before"
like_real_copy /app "-n into an empty destination"
unchanged "-n -j1"

echo "ok: --dry-run"
