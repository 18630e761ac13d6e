#!/bin/bash
# stagecp against the tools a builder could call instead; see bench/README.md.
#
#   bench/run.sh [--profile demo|small|monorepo|huge] [--runs N] [--cold]
#                [--fs LIST] [--tools LIST] [--scaling LIST|none]
#                [--seed N] [--no-syscalls]
#
# As root.  Every scenario gets fresh loop filesystems (scripts/loopfs.sh),
# a tree from bench/gen-tree and bench/floor's per-file figures; then each
# tool runs once to warm up and RUNS timed times, tools alternating run by
# run.  Prints a markdown table on stdout (progress goes to stderr) and
# writes bench/results/latest.{md,csv,svg}.  STAGECP=path overrides
# tool/stagecp (any command with stagecp's CLI will do as a stand-in).
set -euo pipefail

prog=bench/run.sh
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
STAGECP=${STAGECP:-$top/tool/stagecp}
TREECMP=${TREECMP:-$top/tests/treecmp.py}
LOOPFS=$top/scripts/loopfs.sh
RESULTS=${RESULTS:-$here/results}

ALL_FS="xfs,btrfs,ext4,tmpfs,overlay,xfs-ext4,bigfile,buildah"
ALL_TOOLS="stagecp,stagecp-hardlink,cp,cp-noreflink,rsync,tar,buildkit"
# One 4 GiB file: only the tools that can clone it are worth the wait.
BIGFILE_TOOLS="stagecp,cp,buildkit"

profile=monorepo
runs=5
cold=0
fs_list=$ALL_FS
tools_list=$ALL_TOOLS
scaling=default
seed=1
syscalls=1

usage() {
	sed -n '4,7s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# shellcheck source=bench/common.sh
. "$here/common.sh"

while [ $# -gt 0 ]; do
	case "$1" in
	--profile) profile=${2:?}; shift ;;
	--profile=*) profile=${1#*=} ;;
	--runs) runs=${2:?}; shift ;;
	--runs=*) runs=${1#*=} ;;
	--cold) cold=1 ;;
	--fs) fs_list=${2:?}; shift ;;
	--fs=*) fs_list=${1#*=} ;;
	--tools) tools_list=${2:?}; shift ;;
	--tools=*) tools_list=${1#*=} ;;
	--scaling) scaling=${2:?}; shift ;;
	--scaling=*) scaling=${1#*=} ;;
	--seed) seed=${2:?}; shift ;;
	--seed=*) seed=${1#*=} ;;
	--no-syscalls) syscalls=0 ;;
	-h | --help) usage ;;
	*) echo "$prog: unknown argument: $1" >&2; usage ;;
	esac
	shift
done

case "$profile" in demo | small | monorepo | huge) ;; *) usage ;; esac
case "$runs" in '' | *[!0-9]*) usage ;; esac
[ "$runs" -ge 1 ] || usage
[ "$runs" -ge 5 ] || log "note: $runs timed runs; the method wants >= 5"
[ "$(id -u)" -eq 0 ] || die "needs root (loop mounts, drop_caches)"
for b in gen-tree floor rss; do
	[ -x "$here/$b" ] || die "bench/$b not built: run make -C bench"
done
command -v python3 >/dev/null || die "python3 not installed"

# Image sizes: room for the source, the densest copy and floor's copies.
case "$profile" in
demo | small) img_size=4G; scale_default=none ;;
monorepo) img_size=12G; scale_default=10000,100000,1000000 ;;
huge) img_size=48G; scale_default=10000,100000,1000000 ;;
esac
[ "$scaling" = default ] && scaling=$scale_default

IFS=, read -r -a fs_wanted <<<"$fs_list"
IFS=, read -r -a tools_wanted <<<"$tools_list"
for t in "${tools_wanted[@]}"; do
	case "$t" in
	stagecp | stagecp-hardlink | cp | cp-noreflink | rsync | rsync-a | \
		tar | tar-plain | buildkit) ;;
	*) die "unknown tool: $t" ;;
	esac
done
for f in "${fs_wanted[@]}"; do
	case "$f" in
	xfs | btrfs | ext4 | tmpfs | overlay | xfs-ext4 | bigfile) ;;
	buildah) ;;	# bench/buildah.sh, with results of its own
	*) die "unknown scenario: $f" ;;
	esac
done

# ---------------------------------------------------------------- cleanup
work=$(mktemp -d /var/tmp/stagecp-bench.XXXXXX)
mounts=()	# "loop DIR" or "plain DIR", unmounted in reverse order

