#!/bin/bash
# The Go package kmod-free/go/stagecp: gofmt and go vet are clean, and its
# own go test table tests pass (every option, cancellation, errors, stats),
# built with cgo against the library of this tree.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_go_stagecp
cd "$TOP/kmod-free/go/stagecp"

step "gofmt"
unformatted=$(gofmt -l . "$TOP/tests/go")
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

step "go vet"
go vet ./... || fail "go vet"

step "go test"
go test -count=1 -v ./... || fail "go test"
