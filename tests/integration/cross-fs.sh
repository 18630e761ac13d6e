#!/bin/bash
# Source stage on xfs, destination stage on ext4: no reflink is possible,
# so the ladder must fall to copy_file_range or read/write and still make
# an exact copy.  Also checks the --stats format.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 setcap getcap mkfs.xfs mkfs.ext4
require_stagecp

mkfs_mount xfs 512M "$T/xfs"
mkfs_mount ext4 512M "$T/ext4"

step "build the every-type tree on xfs"
make_every_type_tree "$T/xfs/src/out"
mkdir "$T/ext4/dst"

step "stagecp --stats from xfs to ext4"
rc=0
"$STAGECP" --stats --from="$T/xfs/src" --to="$T/ext4/dst" /out /app/ \
	>"$T/stats" || rc=$?
cat "$T/stats"
[ "$rc" -eq 0 ] || fail "stagecp exited $rc"
treecmp "$T/xfs/src/out" "$T/ext4/dst/app" --ignore-top

step "--stats lines"
expect=(
	'files: [0-9]+'
	'dirs: [0-9]+'
	'symlinks: [0-9]+'
	'hardlinks: [0-9]+'
	'special: [0-9]+'
	'bytes: [0-9]+'
	'method clone: [0-9]+ files, [0-9]+ bytes'
	'method copy_file_range: [0-9]+ files, [0-9]+ bytes'
	'method read/write: [0-9]+ files, [0-9]+ bytes'
	'elapsed: [0-9]+\.[0-9]{3} s'
	'phase walk: [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9]%\)'
	'phase create: [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9]%\)'
	'phase data: [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9]%\)'
	'phase metadata: [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9]%\)'
	'phase wait: [0-9]+\.[0-9]{3} s \([0-9]+\.[0-9]%\)'
	'throughput: [0-9]+\.[0-9]{2} MiB/s, [0-9]+ entries/s'
)
mapfile -t lines <"$T/stats"
[ "${#lines[@]}" -eq "${#expect[@]}" ] ||
	fail "--stats printed ${#lines[@]} lines, want ${#expect[@]}"
for i in "${!expect[@]}"; do
	[[ ${lines[i]} =~ ^${expect[i]}$ ]] ||
		fail "--stats line $((i + 1)): \"${lines[i]}\" is not \"${expect[i]}\""
done

# Field N of the line starting with KEY.
stat_field() {
	awk -v key="$1" -v n="$2" 'index($0, key) == 1 { print $n }' "$T/stats"
}

[ "$(stat_field 'method clone:' 3)" -eq 0 ] ||
	fail "clone used across filesystems"
moved=$(($(stat_field 'method copy_file_range:' 3) + \
	$(stat_field 'method read/write:' 3)))
[ "$moved" -gt 0 ] || fail "no file moved by copy_file_range or read/write"
nlinks=$(find "$T/xfs/src/out" -type l | wc -l)
[ "$(stat_field 'symlinks:' 2)" -eq "$nlinks" ] ||
	fail "symlinks: want $nlinks"

step "--strategy=clone across filesystems is an error"
mkdir "$T/ext4/dst-clone"
rc=0
"$STAGECP" --strategy=clone --from="$T/xfs/src" --to="$T/ext4/dst-clone" \
	/out/files/big.bin /app/ 2>"$T/err" || rc=$?
cat "$T/err"
[ "$rc" -eq 1 ] || fail "forced clone across filesystems exited $rc, want 1"
grep -q '^stagecp: .*big\.bin: ' "$T/err" ||
	fail "forced clone: no \"stagecp: <path>: ...\" message"
echo "ok: cross-filesystem copy"
