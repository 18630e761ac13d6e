#!/bin/bash
# Builds bench/peers/buildkit-copy offline from Debian's Go sources:
# golang-go plus golang-github-tonistiigi-fsutil-dev (and its dependencies),
# all under /usr/share/gocode, in GOPATH mode.  Exits 1 with the reason
# when something is missing; bench/run.sh then skips the peer.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
gopath=/usr/share/gocode
out=$here/buildkit-copy

if ! command -v go >/dev/null 2>&1; then
	echo "peers/build.sh: go not installed (Debian package golang-go)" >&2
	exit 1
fi
fsutil=$gopath/src/github.com/tonistiigi/fsutil/copy
if [ ! -d "$fsutil" ]; then
	echo "peers/build.sh: $fsutil missing" \
		"(Debian package golang-github-tonistiigi-fsutil-dev)" >&2
	exit 1
fi
if [ -x "$out" ] && [ "$out" -nt "$here/buildkit-copy.go" ]; then
	exit 0
fi

# GOPATH mode resolves every import under /usr/share/gocode; GOPROXY=off
# and GOFLAGS= make sure nothing reaches for the network or a go.mod.  The
# build cache goes to build/ (ignored by git, removed by make clean), not
# to root's $HOME.
cd "$here"
env GOPATH="$gopath" GO111MODULE=off GOFLAGS= GOPROXY=off \
	GOCACHE="$here/../../build/bench-gocache" CGO_ENABLED=0 \
	go build -o "$out" buildkit-copy.go
echo "peers/build.sh: built $out"
