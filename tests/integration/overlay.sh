#!/bin/bash
# Overlay stage snapshots (issue 5), on a loop xfs and a loop btrfs:
#   1-2. --from-layers, and --from=MERGED on a mounted stack, give exactly
#        the tree the overlay mount shows (trusted.* and user.* markers);
#   3.   --to-layers, mounted, equals copying through a writable overlay
#        mount of the same stack;
#   4.   FIEMAP: copies from layers and overlay-to-overlay copies are
#        reflinks of the source layer file;
#   5.   metacopy and redirect layers are refused with exit 1, pointing at
#        --from=MERGED, and --from=MERGED then works;
#   6.   --to-layer, stacked on the base, equals --link into a copy of the
#        merged base.
# tests/overlay/mkstack.py builds the stacks; tests/overlay/check.py
# compares trees, snapshots layers and reads extents.  Every failing check
# is reported, then the test fails.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 filefrag getfattr cp mkfs.xfs mkfs.btrfs
require_stagecp
if ! grep -qw overlay /proc/filesystems &&
	! modprobe -q overlay 2>/dev/null; then
	skip "kernel has no overlay support"
fi

MKSTACK=$TOP/tests/overlay/mkstack.py
CHECK=$TOP/tests/overlay/check.py

failures=()

# bad WHAT: records a failed check and goes on with the next one.
bad() {
	echo "FAIL: $*" >&2
	failures+=("$*")
}

# stagecp_ok WHAT ARGS...: stagecp ARGS must exit 0.  Its output (stdout
# and stderr) is left in $out.
stagecp_ok() {
	local what=$1 rc=0
	shift
	echo "\$ stagecp $*"
	out=$("$STAGECP" "$@" 2>&1) || rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	[ "$rc" -eq 0 ] && return 0
	bad "$what: stagecp exited $rc: $(tail -n 1 <<<"$out")"
	return 1
}

# stagecp_refused WHAT WANT ARGS...: stagecp ARGS must exit WANT ("1|2"
# takes either); its output is left in $out.
stagecp_refused() {
	local what=$1 want=$2 rc=0
	shift 2
	echo "\$ stagecp $*"
	out=$("$STAGECP" "$@" 2>&1) || rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	case "|$want|" in
	*"|$rc|"*) return 0 ;;
	esac
	bad "$what: stagecp exited $rc, want $want"
	return 1
}

# says WHAT REGEX: the last stagecp output matches REGEX.
says() {
	grep -qE -- "$2" <<<"$out" || bad "$1: no line matches '$2'"
}

# same_view WHAT A B [check.py views options]
same_view() {
	local what=$1
	shift
	python3 "$CHECK" views "$@" || bad "$what: $1 and $2 differ"
}

# shared WHAT SRC DST: DST is a reflink of SRC.
shared() {
	python3 "$CHECK" shared "$2" "$3" ||
		bad "$1: $3 shares no extents with $2"
}

# snap_layers TAG DIR...: a snapshot of each DIR in DIR.TAG.
snap_layers() {
	local tag=$1 l
	shift
	for l in "$@"; do
		python3 "$CHECK" snap "$l" >"$l.$tag"
	done
}

# layers_unchanged WHAT DIR...: nothing under DIR changed since
# snap_layers before.
layers_unchanged() {
	local what=$1 l
	shift
	snap_layers after "$@"
	for l in "$@"; do
		diff -u "$l.before" "$l.after" ||
			bad "$what: the layer $l was written"
	done
}

# opaque_y WHAT DIR: DIR is a directory marked trusted.overlay.opaque=y.
opaque_y() {
	local v
	if [ ! -d "$2" ] || [ -L "$2" ]; then
		bad "$1: $2 is not a directory"
		return
	fi
	v=$(getfattr --absolute-names --only-values \
		-n trusted.overlay.opaque "$2" 2>/dev/null) || v="(none)"
	[ "$v" = y ] || bad "$1: $2: trusted.overlay.opaque is $v, want y"
}

# same_file WHAT A B: content, type, mode, owner, size and mtime.
same_file() {
	local f='%F %a %u:%g %s %.9Y'
	if ! cmp "$2" "$3" ||
		[ "$(stat -c "$f" "$2")" != "$(stat -c "$f" "$3")" ]; then
		bad "$1: $3 is not $2:" \
			"$(stat -c "$f" "$2") vs $(stat -c "$f" "$3" 2>&1)"
	fi
}

