#!/bin/bash
# The hostile-tree suite (issue 6): every case under tests/hostile/cases
# builds a hostile source or destination root, runs the real stagecp on it
# as root, and checks that nothing outside the destination root changed,
# that no byte from outside the source root reached the destination, and
# that the run ended in bounded time with the documented status and
# message.  See tests/hostile/case.sh.
#
#   tests/integration/hostile.sh [PATTERN...]   only cases matching a glob
#
# Each case runs as a process of its own (its own mounts, racers and
# clean-up) under a time limit; one line per case, then the failures with
# their checks.  Logs: $O/tests/logs/hostile/CASE.log.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd python3 timeout
require_stagecp

cases_dir=$TOP/tests/hostile/cases
case $O in
/*) logs=$O/tests/logs/hostile ;;
*) logs=$TOP/$O/tests/logs/hostile ;;
esac
mkdir -p "$logs"
# A case that outlives this is a failure of its own (a hung copy is
# killed by the case itself much sooner).
CASE_TIMEOUT=${CASE_TIMEOUT:-150}

selected() {
	local p
	[ $# -eq 1 ] && return 0
	for p in "${@:2}"; do
		# shellcheck disable=SC2053
		[[ $1 == $p ]] && return 0
	done
	return 1
}

passed=0
failed=0
skipped=0
failures=()
# Cases run HOSTILE_JOBS at a time (default: online CPUs); each is a
# process group of its own under timeout.
jobs_max=${HOSTILE_JOBS:-$(nproc)}
declare -A pid_case=() pid_start=()

stop_all() {
	local p
	for p in "${!pid_case[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${!pid_case[@]}"; do
		wait "$p" 2>/dev/null
	done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

# Collects one finished case, whichever ends first.
reap() {
	local p="" rc=0 name log took
	wait -n -p p "${!pid_case[@]}" || rc=$?
	[ -n "$p" ] || return 0
	name=${pid_case[$p]}
	took=$((SECONDS - pid_start[$p]))
	unset "pid_case[$p]" "pid_start[$p]"
	log=$logs/$name.log
	case $rc in
	0)
		echo "ok      $name (${took}s)"
		passed=$((passed + 1))
		;;
	77)
		echo "skip    $name: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1)"
		skipped=$((skipped + 1))
		;;
	*)
		[ "$rc" = 124 ] && echo "case killed after ${CASE_TIMEOUT}s" >>"$log"
		echo "FAIL    $name (${took}s, status $rc)"
		failed=$((failed + 1))
		failures+=("$name")
		;;
	esac
}

# Every case with the default engine, then again with every call the
# ring can take going through it (the creates and mkdirs made a window
# ahead must not open a hole either).
for engine in "" --io-uring=all; do
	for c in "$cases_dir"/*.sh; do
		name=$(basename "$c" .sh)
		selected "$name" "$@" || continue
		[ -z "$engine" ] || name="$name$engine"
		while [ "${#pid_case[@]}" -ge "$jobs_max" ]; do
			reap
		done
		HOSTILE_ENGINE=$engine timeout -k 10 "$CASE_TIMEOUT" \
			bash "$c" >"$logs/$name.log" 2>&1 </dev/null &
		pid_case[$!]=$name
		pid_start[$!]=$SECONDS
	done
done
while [ "${#pid_case[@]}" -gt 0 ]; do
	reap
done

for name in "${failures[@]}"; do
	echo
	echo "--- $name"
	# The case's own summary, or the end of its log if it died early.
	if grep -q "^not ok $name" "$logs/$name.log"; then
		sed -n "/^not ok $name/,\$p" "$logs/$name.log" | head -n 40
	else
		tail -n 15 "$logs/$name.log"
	fi
done

echo
echo "hostile: $passed passed, $failed failed, $skipped skipped (logs in $logs)"
[ "$failed" -eq 0 ] || exit 1
[ "$passed" -gt 0 ] || skip "no hostile case could run"
exit 0
