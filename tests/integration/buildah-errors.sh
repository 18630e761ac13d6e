#!/bin/bash
# The mistakes and accidents a builder meets with buildah stages, on a
# buildah storage on a loop xfs:
#
#   unmounted      a stage root whose `buildah mount` was forgotten: the
#                  mount point is gone (buildah removes it on unmount), or
#                  an empty directory stands where the stage should be
#   unmounted-mid  the destination stage unmounted (`buildah umount`)
#                  while stagecp copies into it
#   two-copies     a second stagecp into a stage another one is filling
#
# Each must end in exit 1 with one clear line naming the root and what
# went wrong, with nothing outside DEST touched and no partial file under a
# final name.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3
require_stagecp
make --no-print-directory -s -C "$TOP/bench" gen-tree ||
	fail "cannot build bench/gen-tree"

SNAPSHOT=$TOP/tests/hostile/snapshot.py
buildah_store "$T/store" xfs 2G

# A source stage with a tree big enough that a copy lasts a while.
src=$(bah from --quiet --name "err-src-$$" scratch)
s=$(bah mount "$src")
"$TOP/bench/gen-tree" --files 6000 --no-sparse --big-total $((1 << 20)) \
	"$s/out" >/dev/null

new_stage() {
	bah from --quiet --name "err-$1-$$" scratch
}

# every_file_complete DST: each regular file under DST/app equals the
# source file of the same name: no partial file under a final name.
every_file_complete() {
	python3 - "$s/out" "$1/app" <<'EOF' || fail "a partial file in $1/app"
import filecmp, os, sys
src, dst = sys.argv[1], sys.argv[2]
bad = 0
for dirpath, _, files in os.walk(dst):
    for f in files:
        d = os.path.join(dirpath, f)
        if os.path.islink(d):
            continue
        s = os.path.join(src, os.path.relpath(d, dst))
        if not filecmp.cmp(s, d, shallow=False):
            print(f"partial or wrong: {d}")
            bad += 1
sys.exit(1 if bad else 0)
EOF
}

# expect_one_line PATTERN: the last run's stderr is one line matching it.
expect_one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$1" "$T/err" && return 0
	cat "$T/err"
	fail "want one line matching: $1"
}

# start_copy DST ARGS...: stagecp in the background, stopped (SIGSTOP)
# once it is writing into DST: $pid.
start_copy() {
	local dst=$1 i
	shift
	"$STAGECP" "$@" >"$T/bg.out" 2>"$T/bg.err" &
	pid=$!
	for ((i = 0; i < 4000; i++)); do
		[ -d "$dst/app" ] && break
		sleep 0.002
	done
	stop_process "$pid" || fail "the copy ended before it could be stopped"
}

step "unmounted: the mount point is gone (buildah umount removes it)"
c=$(new_stage gone)
m=$(bah mount "$c")
bah umount "$c" >/dev/null
[ ! -e "$m" ] || fail "buildah left $m behind"
run --from="$s" --to="$m" /out /app/
expect_rc 1 "copy into an unmounted stage"
expect_one_line "^stagecp: $m: open root: no such file or directory$"
[ ! -e "$m" ] || fail "the copy made $m"
run --from="$m" --to="$T" /out /app/
expect_rc 1 "copy from an unmounted stage"

step "unmounted: an empty directory where the source stage should be"
mkdir "$T/empty-root"
python3 "$SNAPSHOT" take "$T/before" "$T/empty-root"
for args in "/out /app/" "/out/node_modules/* /app/"; do
	# shellcheck disable=SC2086
	run exec --stage=builder="$T/empty-root" --to="$s" \
		"COPY --from=builder $args"
	expect_rc 1 "COPY $args from an empty stage root"
	grep -q "(the source root is empty: is the stage mounted?)" "$T/err" ||
		{ cat "$T/err"; fail "no hint that the stage is not mounted"; }
done
python3 "$SNAPSHOT" take "$T/after" "$T/empty-root"
python3 "$SNAPSHOT" diff "$T/before" "$T/after" || fail "the root changed"
[ ! -e "$s/app" ] || fail "a failed copy wrote into the destination"

step "unmounted-mid: buildah umount of the destination during the copy"
c=$(new_stage mid)
m=$(bah mount "$c")
start_copy "$m" --jobs=1 --from="$s" --to="$m" /out /app/
bah umount "$c" >/dev/null
mountpoint -q "$m" 2>/dev/null && fail "buildah umount left $m mounted"
kill -CONT "$pid"
rc=0
wait "$pid" || rc=$?
cp "$T/bg.err" "$T/err"
[ "$rc" -eq 1 ] || { cat "$T/err"; fail "exit $rc, not 1"; }
expect_one_line "^stagecp: $m: check stage root: the destination root was unmounted or replaced during the copy (it is gone): the copy is not in the stage$"
[ ! -e "$m" ] || fail "the copy wrote at $m after the unmount"
# What went into the detached mount is in the stage's layer: whole files.
m=$(bah mount "$c")
every_file_complete "$m"

step "two-copies: a second stagecp into a stage being filled"
c=$(new_stage two)
m=$(bah mount "$c")
start_copy "$m" --jobs=1 --from="$s" --to="$m" /out /app/
first=$pid
python3 "$SNAPSHOT" take "$T/before" "$m"
run --from="$s" --to="$m" /out /other/
expect_rc 1 "a second copy into the same stage"
expect_one_line "^stagecp: $m: lock stage root: another copy is writing into this stage root: wait for it, or copy into another stage$"
python3 "$SNAPSHOT" take "$T/after" "$m"
python3 "$SNAPSHOT" diff "$T/before" "$T/after" ||
	fail "the refused copy changed the stage"
# A dry run writes nothing and takes no lock.
run --dry-run --from="$s" --to="$m" /out /other/
expect_rc 0 "a dry run next to a copy"
kill -CONT "$first"
rc=0
wait "$first" || rc=$?
[ "$rc" -eq 0 ] || { cat "$T/bg.err"; fail "the first copy exited $rc"; }
treecmp "$s/out" "$m/app"
# Once the first is done, the second goes through.
run --from="$s" --to="$m" /out/package.json /other/
expect_rc 0 "a copy after the first ended"

echo "all cases passed"