# owner_is WHAT PATH MODE-OWNER: e.g. "755 0:0".
owner_is() {
	local got
	got=$(stat -c '%a %u:%g' "$2" 2>&1)
	[ "$got" = "$3" ] || bad "$1: $2 is $got, want $3"
}

# --- 1, 2 (and 4): --from-layers and --from=MERGED ----------------------

# merge_case FS ROOT trusted|user
merge_case() {
	local fs=$1 r=$2 kind=$3 s=$2/src-$3 m=$2/mnt-$3 d=$2/dst-$3
	local layers opts what="$1 $3.overlay"
	local -a flag=()

	[ "$kind" = trusted ] || flag=(--userxattr)
	step "$what: build a three-layer stack and mount it read-only"
	python3 "$MKSTACK" source "$s" "${flag[@]}"
	layers=$s/l1:$s/l2:$s/l3
	opts="ro,lowerdir=$layers"
	[ "$kind" = trusted ] || opts+=",userxattr"
	# A mount that follows redirects is read through the mount (the layer
	# reader does not model them), and without an upper the kernel turns
	# redirect_dir=off into following: nofollow keeps the layers readable.
	if [ "$kind" = trusted ]; then
		ovl_mount "$m" "$opts,redirect_dir=nofollow"
	else
		ovl_mount "$m" "$opts"
	fi
	snap_layers before "$s/l1" "$s/l2" "$s/l3"
	mkdir "$d"

	step "$what: --from-layers /out equals the mount's /out"
	if stagecp_ok "$what: --from-layers /out" "${flag[@]}" \
		--from-layers="$layers" --to="$d" /out /app/; then
		same_view "$what: --from-layers /out" "$m/out" "$d/app" \
			--ignore-top
		step "$what: the copy is a reflink of the layer file"
		shared "$what: --from-layers" "$s/l2/out/big.bin" \
			"$d/app/big.bin"
	fi

	step "$what: --from-layers / equals the whole mount"
	if stagecp_ok "$what: --from-layers /" "${flag[@]}" \
		--from-layers="$layers" --to="$d" / /all/; then
		same_view "$what: --from-layers /" "$m" "$d/all" --ignore-top
	fi

	step "$what: SRC through a symlink of the merged view"
	# outlink -> out lives in l2; nest/a merges all three layers.
	if stagecp_ok "$what: /outlink/nest/a" "${flag[@]}" \
		--from-layers="$layers" --to="$d" /outlink/nest/a /nest-a/; then
		same_view "$what: /outlink/nest/a" "$m/out/nest/a" \
			"$d/nest-a" --ignore-top
	fi
	if stagecp_ok "$what: /outlink/replaced.txt" "${flag[@]}" \
		--from-layers="$layers" --to="$d" /outlink/replaced.txt \
		/one/replaced.txt; then
		same_file "$what: /outlink/replaced.txt" \
			"$m/out/replaced.txt" "$d/one/replaced.txt"
	fi

	step "$what: --from=MERGED takes the layers under the mount"
	if stagecp_ok "$what: --from=MERGED" -v --from="$m" --to="$d" \
		/out /via-mount/; then
		says "$what: --from=MERGED -v" '^source: layers of'
		same_view "$what: --from=MERGED" "$m/out" "$d/via-mount" \
			--ignore-top
		shared "$what: --from=MERGED" "$s/l2/out/big.bin" \
			"$d/via-mount/big.bin"
	fi

	if [ "$kind" = trusted ]; then
		step "$what: a metacopy=on mount is read through the mount"
		ovl_mount "$m-metacopy" "$opts,metacopy=on"
		if stagecp_ok "$what: --from=MERGED, metacopy=on" -v \
			--from="$m-metacopy" --to="$d" /out /through/; then
			says "$what: --from=MERGED -v, metacopy=on" \
				'^source: through the overlay mount'
			same_view "$what: --from=MERGED, metacopy=on" \
				"$m/out" "$d/through" --ignore-top
		fi
	fi

	step "$what: the source layers are untouched"
	layers_unchanged "$what" "$s/l1" "$s/l2" "$s/l3"
}

# --- 3: --to-layers ----------------------------------------------------