unmount_all() {
	local i kind dir
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		kind=${mounts[i]%% *}
		dir=${mounts[i]#* }
		if [ "$kind" = loop ]; then
			"$LOOPFS" umount "$dir" ||
				echo "$prog: $dir: umount failed" >&2
		else
			umount "$dir" 2>/dev/null || umount -l "$dir" ||
				echo "$prog: $dir: umount failed" >&2
		fi
	done
	mounts=()
}

# An interrupted run still reports what it measured, as results/partial.*
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	unmount_all
	if [ "$reported" -eq 0 ] && [ -s "$work/runs.csv" ]; then
		log "interrupted: writing what was measured to results/partial.*"
		report partial >/dev/null || true
	fi
	rm -rf "$work"
	exit "$rc"
}
reported=0
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Mounts TYPE at DIR; returns 77 (with the reason on stderr) when this
# machine cannot.
mount_fs() {
	local type=$1 dir=$2 size=${3:-$img_size} rc=0
	"$LOOPFS" mount "$type" "$size" "$dir" || rc=$?
	[ $rc -eq 0 ] || return $rc
	mounts+=("loop $dir")
	# ext4 would zero its inode tables in the background, mid-benchmark.
	[ "$type" != ext4 ] || mount -o remount,noinit_itable "$dir"
}

mount_overlay() {
	local lower=$1 upper=$2 wdir=$3 merged=$4
	mkdir -p "$upper" "$wdir" "$merged"
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$upper,workdir=$wdir" "$merged" ||
		return 77
	mounts+=("plain $merged")
}

# ------------------------------------------------------------ measurement
# Appends a line to $work/NAME.csv, the report's raw material.
record() {
	local name=$1
	shift
	echo "$*" >>"$work/$name.csv"
}

drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

tool_available() {
	case "$1" in
	stagecp | stagecp-hardlink) [ -x "$stagecp_bin" ] ;;
	cp) command -v cp >/dev/null ;;
	cp-noreflink) command -v cp >/dev/null ;;
	rsync | rsync-a) command -v rsync >/dev/null ;;
	tar | tar-plain) command -v tar >/dev/null ;;
	buildkit) [ -x "$here/peers/buildkit-copy" ] ;;
	esac
}

# The command that copies $SRCROOT/out into $DSTROOT/app, in CMD.  rsync
# and tar get the flags that make them keep hardlinks, holes and
# nanosecond mtimes; rsync-a and tar-plain are the bare forms, for the
# record (they fail verification on this tree).  The pipelines' $1 and $2
# are bash -c's arguments.
# shellcheck disable=SC2016
tool_cmd() {
	local src=$SRCROOT/out dst=$DSTROOT/app
	case "$1" in
	stagecp)
		CMD=("$stagecp_bin" --from="$SRCROOT" --to="$DSTROOT" \
			/out /app/) ;;
	stagecp-hardlink)
		CMD=("$stagecp_bin" --strategy=hardlink --from="$SRCROOT" \
			--to="$DSTROOT" /out /app/) ;;
	cp) CMD=(cp -a "$src/." "$dst") ;;
	cp-noreflink) CMD=(cp -a --reflink=never "$src/." "$dst") ;;
	rsync) CMD=(rsync -aHS "$src/" "$dst/") ;;
	rsync-a) CMD=(rsync -a "$src/" "$dst/") ;;
	tar)
		CMD=(bash -c 'set -o pipefail; mkdir "$2" &&
			tar --format=posix -S -C "$1" -cf - . |
			tar -C "$2" -xf -' tar "$src" "$dst") ;;
	tar-plain)
		CMD=(bash -c 'set -o pipefail; mkdir "$2" &&
			tar -C "$1" -cf - . | tar -C "$2" -xf -' \
			tar "$src" "$dst") ;;
	buildkit)
		CMD=("$here/peers/buildkit-copy" "$SRCROOT" /out "$DSTROOT" \
			/app/) ;;
	esac
}

