#!/bin/bash
# A multi-stage image build with buildah, its COPY --from lines done by
# stagecp: what `podman build` of this Dockerfile would do,
#
#   FROM scratch AS builder
#   (build: the artifact tree bench/gen-tree makes, under /out)
#   FROM scratch
#   (passwd and group with an "app" user)
#   COPY --from=builder --chown=app:app --exclude=**/*.map /out/node_modules/ /app/node_modules/
#   COPY --from=builder --chown=app:app /out/package.json /app/
#   COPY --from=builder --chmod=0755 /out/bin/app-* /usr/local/bin/
#   COPY --from=builder --link /out/package.json /usr/share/doc/app/
#
# step by step, with stagecp copying between the two mounted stages, then
# `buildah commit`, and a check of the committed image in a fresh
# container.  Usage, as root:
#
#   scripts/buildah-build.sh
#
# Everything lives in a buildah storage of its own on a loop-mounted xfs
# made for the run (scripts/buildah-store.sh): the machine's buildah
# storage is never touched.  Containers, the image, mounts and the
# filesystem are removed on every exit path.  Exit status: 0 when the
# image holds what the COPY lines say, 1 when not, 77 when the machine
# cannot (no root, no buildah, no loop devices).
set -euo pipefail

prog=buildah-build.sh
top=$(cd "$(dirname "$0")/.." && pwd)
STAGECP=${STAGECP:-$top/tool/stagecp}

die() {
	echo "$prog: $*" >&2
	exit 1
}

unable() {
	echo "$prog: $*" >&2
	exit 77
}

step() {
	echo "== $*"
}

[ $# -eq 0 ] || { echo "usage: $prog" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || unable "needs root (buildah storage on a loop mount)"
command -v buildah >/dev/null ||
	unable "buildah not installed (scripts/deps.sh test installs it)"
[ -x "$STAGECP" ] || die "$STAGECP not built (run make)"
make --no-print-directory -s -C "$top/bench" gen-tree >&2 ||
	die "cannot build bench/gen-tree"

# shellcheck source=scripts/buildah-store.sh
. "$top/scripts/buildah-store.sh"

tmp=$(mktemp -d /tmp/stagecp-buildah.XXXXXX)
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	bstore_close || rc=1
	rm -rf --one-file-system "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

rc=0
bstore_open "$tmp/store" xfs 4G || rc=$?
case $rc in
0) ;;
77) unable "cannot make a loop xfs for the buildah storage" ;;
*) die "cannot make the buildah storage" ;;
esac

# Names unique to this run: other builds may share the machine.
tag=$$

step "FROM scratch AS builder: an artifact tree under /out"
builder=$(bah from --quiet --name "builder-$tag" scratch)
b=$(bah mount "$builder")
"$top/bench/gen-tree" --profile demo --files 2000 --no-sparse \
	--big-total $((16 << 20)) "$b/out"

step "FROM scratch: /etc/passwd and /etc/group with an app user"
final=$(bah from --quiet --name "final-$tag" scratch)
f=$(bah mount "$final")
mkdir -p "$f/etc"
cat >"$f/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/app:/bin/sh
EOF
cat >"$f/etc/group" <<'EOF'
root:x:0:
app:x:1000:
EOF

step "COPY --from=builder, four lines, through stagecp exec"
cat >"$tmp/copy-lines" <<'EOF'
COPY --from=builder --chown=app:app --exclude=**/*.map /out/node_modules/ /app/node_modules/
COPY --from=builder --chown=app:app /out/package.json /app/
COPY --from=builder --chmod=0755 /out/bin/app-* /usr/local/bin/
COPY --from=builder --link /out/package.json /usr/share/doc/app/
EOF
cat "$tmp/copy-lines"
start=$(date +%s%N)
"$STAGECP" exec --stage=builder="$b" --to="$f" -f "$tmp/copy-lines"
echo "copied in $((($(date +%s%N) - start) / 1000000)) ms"

step "buildah commit"
bah umount "$final" >/dev/null
image=localhost/stagecp-example-$tag
bah_commit --quiet "$final" "$image" >/dev/null
echo "image $image"

step "a fresh container of the image shows the tree"
check=$(bah from --quiet --pull=never --name "check-$tag" "$image")
m=$(bah mount "$check")

# "type mode path [size]" of every entry, sorted: what COPY must carry
# (a directory's size is its filesystem's business).
listing() {
	(cd "$1" && find . -mindepth 1 "${@:2}" \( -type d -printf '%y %m %P\n' \
		-o -printf '%y %m %P %s\n' \) | sort)
}
failed=0
expect() {
	echo "$prog: $*" >&2
	failed=1
}

# Line 1: the tree without its source maps, every entry owned by app.
listing "$b/out/node_modules" ! -name '*.map' >"$tmp/want"
listing "$m/app/node_modules" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got" >&2 ||
	expect "/app/node_modules differs from /out/node_modules minus *.map"
# /app itself too: --chown owns the directories the copy makes.
others=$(find "$m/app" \( ! -uid 1000 -o ! -gid 1000 \) -printf x | wc -c)
[ "$others" -eq 0 ] || expect "$others entries under /app not owned by app"
find "$m/app" -name '*.map' | grep -q . && expect "a *.map file came across"
# Lines 2 and 3: contents, the wildcard, --chmod.
cmp "$b/out/package.json" "$m/app/package.json" ||
	expect "/app/package.json differs"
for src in "$b"/out/bin/app-*; do
	dst=$m/usr/local/bin/${src##*/}
	cmp "$src" "$dst" || expect "$dst differs"
	[ "$(stat -c %a "$dst")" = 755 ] || expect "$dst: mode is not 0755"
done
# Line 4: the --link layer merged in.
cmp "$b/out/package.json" "$m/usr/share/doc/app/package.json" ||
	expect "/usr/share/doc/app/package.json differs"

echo "image tree: $(find "$m" | wc -l) entries," \
	"$(du -sh --apparent-size "$m" | cut -f1)"
echo "/usr/local/bin:"
ls -ln "$m/usr/local/bin"
[ "$failed" -eq 0 ] || die "the image does not hold what the COPY lines say"
echo "ok: the committed image holds the copied tree"
