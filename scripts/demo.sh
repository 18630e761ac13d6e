#!/bin/bash
# `make demo`: one COPY --from, shown.  A "builder stage" gets a generated
# build output (bench/gen-tree's demo profile: 3000 small files in
# node_modules-like packages, a 64 MiB binary, symlinks, hardlinks and a
# 1 GiB sparse file); stagecp copies its /out into the "final stage"'s
# /app; the demo prints how each file was moved and checks that the two
# trees match.  As root it works on a loop-mounted xfs with reflinks, else
# on whatever filesystem holds $TMPDIR.  Exits 1 if the copy or the check
# fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
STAGECP=${STAGECP:-$top/tool/stagecp}
LOOPFS=$top/scripts/loopfs.sh
TREECMP=$top/tests/treecmp.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stagecp-demo.XXXXXX")
mounted=""

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$mounted" ]; then
		"$LOOPFS" umount "$mounted" || rc=1
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "demo: $*" >&2
	exit 1
}

# 1234567890 -> "1.15 GiB"
human() {
	awk -v b="$1" 'BEGIN {
		split("B KiB MiB GiB TiB", u, " ")
		i = 1
		while (b >= 1024 && i < 5) { b /= 1024; i++ }
		printf(i == 1 ? "%d %s" : "%.2f %s", b, u[i])
	}'
}

used_bytes() {
	local blocks free bsize
	sync -f "$1"
	read -r blocks free bsize < <(stat -f -c '%b %f %S' "$1")
	echo $(((blocks - free) * bsize))
}

[ -x "$STAGECP" ] || die "$STAGECP not built (run make)"

root=$tmp
where="$(stat -f -c %T "$tmp") at $tmp (not root: no loop mount)"
if [ "$(id -u)" -eq 0 ]; then
	rc=0
	"$LOOPFS" mount xfs 4G "$tmp/fs" || rc=$?
	if [ $rc -eq 0 ]; then
		mounted=$tmp/fs
		root=$tmp/fs
		where="xfs (reflink=1) on a loop device at $root"
	elif [ $rc -eq 77 ]; then
		where="$(stat -f -c %T "$tmp") at $tmp (no loop xfs here)"
	else
		die "cannot mount a loop xfs"
	fi
fi

make --no-print-directory -s -C "$top/bench" gen-tree >&2 ||
	die "cannot build bench/gen-tree"

echo "== stagecp demo: COPY --from=builder /out /app/"
echo "filesystem:  $where"
gen=$("$top/bench/gen-tree" --profile demo "$root/builder/out") ||
	die "gen-tree failed"
# "gen-tree: DIR: N entries (...), B bytes"
gen=${gen#*: */out: }
gen_bytes=${gen##*, }
echo "builder:     /out holds ${gen%, * bytes}," \
	"$(human "${gen_bytes% bytes}") (1 GiB of it a sparse file)"
mkdir "$root/final"
echo

before=$(used_bytes "$root")
if ! stats=$("$STAGECP" --stats --from="$root/builder" --to="$root/final" \
	/out /app/); then
	echo "$stats"
	die "stagecp failed"
fi
after=$(used_bytes "$root")

stat_line() {
	echo "$stats" | sed -n "s|^$1: ||p"
}

# "method clone: N files, N bytes" -> "N N"
method() {
	stat_line "method $1" | sed 's/ files, / /; s/ bytes$//'
}

echo "\$ stagecp --stats --from=<builder> --to=<final> /out /app/"
printf '  %-17s %8s  %s\n' "how" "files" "bytes"
for m in clone copy_file_range read/write; do
	read -r n b < <(method "$m")
	printf '  %-17s %8s  %s\n' "$m" "${n:-0}" "$(human "${b:-0}")"
done
printf '  %-17s %8s\n' "empty files" \
	"$(($(stat_line files) - $(method clone | cut -d' ' -f1) - \
	$(method copy_file_range | cut -d' ' -f1) - \
	$(method read/write | cut -d' ' -f1)))"
printf '  %-17s %8s\n' "directories" "$(stat_line dirs)"
printf '  %-17s %8s\n' "symlinks" "$(stat_line symlinks)"
printf '  %-17s %8s\n' "hardlinks" "$(stat_line hardlinks)"
printf '  %-17s %8s\n' "special files" "$(stat_line special)"
echo
logical=$(stat_line bytes)
echo "copied:      $(stat_line files) files, $(human "$logical") logical" \
	"($logical bytes)"
echo "elapsed:     $(stat_line elapsed)"
echo "throughput:  $(stat_line throughput)"
added=$((after - before))
[ "$added" -ge 0 ] || added=0
share=""
[ "$(method clone | cut -d' ' -f1)" = 0 ] ||
	share="; clones share the builder's blocks"
pct=$(awk -v a="$added" -v l="$logical" \
	'BEGIN { printf("%.1f", l ? 100 * a / l : 0) }')
echo "space added: $(human "$added") ($pct% of logical$share)"
echo

if ! diffs=$(python3 "$TREECMP" "$root/builder/out" "$root/final/app" \
	--ignore-top); then
	echo "verify: trees differ:"
	echo "$diffs" | head -40
	n=$(echo "$diffs" | wc -l)
	[ "$n" -le 40 ] || echo "... and $((n - 40)) more"
	exit 1
fi
echo "verify: trees match"
