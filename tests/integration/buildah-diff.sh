#!/bin/bash
# stagecp against buildah's own copier, on real buildah stages.
#
# A buildah storage on a loop xfs holds a source stage (every case below
# under /src) and two identical destination stages (passwd and group with
# an "app" user, symlinks on the way to some DESTs).  The same COPY lines
# go once through `buildah copy --from=CONTAINER` into the first and once
# through `stagecp exec` into the second; tests/buildah_diff.py then
# compares the two roots entry by entry: type, content, mode, owner,
# symlink target, xattrs, hardlink groups, times, allocation.  Each
# difference must belong to a class the README's "With buildah / podman"
# section lists with its reason; any other fails the test.
#
# Cases: directory contents, single files (kept and renamed), wildcards,
# symlinks as sources and inside copied trees, a source path through a
# symlink, symlinks in DEST (absolute and relative), hardlinks, a sparse
# file, xattrs and file capabilities, setuid/setgid/sticky, --chown with
# names from the destination's passwd, numeric --chown, octal --chmod,
# replacing an existing file.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 setfattr setcap
require_stagecp

buildah_store "$T/store" xfs 2G

step "source stage: every case under /src"
src=$(bah from --quiet --name "diff-src-$$" scratch)
s=$(bah mount "$src")
(
	cd "$s"
	mkdir -p src/tree/sub/deeper src/tree/empty src/tree/private \
		src/tree/sticky src/w src/other
	echo "plain file" >src/tree/file.txt
	echo "deeper" >src/tree/sub/deeper/leaf.txt
	head -c 200000 /dev/urandom >src/tree/sub/random.bin
	echo "secret" >src/tree/private/key
	chmod 0600 src/tree/private/key
	chmod 0700 src/tree/private
	chmod 1777 src/tree/sticky
	echo "group writable" >src/tree/g.txt
	chmod 0664 src/tree/g.txt
	# Owners of the source: kept by COPY --from without --chown.
	echo "owned" >src/tree/owned
	chown 1234:5678 src/tree/owned src/tree/sub
	# setuid/setgid, set after the chown that would clear them.
	cp /bin/true src/tree/suid
	chown 1234:0 src/tree/suid
	chmod 4755 src/tree/suid
	cp /bin/true src/tree/sgid
	chmod 2711 src/tree/sgid
	cp /bin/true src/tree/cap
	setcap cap_net_raw+ep src/tree/cap
	# xattrs on a file and a directory.
	setfattr -n user.note -v "hello xattr" src/tree/file.txt
	setfattr -n user.dir -v "on a dir" src/tree/sub
	# Symlinks in the tree: relative, absolute, dangling, to a dir.
	ln -s file.txt src/tree/rel-link
	ln -s /etc/passwd src/tree/abs-link
	ln -s no/such src/tree/dangling
	ln -s sub src/tree/dir-link
	# Hardlinks: one inode, three names in two directories.
	echo "shared inode" >src/tree/hard-a
	ln src/tree/hard-a src/tree/hard-b
	ln src/tree/hard-a src/tree/sub/hard-c
	# Sparse: 64 MiB, 1 MiB of data in the middle.
	truncate -s 64M src/tree/sparse.img
	head -c $((1 << 20)) /dev/urandom |
		dd of=src/tree/sparse.img bs=1M seek=30 conv=notrunc status=none
	# Wildcards.
	echo a >src/w/a.txt
	echo b >src/w/b.txt
	echo c >src/w/c.log
	mkdir src/w/d.txt
	echo inside >src/w/d.txt/inner
	# Symlinks as sources: to a file, to a directory.
	echo "link target" >src/other/target.txt
	ln -s target.txt src/other/to-file
	ln -s ../tree/sub src/other/to-dir
	# Nanosecond times everywhere, children before their directory.
	i=0
	find src -depth -print0 | while IFS= read -r -d '' p; do
		i=$((i + 1))
		touch -h -d "@$((1600000000 + i * 977)).$((100000007 * i % 999999999))" "$p"
	done
)

step "two identical destination stages"
make_dest() {
	local d=$1
	mkdir -p "$d/etc" "$d/opt/lib" "$d/var/data" "$d/usr/local" "$d/srv"
	cat >"$d/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:1500:1600:app:/app:/bin/sh
EOF
	cat >"$d/etc/group" <<'EOF'
root:x:0:
app:x:1600:
EOF
	ln -s /opt/lib "$d/usr/local/lib"
	ln -s var/data "$d/data"
	echo "old content" >"$d/srv/replace.txt"
	chmod 0600 "$d/srv/replace.txt"
	find "$d" -mindepth 1 -exec touch -h -d @1500000000 {} +
}
dst_b=$(bah from --quiet --name "diff-buildah-$$" scratch)
dst_s=$(bah from --quiet --name "diff-stagecp-$$" scratch)
mb=$(bah mount "$dst_b")
ms=$(bah mount "$dst_s")
make_dest "$mb"
make_dest "$ms"

step "the COPY lines"
cat >"$T/lines" <<'EOF'
COPY --from=src /src/tree/ /c/dir/
COPY --from=src /src/tree/file.txt /c/single/
COPY --from=src /src/tree/file.txt /c/single/renamed.txt
COPY --from=src /src/w/*.txt /c/wild/
COPY --from=src /src/other/to-file /src/other/to-dir /c/links/
COPY --from=src /src/tree/dir-link/deeper/leaf.txt /c/through-link/
COPY --from=src /src/tree/file.txt /usr/local/lib/
COPY --from=src /src/w/ /data/sub/
COPY --from=src --chown=app:app /src/tree/ /c/chown-names/
COPY --from=src --chown=app /src/tree/sub/ /c/chown-user/
COPY --from=src --chown=4321:8765 /src/tree/ /c/chown-ids/
COPY --from=src --chmod=0640 /src/tree/ /c/chmod/
COPY --from=src /src/w/a.txt /srv/replace.txt
EOF
cat "$T/lines"

since=$(date +%s%N)
step "buildah copy --from, line by line"
n=0
while read -r copy rest; do
	n=$((n + 1))
	[ "$copy" = COPY ] || fail "line $n: not a COPY line"
	read -r -a words <<<"$rest"
	opts=()
	paths=()
	for w in "${words[@]}"; do
		case $w in
		--from=src) opts+=("--from=$src") ;;
		--*) opts+=("$w") ;;
		*) paths+=("$w") ;;
		esac
	done
	bah copy --quiet "${opts[@]}" "$dst_b" "${paths[@]}" >/dev/null ||
		fail "line $n: buildah copy failed: ${words[*]}"
done <"$T/lines"

step "stagecp exec"
run exec --stage=src="$s" --to="$ms" -f "$T/lines"
expect_rc 0 "stagecp exec"

step "the two destination stages, entry by entry"
python3 "$TOP/tests/buildah_diff.py" --since "$since" --readme "$TOP/README.md" "$mb" "$ms" ||
	fail "stagecp and buildah copy differ beyond the README's list"