# dest_copies FS STACK TARGET-OPTION: the COPYs both destinations get;
# fails if one of them does.
dest_copies() {
	local what="$1 --to-layers (${3%%=*})" s=$2 to=$3 ok=0
	# Into a directory that exists in all layers: a file shadows a lower
	# file, a directory lands where upper has a whiteout.
	stagecp_ok "$what: /out -> /app/" --from="$s/src" "$to" \
		/out /app/ || ok=1
	# Through a symlink of a lower layer into a lower-only directory.
	stagecp_ok "$what: /out/sub -> /web/deep/" --from="$s/src" "$to" \
		/out/sub /web/deep/ || ok=1
	# Names from the merged /etc/passwd (d1's, not d2's) and /etc/group.
	stagecp_ok "$what: --chown=appuser:appgroup" --from="$s/src" "$to" \
		--chown=appuser:appgroup /out/new.txt /app/owned.txt || ok=1
	# A new top-level directory where upper has a whiteout.
	stagecp_ok "$what: /out/wiped -> /gone/" --from="$s/src" "$to" \
		/out/wiped /gone/ || ok=1
	return $ok
}

# to_layers_case FS ROOT: needs merge_case's src-trusted and mnt-trusted.
to_layers_case() {
	local fs=$1 r=$2 s=$2/dstack what="$1 --to-layers" ref=ok
	local lowers=$2/dstack/d1:$2/dstack/d2 src=$2/src-trusted

	step "$what: build the destination stack and a copy of its upper"
	python3 "$MKSTACK" dest "$s"
	cp -a "$s/upper" "$s/upper2"
	mkdir "$s/work"
	snap_layers before "$s/d1" "$s/d2"

	step "$what: the reference: copies through a writable overlay mount"
	ovl_mount "$s/rw" \
		"lowerdir=$lowers,upperdir=$s/upper2,workdir=$s/work"
	if ! dest_copies "$fs" "$s" --to="$s/rw"; then
		bad "$what: the reference copy through the mount failed"
		ref=bad
	fi
	ovl_umount "$s/rw"

	step "$what: the same copies into the unmounted stack"
	if dest_copies "$fs" "$s" --to-layers="$s/upper:$lowers" &&
		[ "$ref" = ok ]; then
		step "$what: both results, mounted, are one tree"
		ovl_mount "$s/v1" "ro,lowerdir=$s/upper:$lowers"
		ovl_mount "$s/v2" "ro,lowerdir=$s/upper2:$lowers"
		# Directories the copies wrote into carry the copy's time.
		same_view "$what: the merged result" "$s/v1" "$s/v2" \
			--any-mtime . --any-mtime app \
			--any-mtime srv/lower-only \
			--any-mtime srv/lower-only/deep --any-mtime gone
		owner_is "$what: names from the merged /etc/passwd" \
			"$s/v1/app/owned.txt" "644 4343:4242"

		step "$what: upper holds what the kernel put into upper2"
		python3 "$CHECK" layer-entries "$s/upper" >"$s/upper.ls"
		python3 "$CHECK" layer-entries "$s/upper2" >"$s/upper2.ls"
		diff -u "$s/upper2.ls" "$s/upper.ls" ||
			bad "$what: upper's entries are not upper2's"
		opaque_y "$what: a directory over a whiteout" \
			"$s/upper/app/wiped"
		opaque_y "$what: a top-level directory over a whiteout" \
			"$s/upper/gone"
		shared "$what: a file written into upper" \
			"$s/src/out/big.bin" "$s/upper/app/big.bin"
	fi
	layers_unchanged "$what" "$s/d1" "$s/d2"

	step "$what: snapshot to snapshot, --from-layers into --to-layers"
	mkdir "$s/upper3"
	snap_layers before "$s/d1" "$s/d2"
	if stagecp_ok "$what: --from-layers into --to-layers" \
		--from-layers="$src/l1:$src/l2:$src/l3" \
		--to-layers="$s/upper3:$lowers" /out /opt/out/; then
		ovl_mount "$s/v3" "ro,lowerdir=$s/upper3:$lowers"
		same_view "$what: --from-layers into --to-layers" \
			"$r/mnt-trusted/out" "$s/v3/opt/out" --ignore-top
		shared "$what: layer to layer" "$src/l2/out/big.bin" \
			"$s/upper3/opt/out/big.bin"
	fi
	layers_unchanged "$what" "$s/d1" "$s/d2"
}

# --- 4: overlay mount to overlay mount --------------------------------

