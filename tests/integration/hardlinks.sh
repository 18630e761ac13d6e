#!/bin/bash
# Hardlinks are keyed by source inode across the whole invocation: names
# of one inode reached through different SRC arguments stay one inode, and
# the link topology inside a tree is kept exactly.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3
require_stagecp

m=$T/fs
mkfs_mount tmpfs 64M "$m"
s=$m/src
mkdir -p "$s/a" "$s/b" "$s/tree/x/y" "$s/tree/z" "$s/outside" \
	"$m/dst1" "$m/dst2" "$m/dst3" "$m/dst4"

# Two SRC arguments sharing inodes.
echo "one inode, two arguments" >"$s/a/shared"
ln "$s/a/shared" "$s/b/shared-too"
echo "file argument" >"$s/a/file-arg"
ln "$s/a/file-arg" "$s/b/file-arg-link"

# Inside one tree: a group of three, a group of two, a single file, and
# a file whose other name is outside the copied tree.
echo three >"$s/tree/g3"
ln "$s/tree/g3" "$s/tree/x/g3-b"
ln "$s/tree/g3" "$s/tree/x/y/g3 c"
echo two >"$s/tree/z/g2"
ln "$s/tree/z/g2" "$s/tree/g2-b"
echo single >"$s/tree/single"
echo "half outside" >"$s/tree/half"
ln "$s/tree/half" "$s/outside/half"
# An empty file is an inode too.
: >"$s/tree/empty"
ln "$s/tree/empty" "$s/tree/x/empty-b"

# So are symlinks, FIFOs and devices (tar and buildkit keep their links).
mkdir -p "$s/special/x"
ln -s target "$s/special/sym"
ln -P "$s/special/sym" "$s/special/x/sym-b"
mkfifo "$s/special/fifo"
ln "$s/special/fifo" "$s/special/x/fifo-b"
mknod "$s/special/null-like" c 1 3
ln "$s/special/null-like" "$s/special/x/null-like-b"

ino() {
	stat -c %i "$1"
}

same_inode() {
	[ "$(ino "$1")" = "$(ino "$2")" ] ||
		fail "$1 and $2 are not one inode"
}

step "two directory arguments into one destination"
"$STAGECP" --from="$s" --to="$m/dst1" /a /b /app/ || fail "stagecp failed"
same_inode "$m/dst1/app/shared" "$m/dst1/app/shared-too"
same_inode "$m/dst1/app/file-arg" "$m/dst1/app/file-arg-link"
[ "$(stat -c %h "$m/dst1/app/shared")" -eq 2 ] ||
	fail "app/shared: link count is not 2"

step "two file arguments naming one inode"
"$STAGECP" --from="$s" --to="$m/dst2" /a/file-arg /b/file-arg-link /app/ ||
	fail "stagecp failed"
same_inode "$m/dst2/app/file-arg" "$m/dst2/app/file-arg-link"

step "link topology inside a tree"
"$STAGECP" --from="$s" --to="$m/dst3" /tree /app/ || fail "stagecp failed"
d=$m/dst3/app
same_inode "$d/g3" "$d/x/g3-b"
same_inode "$d/g3" "$d/x/y/g3 c"
same_inode "$d/z/g2" "$d/g2-b"
same_inode "$d/empty" "$d/x/empty-b"
[ "$(ino "$d/g3")" != "$(ino "$d/z/g2")" ] || fail "two groups merged"
[ "$(stat -c %h "$d/g3")" -eq 3 ] || fail "g3: link count is not 3"
[ "$(stat -c %h "$d/single")" -eq 1 ] || fail "single: link count is not 1"
[ "$(stat -c %h "$d/half")" -eq 1 ] || fail "half: link count is not 1"
treecmp "$s/tree" "$d" --ignore-top
[ "$(ino "$s/tree/g3")" != "$(ino "$d/g3")" ] || fail "copy is the source"

step "hardlinked symlinks, FIFOs and devices stay one inode"
"$STAGECP" --from="$s" --to="$m/dst4" /special /app/ || fail "stagecp failed"
d=$m/dst4/app
treecmp "$s/special" "$d" --ignore-top
echo "ok: hardlinks"
