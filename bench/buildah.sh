#!/bin/bash
# COPY --from between real buildah stages: buildah's copier, cp -a between
# the mounts, and stagecp; see bench/README.md.
#
#   bench/buildah.sh [--profile demo|small|monorepo|huge] [--runs N]
#                    [--fs xfs,btrfs] [--seed N]
#
# As root.  Per filesystem: a buildah storage of its own on a fresh loop
# filesystem (scripts/buildah-store.sh), stage 1 a scratch container whose
# /out gets bench/gen-tree's tree, stage 2 an empty scratch container, both
# mounted with `buildah mount`.  Each tool copies stage 1's /out to stage
# 2's /app once to warm up, then RUNS timed times, the order rotating run by
# run; /app is removed between runs, untimed.  Recorded per run: wall time
# and the bytes the copy added to the storage's filesystem (statfs after
# sync, once the figure settles).  Each output is compared with the source
# by tests/treecmp.py.  Writes bench/results/buildah.{md,csv} and prints the
# markdown.  bench/run.sh calls it for its "buildah" scenario.
set -euo pipefail

prog=bench/buildah.sh
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
STAGECP=${STAGECP:-$top/tool/stagecp}
TREECMP=$top/tests/treecmp.py
RESULTS=${RESULTS:-$here/results}

profile=monorepo
runs=5
fs_list=xfs,btrfs
seed=1

usage() {
	sed -n '5,6s/^# \{0,1\}//p' "$0" >&2
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
	--fs) fs_list=${2:?}; shift ;;
	--fs=*) fs_list=${1#*=} ;;
	--seed) seed=${2:?}; shift ;;
	--seed=*) seed=${1#*=} ;;
	-h | --help) usage ;;
	*) echo "$prog: unknown argument: $1" >&2; usage ;;
	esac
	shift
done
case "$profile" in demo | small | monorepo | huge) ;; *) usage ;; esac
case "$runs" in '' | *[!0-9]* | 0) usage ;; esac
[ "$(id -u)" -eq 0 ] || die "needs root (loop mounts, buildah storage)"
command -v buildah >/dev/null || die "buildah not installed (scripts/deps.sh bench)"
for b in gen-tree rss; do
	[ -x "$here/$b" ] || die "bench/$b not built: run make -C bench"
done
[ -x "$STAGECP" ] || die "$STAGECP not built"

# Room for the source, buildah's copy with the sparse file written in
# full, and the overlay's bookkeeping.
case "$profile" in
demo | small) img_size=6G ;;
monorepo) img_size=16G ;;
huge) img_size=48G ;;
esac

# shellcheck source=scripts/buildah-store.sh
. "$top/scripts/buildah-store.sh"

work=$(mktemp -d /var/tmp/stagecp-bench-buildah.XXXXXX)
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	bstore_close || rc=1
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy: a rebuild mid-run must not change the binary measured.
cp "$STAGECP" "$work/stagecp"
stagecp_bin=$work/stagecp

tool_cmd() {
	case "$1" in
	buildah) CMD=(buildah --root "$bstore_dir/root" \
		--runroot "$bstore_dir/run" --storage-driver overlay \
		copy --quiet --from="$src" "$dst" /out /app/) ;;
	cp) CMD=(cp -a "$S/out" "$D/app") ;;
	stagecp) CMD=("$stagecp_bin" --from="$S" --to="$D" /out /app/) ;;
	esac
}

# One copy: a line "fs,tool,run,wall_ns,phys_bytes,rc" in runs.csv.
one_run() {
	local tool=$1 run=$2 before after wall rss rc=0
	rm -rf "$D/app"
	before=$(settled_used "$bstore_dir")
	tool_cmd "$tool"
	TMPDIR=$bstore_dir/tmp "$here/rss" "$work/rss.out" "${CMD[@]}" \
		>"$work/tool.log" 2>&1 || rc=$?
	read -r wall rss rc <"$work/rss.out" || wall=0
	after=$(settled_used "$bstore_dir")
	echo "$fs,$tool,$run,$wall,$((after - before)),$rc" >>"$work/runs.csv"
	[ "$rc" -eq 0 ] || log "  $tool run $run: exit $rc: $(head -c 300 "$work/tool.log")"
}

# ok, or the fields treecmp finds different.
verify() {
	local out
	if out=$(python3 "$TREECMP" "$S/out" "$D/app" --ignore-top 2>&1); then
		echo ok
		return
	fi
	echo "differs: $(echo "$out" | awk -F': ' 'NF >= 3 {print $2}' |
		sed 's/^allocated.*/sparse/' | sort -u | paste -sd/ -)"
}