# One copy by TOOL, recorded as run RUN of the current scenario; the exit
# status is left in LAST_RC.
one_run() {
	local tool=$1 run=$2 before after wall rss rc
	rm -rf "$DSTROOT/app" "$work/rss.out"
	before=$(settled_used "$PHYS")
	[ "$cold" -eq 0 ] || drop_caches
	tool_cmd "$tool"
	rc=0
	"$here/rss" "$work/rss.out" "${CMD[@]}" >"$work/tool.log" 2>&1 || rc=$?
	read -r wall rss rc < "$work/rss.out" || { wall=0; rss=0; }
	after=$(settled_used "$PHYS")
	record runs "$scen,$tool,$run,$wall,$rss,$((after - before)),$rc"
	LAST_RC=$rc
	if [ "$rc" -ne 0 ]; then
		log "  $tool run $run: exit $rc:" \
			"$(head -c 300 "$work/tool.log")"
		return 1
	fi
	return 0
}

# Compares $DSTROOT/app with the source; prints ok or INVALID (fields).
verify() {
	local out fields
	if [ ! -f "$TREECMP" ]; then
		echo "unverified (no tests/treecmp.py)"
		return
	fi
	if out=$(python3 "$TREECMP" "$SRCROOT/out" "$DSTROOT/app" \
		--ignore-top 2>&1); then
		echo ok
		return
	fi
	echo "$out" | head -5 >&2
	fields=$(echo "$out" | awk -F': ' 'NF >= 3 {print $2}' |
		sed 's/ (sparse)//; s/^allocated.*/sparse/' | sort -u |
		paste -sd/ -)
	echo "INVALID (${fields:-$(echo "$out" | head -1)})"
}

# strace -c -f: syscalls per entry of one extra, untimed run.
count_syscalls() {
	local tool=$1 calls
	command -v strace >/dev/null || return 0
	rm -rf "$DSTROOT/app"
	tool_cmd "$tool"
	strace -f -c -o "$work/strace.out" "${CMD[@]}" >/dev/null 2>&1 ||
		return 0
	calls=$(awk '$NF == "total" {print $4}' "$work/strace.out")
	[ -z "$calls" ] || record syscalls "$scen,$tool,$calls"
}

# Floor figures for the current scenario, appended to scenarios.csv
# together with the tree's size.
run_floor() {
	local floordir=$1 runs_floor=${2:-3} out clone link label
	local kind='create+[a-z_/]*+close'
	if ! out=$("$here/floor" --runs "$runs_floor" "$SRCROOT/out" \
		"$floordir" 2>&1); then
		log "  floor failed: $out"
		out=""
	fi
	rm -rf "$floordir"
	[ -z "$out" ] || printf '  %s\n' "${out//$'\n'/$'\n'  }" >&2
	clone=$(echo "$out" |
		sed -n "s/^floor $kind: \([0-9.]*\) us.*/\1/p")
	label=$(echo "$out" | sed -n "s/^floor \($kind\): .*/\1/p")
	link=$(echo "$out" | sed -n 's/^floor linkat: \([0-9.]*\) us.*/\1/p')
	FLOOR="${clone:-},${label:-},${link:-}"
}

# gen-tree's summary: "... N entries (...), B bytes"
gen_tree() {
	local dir=$1 out
	shift
	out=$("$here/gen-tree" --seed "$seed" "$@" "$dir")
	log "  $out"
	ENTRIES=$(echo "$out" | sed -n 's/.*: \([0-9]*\) entries.*/\1/p')
	BYTES=$(echo "$out" | sed -n 's/.*, \([0-9]*\) bytes$/\1/p')
}

# ---------------------------------------------------------- scenario setup
# Sets SRCROOT (stage A, tree in $SRCROOT/out), DSTROOT (stage B, copies go
# to $DSTROOT/app), PHYS (the filesystem the copy lands on) and LABEL.
setup_scenario() {
	local s=$1 m=$work/$1
	mkdir -p "$m"
	case "$s" in
	xfs | btrfs | ext4 | tmpfs)
		mount_fs "$s" "$m/fs" || return $?
		SRCROOT=$m/fs/stageA DSTROOT=$m/fs/stageB PHYS=$m/fs
		LABEL=$s
		[ "$s" != xfs ] || LABEL="xfs (reflink=1)"
		mkdir -p "$SRCROOT" "$DSTROOT"
		gen_tree "$SRCROOT/out" --profile "$profile" || return 1
		;;
	bigfile)
		mount_fs xfs "$m/fs" 12G || return $?
		SRCROOT=$m/fs/stageA DSTROOT=$m/fs/stageB PHYS=$m/fs
		LABEL="xfs: one 4 GiB file"
		mkdir -p "$SRCROOT" "$DSTROOT"
		gen_tree "$SRCROOT/out" --files 1 --big-count 1 --big-total 4G \
			--no-sparse || return 1
		;;
	overlay)
		# Stage A: the tree in a lower layer, seen through its merged
		# view; stage B: an empty layer whose upper dir takes the copy.
		mount_fs xfs "$m/fs" || return $?
		mkdir -p "$m/fs/lowerA" "$m/fs/lowerB"
		gen_tree "$m/fs/lowerA/out" --profile "$profile" || return 1
		mount_overlay "$m/fs/lowerA" "$m/fs/upperA" "$m/fs/workA" \
			"$m/stageA" || return $?
		mount_overlay "$m/fs/lowerB" "$m/fs/upperB" "$m/fs/workB" \
			"$m/stageB" || return $?
		SRCROOT=$m/stageA DSTROOT=$m/stageB PHYS=$m/fs
		LABEL="overlay -> overlay on xfs"
		;;
	xfs-ext4)
		mount_fs xfs "$m/xfs" || return $?
		mount_fs ext4 "$m/ext4" || return $?
		SRCROOT=$m/xfs/stageA DSTROOT=$m/ext4/stageB PHYS=$m/ext4
		LABEL="xfs -> ext4"
		mkdir -p "$SRCROOT" "$DSTROOT"
		gen_tree "$SRCROOT/out" --profile "$profile" || return 1
		;;
	esac
}

