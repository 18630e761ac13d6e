#!/bin/bash
# Runs tests and reports one line each: the runner behind `make check`.
#
#   O=build/opt tests/run.sh TEST...
#
# A test is an executable: a unit test program or an integration script.
# It passes with exit 0, skips with 77 (its last output line says why) and
# fails otherwise, also when it outlives TEST_TIMEOUT seconds (default
# 600).  Its output goes to $O/tests/logs/NAME.log; a failure shows the
# log's tail.  Ends with "N passed, N failed, N skipped"; exits 1 if any
# test failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build/opt}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
case $O in
/*) obj=$O ;;
*) obj=$TOP/$O ;;
esac
STAGECP=$TOP/tool/stagecp
HELPERS=$obj/tests/helpers
LOGS=$obj/tests/logs
export TOP O STAGECP HELPERS

mkdir -p "$LOGS" || exit 1

# Test paths are taken relative to the caller's cwd, but tests run from
# the top of the tree.
tests=()
for t in "$@"; do
	case $t in
	/*) tests+=("$t") ;;
	*) tests+=("$PWD/$t") ;;
	esac
done
cd "$TOP" || exit 1

# Ctrl-C or a TERM stops the running test too: timeout puts it in a
# process group of its own, out of reach of the terminal's signals.
running=
stop() {
	[ -n "$running" ] && kill -TERM "$running" 2>/dev/null
	[ -n "$running" ] && wait "$running" 2>/dev/null
	echo "interrupted"
	exit 130
}
trap stop INT TERM HUP

passed=0
failed=0
skipped=0

for t in "${tests[@]}"; do
	name=${t##*/}
	log=$LOGS/$name.log

	if [ ! -x "$t" ]; then
		echo "run.sh: $t: not an executable file" >"$log"
		rc=126
	else
		# -k: a test that ignores TERM is killed 10 s later.
		timeout -k 10 "$TEST_TIMEOUT" "$t" >"$log" 2>&1 </dev/null &
		running=$!
		# wait also returns when a signal arrives: go on waiting
		# until the test is really gone.
		while :; do
			wait "$running"
			rc=$?
			kill -0 "$running" 2>/dev/null || break
		done
		running=
	fi

	case $rc in
	0)
		echo "PASS $name"
		passed=$((passed + 1))
		;;
	77)
		reason=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
		reason=${reason#SKIP: }
		reason=${reason#skip: }
		echo "SKIP $name: ${reason:-no reason given}"
		skipped=$((skipped + 1))
		;;
	*)
		if [ "$rc" -eq 124 ]; then
			echo "run.sh: timed out after $TEST_TIMEOUT s" >>"$log"
		elif [ "$rc" -eq 137 ]; then
			echo "run.sh: killed (timed out, ignored TERM?)" >>"$log"
		else
			echo "run.sh: exit status $rc" >>"$log"
		fi
		echo "FAIL $name"
		tail -n 30 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		;;
	esac
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
