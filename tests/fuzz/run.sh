#!/bin/bash
# Fuzzes every harness for a while: what `make fuzz` runs.
#
#   tests/fuzz/run.sh [SECONDS]     (default 60 per harness)
#
# Builds the libFuzzer binaries into build/fuzz, then runs each harness
# for SECONDS on build/fuzz/corpus-NAME: the committed seeds
# (tests/fuzz/corpus/NAME) copied in, plus whatever earlier runs found
# there.  New finds stay in build/fuzz; the committed corpus is never
# written.  Crashes, leaks, timeouts and out-of-memory inputs land in
# build/fuzz/crashes-NAME/; the paths of this run's are printed at the
# end and the script exits 1.  Slow inputs (slow-unit-*) are listed too,
# but do not fail the run.  To keep a find as a regression test, minimise
# it (fuzz_NAME -minimize_crash=1 -runs=10000 FILE) and add it to
# tests/fuzz/corpus/NAME/ under a name that says what it tests.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/fuzz
SECONDS_EACH=${1:-60}
HARNESSES=(copyline dockerfile modespec owner accounts gomatch ignore)

case $SECONDS_EACH in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 2
	;;
esac

"$TOP/tests/fuzz/build.sh" "$OUT" || exit 1

crashes=()
slow=()
failed=0
for name in "${HARNESSES[@]}"; do
	corpus=$OUT/corpus-$name
	artifacts=$OUT/crashes-$name
	mkdir -p "$corpus" "$artifacts" || exit 1
	# -n: a find of an earlier run is never overwritten by a seed.
	cp -n "$TOP/tests/fuzz/corpus/$name"/* "$corpus"/ || exit 1
	# Crash files of earlier runs stay, but are not this run's news.
	before=$(ls "$artifacts")
	echo "== fuzz_$name: ${SECONDS_EACH}s"
	# -timeout: an input that takes seconds is a bug (a hang) too.
	"$OUT/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$corpus" \
		>"$OUT/fuzz_$name.log" 2>&1
	rc=$?
	tail -n 2 "$OUT/fuzz_$name.log"
	for f in "$artifacts"/*; do
		[ -f "$f" ] || continue
		grep -qxF "${f##*/}" <<<"$before" && continue
		case ${f##*/} in
		# Took seconds but finished: worth a look, not a failure.
		slow-unit-*) slow+=("$f") ;;
		*) crashes+=("$f") ;;
		esac
	done
	if [ $rc -ne 0 ]; then
		failed=1
		echo "fuzz_$name: exited $rc; log: $OUT/fuzz_$name.log"
		grep -m1 -E 'ERROR:|runtime error:|invariant failed' \
			"$OUT/fuzz_$name.log"
	fi
done

if [ ${#slow[@]} -gt 0 ]; then
	echo "slow inputs:"
	printf '  %s\n' "${slow[@]}"
fi
if [ ${#crashes[@]} -gt 0 ]; then
	echo "crash files:"
	printf '  %s\n' "${crashes[@]}"
	exit 1
fi
[ $failed -eq 0 ] || exit 1
echo "no crashes"