run_scenario() {
	local s=$1 rc=0 tools=() t i k n status
	scen=$s
	log "scenario $s"
	setup_scenario "$s" || rc=$?
	if [ $rc -ne 0 ]; then
		log "  skipped: cannot set up (exit $rc)"
		record scenarios "$s,$s,,,,,,skipped: cannot set up $s here"
		unmount_all
		return 0
	fi

	for t in "${tools_wanted[@]}"; do
		if [ "$s" = bigfile ] &&
			[[ ",$BIGFILE_TOOLS," != *",$t,"* ]]; then
			continue
		fi
		# linkat cannot cross filesystems (nor overlay mounts):
		# nothing to measure.
		if [ "$t" = stagecp-hardlink ] &&
			{ [ "$s" = xfs-ext4 ] || [ "$s" = overlay ]; }; then
			continue
		fi
		if ! tool_available "$t"; then
			record verify "$s,$t,unavailable"
			continue
		fi
		tools+=("$t")
	done

	sync
	run_floor "$DSTROOT/.floor"
	record scenarios "$s,$LABEL,$ENTRIES,$BYTES,$FLOOR,"

	# Warm-up: also pulls the source into the page cache, and its output
	# is verified.  A tool that fails here sits out the timed runs.
	local live=()
	for t in "${tools[@]}"; do
		log "  warm-up $t"
		if ! one_run "$t" 0; then
			record verify "$s,$t,FAILED (exit $LAST_RC)"
			continue
		fi
		status=$(verify)
		log "    verify: $status"
		record verify "$s,$t,$status"
		live+=("$t")
	done

	# Timed runs, the tool order rotating so no tool always goes first.
	n=${#live[@]}
	for ((i = 1; i <= runs; i++)); do
		for ((k = 0; k < n; k++)); do
			t=${live[(k + i) % n]}
			if ! one_run "$t" "$i"; then
				record verify \
					"$s,$t,FAILED (exit $LAST_RC in run $i)"
			elif [ "$i" -eq "$runs" ]; then
				# The last timed output is verified too.
				status=$(verify)
				[ "$status" = ok ] ||
					record verify "$s,$t,$status (last run)"
			fi
		done
		log "  run $i/$runs done"
	done

	if [ "$syscalls" -eq 1 ] && [ "$s" = xfs ]; then
		for t in stagecp cp; do
			[[ " ${live[*]} " == *" $t "* ]] && count_syscalls "$t"
		done
	fi
	rm -rf "$DSTROOT/app"
	unmount_all
}

# Per-entry cost of stagecp from 10k to 1M small files on xfs.
run_scaling() {
	local n m=$work/scaling rc i
	[ "$scaling" != none ] || return 0
	tool_available stagecp || return 0
	IFS=, read -r -a points <<<"$scaling"
	for n in "${points[@]}"; do
		scen=scale-$n
		log "scaling: $n files on xfs"
		rc=0
		mkdir -p "$m"
		mount_fs xfs "$m/fs" || rc=$?
		if [ $rc -ne 0 ]; then
			log "  skipped: cannot mount xfs"
			return 0
		fi
		SRCROOT=$m/fs/stageA DSTROOT=$m/fs/stageB PHYS=$m/fs
		mkdir -p "$SRCROOT" "$DSTROOT"
		gen_tree "$SRCROOT/out" --files "$n" --big-count 0 \
			--big-total 0 --no-sparse
		sync
		run_floor "$DSTROOT/.floor" 1
		record scenarios \
			"$scen,$n files (xfs),$ENTRIES,$BYTES,$FLOOR,scaling"
		if one_run stagecp 0; then
			record verify "$scen,stagecp,$(verify)"
			for ((i = 1; i <= (runs < 3 ? runs : 3); i++)); do
				one_run stagecp "$i" && continue
				record verify "$scen,stagecp,FAILED" \
					"(exit $LAST_RC in run $i)"
			done
		else
			record verify "$scen,stagecp,FAILED (exit $LAST_RC)"
		fi
		rm -rf "$DSTROOT/app"
		unmount_all
	done
}

# ------------------------------------------------------------------ report
machine_info() {
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "kernel=$(uname -r)"
	echo "cpus=$(nproc)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
		head -1)"
	echo "mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
	echo "profile=$profile"
	echo "runs=$runs"
	echo "cache=$([ "$cold" -eq 1 ] && echo cold || echo warm)"
	echo "seed=$seed"
	echo "stagecp=$("$stagecp_bin" --version 2>/dev/null | head -1 ||
		echo "$STAGECP")"
	echo "stagecp_path=$STAGECP"
	echo "cp=$(cp --version | head -1)"
	echo "rsync=$(rsync --version 2>/dev/null | head -1 || echo none)"
	echo "tar=$(tar --version | head -1)"
	echo "go=$(go version 2>/dev/null || echo none)"
}

