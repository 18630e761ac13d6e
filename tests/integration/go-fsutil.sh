#!/bin/bash
# BuildKit's own copier tests as the oracle for the Go package: fsutil's
# copy_test.go, as Debian ships it in /usr/share/gocode, runs unchanged
# against tests/go/fsutil-adapter, which presents fsutil's copy API on
# kmod-free/go/stagecp.  Both are put together in a temporary GOPATH at test
# time (fsutil's file is never part of the tree); the test's own imports
# (continuity's fstest, testify, pkg/errors) come from /usr/share/gocode.
#
# SKIP_TESTS names tests that meet a documented stagecp decision instead
# (README, "From Go"): they are skipped by name, each with its reason.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

GOCODE=/usr/share/gocode
FSUTIL=$GOCODE/src/github.com/tonistiigi/fsutil/copy

require_go_stagecp
[ -f "$FSUTIL/copy_test.go" ] ||
	skip "$FSUTIL/copy_test.go missing (golang-github-tonistiigi-fsutil-dev)"

# name|reason, one per skipped test.
SKIP_TESTS=()

gp=$T/gopath
pkg=$gp/src/github.com/tonistiigi/fsutil/copy
mkdir -p "$pkg" "$gp/src"
cp -r "$TOP/kmod-free/go/stagecp" "$gp/src/stagecp"
cp "$TOP/tests/go/fsutil-adapter/copy.go" "$pkg/"
cp "$FSUTIL/copy_test.go" "$pkg/"
cmp -s "$FSUTIL/copy_test.go" "$pkg/copy_test.go" || fail "copy differs"

run_re=.
skip_re=
for s in "${SKIP_TESTS[@]}"; do
	echo "skipping ${s%%|*}: ${s#*|}"
	skip_re+="${skip_re:+|}${s%%|*}"
done
# go 1.19 has no -skip: run every test whose name is not skipped.
tests=$(cd "$pkg" && sed -n 's/^func \(Test[A-Za-z0-9_]*\)(t \*testing\.T).*/\1/p' \
	copy_test.go | { [ -z "$skip_re" ] && cat || grep -vxE "$skip_re"; } |
	paste -sd'|' -)
[ -n "$tests" ] || fail "no test found in $FSUTIL/copy_test.go"
run_re="^($tests)\$"

step "fsutil's copy tests against stagecp"
cd "$pkg"
rc=0
GO111MODULE=off GOPATH=$gp:$GOCODE GOFLAGS= \
	go test -count=1 -v -run "$run_re" . >"$T/log" 2>&1 || rc=$?
cat "$T/log"
[ "$rc" -eq 0 ] || fail "fsutil's copy tests failed against stagecp"
n=$(grep -c '^--- PASS' "$T/log" || true)
echo "$n fsutil tests passed, ${#SKIP_TESTS[@]} skipped by name"