# overlay_to_overlay_case FS ROOT: needs merge_case's mnt-trusted.
overlay_to_overlay_case() {
	local fs=$1 r=$2 b=$2/ostack what="$1 overlay to overlay"

	step "$what: stage A's merged view into stage B's merged view"
	mkdir -p "$b/lower/etc" "$b/upper" "$b/work"
	echo "stage b" >"$b/lower/etc/stage"
	ovl_mount "$b/mnt" \
		"lowerdir=$b/lower,upperdir=$b/upper,workdir=$b/work"
	if stagecp_ok "$what" -v --from="$r/mnt-trusted" --to="$b/mnt" \
		/out /app/; then
		# Never behind a mounted overlay's back: through both mounts.
		says "$what: -v" '^source: through the overlay mount'
		same_view "$what" "$r/mnt-trusted/out" "$b/mnt/app" \
			--ignore-top
	fi
	ovl_umount "$b/mnt"
	if [ -e "$b/upper/app/big.bin" ]; then
		shared "$what" "$r/src-trusted/l2/out/big.bin" \
			"$b/upper/app/big.bin"
	fi
}

# --- 5: refusals -------------------------------------------------------

# refusal_case FS ROOT
refusal_case() {
	local fs=$1 r=$2 kind p opts what entry
	local -a flag

	for kind in metacopy redirect metacopy-user; do
		what="$fs $kind layer"
		p=$r/refuse-$kind
		flag=()
		entry=data.bin
		case $kind in
		metacopy) python3 "$MKSTACK" refuse "$p" metacopy ;;
		redirect)
			python3 "$MKSTACK" refuse "$p" redirect
			entry=new-name
			;;
		metacopy-user)
			python3 "$MKSTACK" refuse "$p" metacopy --userxattr
			flag=(--userxattr)
			;;
		esac
		mkdir "$p/dst"

		step "$what: --from-layers refuses it"
		if stagecp_refused "$what" 1 "${flag[@]}" \
			--from-layers="$p/l1:$p/l2" --to="$p/dst" \
			/out /app/; then
			says "$what: the error" '--from=MERGED'
			says "$what: the error" "^stagecp: .*$entry"
		fi

		if [ "$kind" = metacopy-user ]; then
			continue
		fi
		step "$what: --from=MERGED, the way out, works"
		opts="ro,lowerdir=$p/l1:$p/l2"
		[ "$kind" != metacopy ] || opts+=",metacopy=on"
		ovl_mount "$p/mnt" "$opts"
		if stagecp_ok "$what: --from=MERGED" --from="$p/mnt" \
			--to="$p/dst" /out /merged/; then
			same_view "$what: --from=MERGED" "$p/mnt/out" \
				"$p/dst/merged" --ignore-top
		fi
	done
}

# --- 6: --to-layer -----------------------------------------------------