# A private copy: a rebuild of tool/stagecp mid-run must not change (or
# remove) the binary being measured.
stagecp_bin=$STAGECP
if [ -f "$STAGECP" ] && [ -x "$STAGECP" ]; then
	cp "$STAGECP" "$work/stagecp"
	stagecp_bin=$work/stagecp
fi

: >"$work/runs.csv"
: >"$work/scenarios.csv"
: >"$work/verify.csv"
: >"$work/syscalls.csv"
machine_info >"$work/machine.txt"
log "profile $profile, $runs runs, $([ "$cold" -eq 1 ] && echo cold ||
	echo warm) cache; work dir $work"
tool_available stagecp ||
	log "note: $STAGECP missing: no stagecp rows"
tool_available buildkit ||
	log "note: bench/peers/buildkit-copy not built: no BuildKit rows"

# Writes $RESULTS/NAME.{md,csv,svg} from the raw records in $work and
# prints the markdown on stdout.
report() {
	local name=$1 ncols
	mkdir -p "$RESULTS"
	python3 - "$work" "$RESULTS" "$name" <<'EOF' || return 1
import csv, os, statistics, sys

work, results, name = sys.argv[1], sys.argv[2], sys.argv[3]

LABELS = {
    "stagecp": "stagecp",
    "stagecp-hardlink": "stagecp --strategy=hardlink",
    "cp": "cp -a",
    "cp-noreflink": "cp -a --reflink=never",
    "rsync": "rsync -aHS",
    "rsync-a": "rsync -a",
    "tar": "tar -S --format=posix | tar -x",
    "tar-plain": "tar -c | tar -x",
    "buildkit": "BuildKit copy.Copy",
}
ORDER = list(LABELS)

machine = dict(l.rstrip("\n").split("=", 1)
               for l in open(os.path.join(work, "machine.txt")) if "=" in l)

scenarios = []          # in run order
meta = {}
for row in csv.reader(open(os.path.join(work, "scenarios.csv"))):
    row += [""] * (9 - len(row))
    s, label, entries, nbytes, fclone, flabel, flink, note = row[:8]
    scenarios.append(s)
    meta[s] = dict(label=label, entries=int(entries or 0),
                   bytes=int(nbytes or 0),
                   floor=float(fclone) if fclone else None,
                   floor_label=flabel,
                   link=float(flink) if flink else None, note=note)

runs = {}               # (s, tool) -> {run: (wall_s, rss_kib, phys, rc)}
for s, t, r, wall, rss, phys, rc in csv.reader(
        open(os.path.join(work, "runs.csv"))):
    runs.setdefault((s, t), {})[int(r)] = (int(wall) / 1e9, int(rss),
                                           int(phys), int(rc))

# The warm-up's verdict, unless it was ok and the last run's was not.
status = {}
for row in csv.reader(open(os.path.join(work, "verify.csv"))):
    s, t, st = row[0], row[1], ",".join(row[2:])
    if status.get((s, t), "ok") == "ok":
        status[(s, t)] = st

syscalls = {}
for s, t, calls in csv.reader(open(os.path.join(work, "syscalls.csv"))):
    syscalls[(s, t)] = int(calls)


def timed(s, t):
    return {r: v for r, v in runs.get((s, t), {}).items()
            if r > 0 and v[3] == 0}


def med(xs):
    return statistics.median(xs) if xs else None


def speedup(s, peer):
    """Median over run pairs of peer time / stagecp time."""
    a, b = timed(s, "stagecp"), timed(s, peer)
    pairs = [b[r][0] / a[r][0] for r in a if r in b and a[r][0] > 0]
    return med(pairs)


rows = []
for s in scenarios:
    m = meta[s]
    tools = sorted({t for (ss, t) in list(runs) + list(status) if ss == s},
                   key=ORDER.index)
    for t in tools:
        tr = timed(s, t)
        st = status.get((s, t), "ok" if tr else "no data")
        wall = med([v[0] for v in tr.values()])
        r = dict(scenario=s, tool=t, status=st, runs=len(tr), wall=wall,
                 entries=m["entries"], bytes=m["bytes"])
        if wall:
            r["eps"] = m["entries"] / wall
            r["gbps"] = m["bytes"] / wall / 1e9
            r["us"] = wall / max(m["entries"], 1) * 1e6
            r["xfloor"] = r["us"] / m["floor"] if m["floor"] else None
        r["phys"] = med([v[2] for v in tr.values()])
        r["rss"] = max([v[1] for v in tr.values()], default=None)
        r["speedup"] = speedup(s, t) if t != "stagecp" else None
        rows.append(r)


def f(v, fmt):
    return "-" if v is None else format(v, fmt)


def phys_txt(r):
    if r.get("phys") is None:
        return "-"
    p = r["phys"]
    pct = 100.0 * p / r["bytes"] if r["bytes"] else 0
    return f"{p / 2**20:.1f} MiB ({pct:.1f}%)"


def row_md(r):
    return ("| " + " | ".join([
        r["tool_label"].replace("|", "\\|"), r["status"],
        f(r.get("wall"), ".4f"),
        f(r.get("eps"), ",.0f"), f(r.get("gbps"), ".2f"), phys_txt(r),
        f(r["rss"] / 1024 if r.get("rss") else None, ".1f"),
        f(r.get("us"), ".1f"), f(r.get("xfloor"), ".2f"),
        ("%.2fx" % r["speedup"]) if r.get("speedup") else "-",
    ]) + " |")


for r in rows:
    r["tool_label"] = LABELS[r["tool"]]

out = []
out.append("# stagecp benchmark: %s profile, %s cache%s" %
           (machine["profile"], machine["cache"],
            "" if name == "latest" else " (INTERRUPTED: partial results)"))
out.append("")
out.append("%s; kernel %s; %s CPUs (%s); %s RAM. %s timed runs per tool "
           "after a warm-up, tools alternating run by run; seed %s." %
           (machine["date"], machine["kernel"], machine["cpus"],
            machine["cpu"], machine["mem"], machine["runs"], machine["seed"]))
out.append("stagecp: `%s` (%s). %s; %s; %s; %s." %
           (machine["stagecp_path"], machine["stagecp"], machine["cp"],
            machine["rsync"], machine["tar"], machine["go"]))
out.append("")
out.append("Wall time is the median; entries/s and GB/s (logical bytes, "
           "sparse file at its apparent size) follow from it. Physical is "
           "what the copy added to the destination filesystem (statfs, "
           "median). `x floor` is the per-entry cost over bench/floor's "
           "per-file create+clone+close (or, where cloning is impossible, "
           "the mover it names). `stagecp faster` is, run pair by run pair, "
           "this tool's time over stagecp's, then the median. Peak RSS of a "
           "tar pipeline is its larger process.")
table = []
for s in scenarios:
    m = meta[s]
    if m["note"].startswith("skipped"):
        table.append("")
        table.append("## %s: %s" % (s, m["note"]))
        continue
    table.append("")
    fl = ("floor %s %.1f us/file" % (m["floor_label"], m["floor"])
          if m["floor"] else "floor unavailable")
    if m["link"]:
        fl += ", linkat %.1f us/file" % m["link"]
    table.append("## %s: %s entries, %.2f GB logical; %s" %
                 (m["label"], f"{m['entries']:,}", m["bytes"] / 1e9, fl))
    table.append("")
    table.append("| tool | verify | wall s | entries/s | GB/s | physical "
                 "added | peak RSS MiB | us/entry | x floor | stagecp "
                 "faster |")
    table.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["scenario"] == s:
            table.append(row_md(r))
out += table

# Targets, from issue 4: measured, never asserted.
def get(s, t, k):
    for r in rows:
        if r["scenario"] == s and r["tool"] == t:
            return r.get(k)
    return None


def valid(s, t):
    st = status.get((s, t))
    return st == "ok"


targets = []


def target(name, figure, ok):
    mark = "n/a" if ok is None else ("met" if ok else "NOT met")
    targets.append("| %s | %s | %s |" % (name, figure, mark))


def speed_target(s, peer, want):
    sp = speedup(s, peer)
    if sp is None:
        target("%s: stagecp >= %gx faster than %s" % (s, want, LABELS[peer]),
               "not measured", None)
        return
    note = "" if valid(s, peer) and valid(s, "stagecp") else \
        " (a row failed verification)"
    target("%s: stagecp >= %gx faster than %s" % (s, want, LABELS[peer]),
           "%.2fx%s" % (sp, note), sp >= want)


def phys_target(s, t="stagecp"):
    p, b = get(s, t, "phys"), meta.get(s, {}).get("bytes")
    if p is None or not b:
        target("%s: %s adds < 2%% of logical bytes" % (s, LABELS[t]),
               "not measured", None)
        return
    target("%s: %s adds < 2%% of logical bytes" % (s, LABELS[t]),
           "%.2f%% (%.1f MiB)" % (100.0 * p / b, p / 2**20),
           p < 0.02 * b)


for s in ("xfs", "btrfs"):
    if s in meta:
        speed_target(s, "cp", 3)
        speed_target(s, "rsync", 10)
        speed_target(s, "buildkit", 10)
        phys_target(s)
for s in ("xfs", "btrfs"):
    if s in meta:
        a = timed(s, "stagecp-hardlink")
        b = timed(s, "cp")
        pairs = [b[r][0] / a[r][0] for r in a if r in b and a[r][0] > 0]
        target("%s: --strategy=hardlink >= 5x faster than cp -a" % s,
               "%.2fx" % med(pairs) if pairs else "not measured",
               med(pairs) >= 5 if pairs else None)
if "ext4" in meta:
    speed_target("ext4", "cp", 1.5)
if "overlay" in meta:
    phys_target("overlay")
    speed_target("overlay", "cp", 3)
if "bigfile" in meta:
    w = get("bigfile", "stagecp", "wall")
    target("a 4 GiB file on xfs copied in < 10 ms",
           "%.1f ms" % (w * 1e3) if w else "not measured",
           w < 0.010 if w else None)
for s in scenarios:
    x = get(s, "stagecp", "xfloor")
    # One 4 GiB file says nothing about a per-entry cost.
    if x is not None and s != "bigfile" and not s.startswith("scale-"):
        target("%s: per-entry cost <= 1.25x floor" % s, "%.2fx" % x,
               x <= 1.25)
scale = [(meta[s]["entries"], get(s, "stagecp", "us"),
          get(s, "stagecp", "xfloor"), s) for s in scenarios
         if s.startswith("scale-") and get(s, "stagecp", "us")]
if len(scale) >= 2:
    span = "from %s to %s entries" % (f"{min(scale)[0]:,}",
                                      f"{max(scale)[0]:,}")
    costs = [c for _, c, _, _ in scale]
    target("per-entry cost flat (<= 1.3x) " + span,
           ", ".join("%s: %.1f us" % (f"{n:,}", c) for n, c, _, _ in scale) +
           " (max/min %.2fx)" % (max(costs) / min(costs)),
           max(costs) / min(costs) <= 1.3)
    # The filesystem itself slows as it grows: the same ratio over the
    # floor measured on each tree.
    xs = [x for _, _, x, _ in scale if x]
    if len(xs) == len(scale):
        target("per-entry cost over the floor flat (<= 1.3x) " + span,
               ", ".join("%s: %.2fx" % (f"{n:,}", x)
                         for n, _, x, _ in scale) +
               " (max/min %.2fx)" % (max(xs) / min(xs)),
               max(xs) / min(xs) <= 1.3)
    n_max, _, _, s_max = max(scale)
    rss = get(s_max, "stagecp", "rss")
    if rss:
        target("peak RSS < 64 MiB at %s entries" % f"{n_max:,}",
               "%.1f MiB" % (rss / 1024), rss / 1024 < 64)
else:
    target("per-entry cost flat from 10k to 1M entries",
           "not measured (--scaling)", None)
rss_max = max([r["rss"] for r in rows if r["tool"] == "stagecp" and
               r.get("rss")], default=None)
if rss_max:
    target("stagecp peak RSS (largest over all scenarios)",
           "%.1f MiB" % (rss_max / 1024), None)

out.append("")
out.append("## Targets (issue 4)")
out.append("")
out.append("| target | measured | |")
out.append("|---|---|---|")
out += targets

if syscalls:
    out.append("")
    out.append("## Syscalls per entry (strace -c -f, one untimed run)")
    out.append("")
    out.append("| scenario | tool | syscalls | per entry |")
    out.append("|---|---|---:|---:|")
    for (s, t), c in sorted(syscalls.items()):
        e = meta[s]["entries"] or 1
        out.append("| %s | %s | %s | %.1f |" %
                   (s, LABELS[t], f"{c:,}", c / e))
    out.append("")
    out.append("io_uring submissions count as one io_uring_enter each, "
               "however many operations they carry.")

md = "\n".join(out) + "\n"
open(os.path.join(results, name + ".md"), "w").write(md)
sys.stdout.write(md)

with open(os.path.join(results, name + ".csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["scenario", "tool", "status", "runs", "median_wall_s",
                "entries", "entries_per_s", "logical_bytes", "logical_gb_per_s",
                "physical_added_bytes", "peak_rss_kib", "us_per_entry",
                "floor_us_per_file", "x_floor", "stagecp_speedup"])
    for r in rows:
        w.writerow([r["scenario"], r["tool"], r["status"], r["runs"],
                    r.get("wall"), r["entries"], r.get("eps"), r["bytes"],
                    r.get("gbps"), r.get("phys"), r.get("rss"), r.get("us"),
                    meta[r["scenario"]]["floor"], r.get("xfloor"),
                    r.get("speedup")])

# Plot data: one line per scenario, one column per tool (NaN = missing),
# and bench/floor's per-file figure as the last cost column.
plot_scen = [s for s in scenarios if any(r["scenario"] == s and r.get("us")
                                         for r in rows)]
plot_tools = [t for t in ORDER if any(r["tool"] == t and r.get("us")
                                      for r in rows)]
for key, name in (("us", "plot-us.dat"), ("gbps", "plot-gbps.dat")):
    with open(os.path.join(work, name), "w") as fh:
        fh.write("scenario " + " ".join('"%s"' % LABELS[t]
                                        for t in plot_tools) +
                 ' "bench/floor (per file)"\n')
        for s in plot_scen:
            vals = []
            for t in plot_tools:
                v = get(s, t, key)
                vals.append("%g" % v if v else "NaN")
            fl = meta[s]["floor"] if key == "us" else None
            vals.append("%g" % fl if fl else "NaN")
            fh.write('"%s" %s\n' % (s, " ".join(vals)))
with open(os.path.join(work, "plot.info"), "w") as fh:
    fh.write("%d\n" % (len(plot_tools) if plot_tools else 0))
EOF
	ncols=$(cat "$work/plot.info")
	if [ "$ncols" -gt 0 ] && command -v gnuplot >/dev/null; then
		gnuplot -e "us='$work/plot-us.dat'; gbps='$work/plot-gbps.dat'; \
			ntools=$ncols; out='$RESULTS/$name.svg'; \
			title='stagecp benchmark ($profile profile)'" \
			"$here/plot.gp" || log "gnuplot failed: no plot"
	else
		log "no plot (gnuplot missing or no data)"
	fi
	log "results in ${RESULTS#"$top"/}/$name.md, $name.csv, $name.svg"
}

others=0
for s in "${fs_wanted[@]}"; do
	[ "$s" != buildah ] || continue
	others=1
	run_scenario "$s"
done
# --fs buildah alone leaves results/latest.* as they are.
if [ "$others" -eq 1 ]; then
	run_scaling
	report latest
fi
reported=1
# Real buildah stages on xfs and btrfs: results/buildah.{md,csv}.
if [[ ",$fs_list," == *",buildah,"* ]]; then
	STAGECP=$stagecp_bin RESULTS=$RESULTS "$here/buildah.sh" \
		--profile "$profile" --runs "$runs" --seed "$seed" ||
		log "the buildah scenario failed"
fi
