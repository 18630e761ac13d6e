# Shared by the 1 TiB sparse-file cases.
# shellcheck shell=bash

# make_sparse FILE: 1 TiB apparent size, three 4 KiB data blocks (at the
# start, in the middle, at the end), the rest a hole.
make_sparse() {
	truncate -s 1T "$1"
	python3 -S -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
for off in (0, 1 << 39, (1 << 40) - 4096):
    os.pwrite(fd, (b"inside-sparse-%d\n" % off).ljust(4096, b"."), off)
os.close(fd)' "$1"
}

# expect_sparse_copy FILE: 1 TiB long, the same three blocks, holes
# elsewhere (at most 16 MiB allocated).
expect_sparse_copy() {
	local f=$1 size alloc out
	if [ "$(_type_of "$f")" != file ]; then
		problem "${f#"$HOST"/}: is $(_type_of "$f"), expected a 1 TiB sparse file"
		return
	fi
	size=$(stat -c %s "$f")
	[ "$size" = $((1 << 40)) ] ||
		problem "${f#"$HOST"/}: size $size, expected $((1 << 40))"
	alloc=$(allocated "$f")
	[ "$alloc" -le $((16 << 20)) ] ||
		problem "${f#"$HOST"/}: $alloc bytes allocated, the holes were filled"
	out=$(python3 -S -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for off in (0, 1 << 39, (1 << 40) - 4096):
    want = (b"inside-sparse-%d\n" % off).ljust(4096, b".")
    if os.pread(fd, 4096, off) != want:
        print("wrong data at offset %d" % off)
for off in (4096, 1 << 30, (1 << 39) + 8192):
    if os.pread(fd, 4096, off) != bytes(4096):
        print("not zero at offset %d" % off)' "$f" 2>&1)
	[ -z "$out" ] || problem "${f#"$HOST"/}: $out"
}