tools=(buildah cp stagecp)
: >"$work/runs.csv"
: >"$work/scen.csv"
: >"$work/verify.csv"
IFS=, read -r -a fss <<<"$fs_list"
for fs in "${fss[@]}"; do
	case "$fs" in xfs | btrfs) ;; *) die "unknown filesystem: $fs" ;; esac
	log "buildah stages on $fs"
	rc=0
	bstore_open "$work/$fs" "$fs" "$img_size" || rc=$?
	if [ "$rc" -ne 0 ]; then
		log "  skipped: cannot make a $fs buildah storage"
		echo "$fs,,,skipped" >>"$work/scen.csv"
		continue
	fi
	src=$(bah from --quiet --name "bench-s1-$$" scratch)
	dst=$(bah from --quiet --name "bench-c2-$$" scratch)
	S=$(bah mount "$src")
	D=$(bah mount "$dst")
	out=$("$here/gen-tree" --seed "$seed" --profile "$profile" "$S/out")
	log "  $out"
	entries=$(echo "$out" | sed -n 's/.*: \([0-9]*\) entries.*/\1/p')
	bytes=$(echo "$out" | sed -n 's/.*, \([0-9]*\) bytes$/\1/p')
	echo "$fs,$entries,$bytes," >>"$work/scen.csv"
	for t in "${tools[@]}"; do
		log "  warm-up $t"
		one_run "$t" 0
		echo "$fs,$t,$(verify)" >>"$work/verify.csv"
	done
	for ((i = 1; i <= runs; i++)); do
		for ((k = 0; k < ${#tools[@]}; k++)); do
			one_run "${tools[(k + i) % ${#tools[@]}]}" "$i"
		done
		log "  run $i/$runs done"
	done
	rm -rf "$D/app"
	bstore_close
done

mkdir -p "$RESULTS"
python3 - "$work" "$RESULTS" "$profile" "$runs" "$(buildah --version)" \
	"$("$stagecp_bin" --version | head -1)" <<'EOF'
import csv, os, statistics, sys, time

work, results, profile, nruns, bver, sver = sys.argv[1:7]
LABEL = {"buildah": "`buildah copy --from=s1 c2 /out /app/`",
         "cp": "`cp -a $(buildah mount s1)/out $(buildah mount c2)/app`",
         "stagecp": "`stagecp --from=$(buildah mount s1) "
                    "--to=$(buildah mount c2) /out /app/`"}
scen = {}
for fs, entries, nbytes, note in csv.reader(open(f"{work}/scen.csv")):
    scen[fs] = (int(entries or 0), int(nbytes or 0), note)
runs = {}
for fs, t, r, wall, phys, rc in csv.reader(open(f"{work}/runs.csv")):
    if int(r) > 0 and int(rc) == 0:
        runs.setdefault((fs, t), []).append((int(wall) / 1e9, int(phys)))
ver = {(fs, t): st for fs, t, st in csv.reader(open(f"{work}/verify.csv"))}

def med(xs):
    return statistics.median(xs) if xs else None

out, rows = [], []
out.append("# COPY --from between buildah stages\n")
out.append(f"{time.strftime('%Y-%m-%d', time.gmtime())}, {os.uname().release}, "
           f"{os.cpu_count()} CPUs; {bver}; {sver}; profile `{profile}`, "
           f"median of {nruns} timed runs after a warm-up, warm cache.  "
           "Stages are `buildah from scratch` containers on a buildah "
           "storage of its own (overlay driver) on a loop filesystem; "
           "\"added\" is what the copy added to that filesystem (statfs).\n")
out.append("| fs | command | median | min-max | added on disk | "
           "stagecp faster (ratio of medians) | output |")
out.append("|---|---|---:|---:|---:|---:|---|")
res = {}
for fs, (entries, nbytes, note) in scen.items():
    if note:
        out.append(f"| {fs} | ({note}) | | | | | |")
        continue
    for t in ("buildah", "cp", "stagecp"):
        rs = runs.get((fs, t), [])
        walls = [w for w, _ in rs]
        phys = med([p for _, p in rs])
        res[(fs, t)] = (med(walls), phys)
    for t in ("buildah", "cp", "stagecp"):
        wall, phys = res[(fs, t)]
        walls = [w for w, _ in runs.get((fs, t), [])]
        sw = res[(fs, "stagecp")][0]
        fast = f"{wall / sw:.1f}x" if wall and sw and t != "stagecp" else ""
        pct = f" ({100 * phys / nbytes:.1f}%)" if phys is not None and nbytes else ""
        out.append(f"| {fs} | {LABEL[t]} | "
                   f"{'%.2f s' % wall if wall else 'failed'} | "
                   f"{'%.2f-%.2f' % (min(walls), max(walls)) if walls else ''} | "
                   f"{'%.1f MiB' % (phys / 2**20) if phys is not None else ''}{pct} | "
                   f"{fast} | {ver.get((fs, t), '')} |")
        rows.append([fs, t, entries, nbytes, wall or "", phys or "",
                     ver.get((fs, t), "")])
out.append("")
for fs, (entries, nbytes, note) in scen.items():
    if not note:
        out.append(f"Tree on {fs}: {entries:,} entries, {nbytes:,} bytes "
                   "(apparent size).")
out.append("\n## Targets\n")
out.append("| target | measured | |")
out.append("|---|---|---|")
bw, _ = res.get(("xfs", "buildah"), (None, None))
sw, sp = res.get(("xfs", "stagecp"), (None, None))
nbytes = scen.get("xfs", (0, 0, ""))[1]
if bw and sw:
    x = bw / sw
    out.append(f"| xfs: stagecp >= 10x faster than `buildah copy --from` "
               f"| {x:.1f}x | {'met' if x >= 10 else 'not met'} |")
if sp is not None and nbytes:
    pct = 100 * sp / nbytes
    out.append(f"| xfs: physical added <= 2% of the logical bytes "
               f"| {pct:.2f}% | {'met' if pct <= 2 else 'not met'} |")
if profile != "monorepo":
    out.append(f"\nThe targets are set on the monorepo profile; this run "
               f"used `{profile}`.")
text = "\n".join(out) + "\n"
open(f"{results}/buildah.md", "w").write(text)
with open(f"{results}/buildah.csv", "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["fs", "tool", "entries", "bytes", "median_s", "phys_bytes",
                "output"])
    w.writerows(rows)
sys.stdout.write(text)
EOF
log "results in ${RESULTS#"$top"/}/buildah.md, buildah.csv"
