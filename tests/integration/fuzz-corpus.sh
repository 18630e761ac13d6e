#!/bin/bash
# Every fuzz harness over its committed corpus (tests/fuzz/corpus/NAME),
# each input once, under ASan and UBSan: crashes found by fuzzing stay
# fixed.  Uses the libFuzzer build when clang's fuzzer runtime works, the
# replay build otherwise; skips only when no compiler can build either.
# FUZZ_MODE=replay forces the replay build and FUZZ_CC its compiler (to
# test that path).
. "$(dirname "$0")/../lib.sh"

HARNESSES=(copyline dockerfile modespec owner accounts gomatch ignore)
CORPUS=$TOP/tests/fuzz/corpus
B=$T/fuzz

# Whether CC can build and run a trivial program with the given flags.
compiles() {
	local cc=$1
	shift
	command -v "$cc" >/dev/null 2>&1 || return 1
	"$cc" "$@" -o "$T/probe" "$T/probe.c" >/dev/null 2>&1 || return 1
	"$T/probe" -runs=0 >/dev/null 2>&1
}

cat >"$T/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return (int)(size & 0);
}
#ifndef FUZZER
int main(void)
{
	return LLVMFuzzerTestOneInput(NULL, 0);
}
#endif
PROBE

mode=
if [ "${FUZZ_MODE:-}" != replay ] &&
	compiles clang -DFUZZER -fsanitize=fuzzer,address,undefined; then
	mode=libfuzzer
	step "building the libFuzzer harnesses"
	"$TOP/tests/fuzz/build.sh" "$B" || fail "tests/fuzz/build.sh failed"
else
	for cc in ${FUZZ_CC:-clang gcc}; do
		if compiles "$cc" -fsanitize=address,undefined; then
			mode=replay
			step "building the replay harnesses with $cc" \
				"(no libFuzzer runtime)"
			CC=$cc "$TOP/tests/fuzz/build.sh" "$B" --replay ||
				fail "tests/fuzz/build.sh --replay failed"
			break
		fi
	done
fi
[ -n "$mode" ] ||
	skip "neither clang nor gcc builds with -fsanitize=address,undefined"

# Sanitizer reports end the run with an error; leaks are reported too.
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

REPORT='ERROR: (Address|Leak|libFuzzer)|runtime error:|invariant failed'
failed=()
for name in "${HARNESSES[@]}"; do
	dir=$CORPUS/$name
	[ -d "$dir" ] || fail "$dir: missing corpus"
	n=$(find "$dir" -maxdepth 1 -type f | wc -l)
	[ "$n" -gt 0 ] || fail "$dir: empty corpus"
	step "fuzz_$name: $n inputs"
	log=$T/$name.log
	rc=0
	if [ $mode = libfuzzer ]; then
		# -runs=0: run each corpus input once, mutate nothing.  The
		# first directory receives anything libFuzzer writes, so the
		# committed corpus stays untouched.
		mkdir -p "$T/scratch-$name" "$T/artifacts-$name"
		"$B/fuzz_$name" -runs=0 -timeout=10 \
			-artifact_prefix="$T/artifacts-$name/" \
			"$T/scratch-$name" "$dir" >"$log" 2>&1 || rc=$?
	else
		"$B/fuzz_$name" "$dir" >"$log" 2>&1 || rc=$?
	fi
	# A report without a failing status still counts.
	if [ $rc -ne 0 ] || grep -qE "$REPORT" "$log"; then
		echo "fuzz_$name: exit status $rc"
		tail -n 40 "$log"
		failed+=("$name")
	else
		tail -n 1 "$log"
	fi
done

[ ${#failed[@]} -eq 0 ] || fail "crashes in: ${failed[*]}"
echo "all corpora replayed ($mode)"