# to_layer_case FS ROOT
to_layer_case() {
	local fs=$1 r=$2 b=$2/base what="$1 --to-layer" want got

	step "$what: a base stack, mounted, and copies of its merged view"
	python3 "$MKSTACK" base "$b"
	ovl_mount "$b/mnt" "ro,lowerdir=$b/b1:$b/b2"
	cp -a "$b/mnt/." "$b/copy-a"
	cp -a "$b/mnt/." "$b/copy-b"
	cp -a "$b/mnt/." "$b/base-root"
	snap_layers before "$b/b1" "$b/b2" "$b/base-root"

	step "$what: into a missing DIR, names from --base-layers"
	if stagecp_ok "$what: new layer A" --from="$b/src" \
		--to-layer="$b/new-a" --chown=appuser:appgroup \
		--base-layers="$b/b1:$b/b2" /out /app/; then
		stagecp_ok "$what: --link into copy A" --from="$b/src" \
			--link --to="$b/copy-a" --chown=appuser:appgroup \
			/out /app/ || :
		ovl_mount "$b/view-a" "ro,lowerdir=$b/new-a:$b/b1:$b/b2"
		same_view "$what: layer A on the base" "$b/view-a" \
			"$b/copy-a" --ignore-top --any-mtime app
		# Only the copy and the directory leading to it.
		want=$(cd "$b/src/out" && find . -mindepth 1 -printf 'app/%P\n')
		want=$(printf 'app\n%s\n' "$want" | LC_ALL=C sort)
		got=$(python3 "$CHECK" layer-entries "$b/new-a" | LC_ALL=C sort)
		[ "$got" = "$want" ] ||
			bad "$what: layer A holds" "$(tr '\n' ' ' <<<"$got")"
		owner_is "$what: --link parent" "$b/new-a/app" "755 4343:4344"
		shared "$what: layer A" "$b/src/out/big.bin" \
			"$b/new-a/app/big.bin"
	fi

	step "$what: into an empty DIR with --link, names from --base"
	mkdir "$b/new-b"
	if stagecp_ok "$what: new layer B" --from="$b/src" --link \
		--to-layer="$b/new-b" --chown=appuser --base="$b/base-root" \
		/out/sub /opt/deep/dir/; then
		stagecp_ok "$what: --link into copy B" --from="$b/src" \
			--link --to="$b/copy-b" --chown=appuser \
			/out/sub /opt/deep/dir/ || :
		ovl_mount "$b/view-b" "ro,lowerdir=$b/new-b:$b/b1:$b/b2"
		same_view "$what: layer B on the base" "$b/view-b" \
			"$b/copy-b" --ignore-top --any-mtime opt \
			--any-mtime opt/deep --any-mtime opt/deep/dir
	fi

	# Found wrong before anything is written: the layer directory is
	# never made, so its parent's times do not move either (a mkdir
	# undone by rmdir would change them).
	step "$what: a refused copy or a dry run makes no layer directory"
	mkdir "$b/refused"
	touch -d '2001-02-03 04:05:06' "$b/refused"
	want=$(stat -c '%y %z' "$b/refused")
	if stagecp_refused "$what: --chown name without a base" "1|2" \
		--from="$b/src" --to-layer="$b/refused/new-c" --chown=appuser \
		/out /app/; then
		says "$what: the error" '--base'
	fi
	if stagecp_refused "$what: an unknown --chown user" "1" \
		--from="$b/src" --to-layer="$b/refused/new-e" \
		--chown=nosuchuser --base="$b/base-root" /out /app/; then
		says "$what: the error" 'unknown user "nosuchuser"'
	fi
	if stagecp_refused "$what: a missing source" "1" \
		--from="$b/src" --to-layer="$b/refused/new-f" /nosuch /app/; then
		says "$what: the error" 'nosuch'
	fi
	if stagecp_refused "$what: two sources, DEST not a directory" "1|2" \
		--from="$b/src" --to-layer="$b/refused/new-g" \
		/out/new.txt /out/sub /app; then
		says "$what: the error" 'must be a directory'
	fi
	if stagecp_ok "$what: a dry run" --dry-run --from="$b/src" \
		--to-layer="$b/refused/new-h" /out /app/; then
		says "$what: the dry run's plan" 'app/new.txt'
	fi
	got=$(stat -c '%y %z' "$b/refused")
	[ "$got" = "$want" ] && [ -z "$(ls -A "$b/refused")" ] ||
		bad "$what: refused copies touched the parent of the layer" \
			"($want -> $got: $(ls -A "$b/refused" | tr '\n' ' '))"
	if stagecp_ok "$what: numeric --chown without a base" \
		--from="$b/src" --to-layer="$b/new-d" --chown=1234:5678 \
		/out /x/; then
		owner_is "$what: numeric --chown" "$b/new-d/x" "755 1234:5678"
		owner_is "$what: numeric --chown" "$b/new-d/x/new.txt" \
			"644 1234:5678"
	fi

	step "$what: a DIR that is not empty is refused"
	mkdir -p "$b/full"
	echo "already here" >"$b/full/file"
	stagecp_refused "$what: non-empty DIR" "1|2" --from="$b/src" \
		--to-layer="$b/full" /out /app/ || :
	[ "$(ls -A "$b/full")" = file ] ||
		bad "$what: the non-empty DIR was written"

	layers_unchanged "$what" "$b/b1" "$b/b2" "$b/base-root"
}

suite() {
	local fs=$1 r=$T/$1

	mkfs_mount "$fs" 768M "$r"
	merge_case "$fs" "$r" trusted
	merge_case "$fs" "$r" user
	to_layers_case "$fs" "$r"
	overlay_to_overlay_case "$fs" "$r"
	refusal_case "$fs" "$r"
	to_layer_case "$fs" "$r"
}

suite xfs
suite btrfs

if [ ${#failures[@]} -gt 0 ]; then
	echo "${#failures[@]} failed checks:" >&2
	printf '  %s\n' "${failures[@]}" >&2
	exit 1
fi
echo "ok: overlay stage snapshots"
