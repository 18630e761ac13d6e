#!/bin/bash
# Builds the Go peers offline, both from gocopy.go: bench/peers/buildkit-copy
# with gocopy_fsutil.go from Debian's Go sources (golang-go plus
# golang-github-tonistiigi-fsutil-dev and its dependencies, all under
# /usr/share/gocode, in GOPATH mode), and bench/peers/stagecp-go with
# gocopy_stagecp.go from kmod-free/go/stagecp, cgo against the library of
# this tree.  Exits 1 with the reason when something is
# missing; bench/run.sh then skips the peer.
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
top=$(cd "$here/../.." && pwd)
cache=$top/build/bench-gocache

# stagecp-go: a module that replaces "stagecp" with the package of this
# tree; the go cache makes a rebuild with nothing changed cheap.
build_stagecp_go() {
	local mod=$top/build/bench-stagecp-go
	"$top/scripts/stagecp-pc.sh" "$mod/pkgconfig" || return 1
	mkdir -p "$mod"
	rm -f "$mod"/*.go
	cp "$here/gocopy.go" "$here/gocopy_stagecp.go" "$mod/"
	printf 'module stagecp-go\n\ngo 1.19\n\nrequire stagecp v0.0.0\n\nreplace stagecp => %s\n' \
		"$top/kmod-free/go/stagecp" >"$mod/go.mod"
	(cd "$mod" && env PKG_CONFIG_PATH="$mod/pkgconfig" CGO_ENABLED=1 \
		GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOPATH="$mod/gopath" \
		GOCACHE="$cache" go build -o "$here/stagecp-go" .) || return 1
	echo "peers/build.sh: built $here/stagecp-go"
}
build_stagecp_go || echo "peers/build.sh: stagecp-go not built" >&2

if [ -x "$out" ] && [ "$out" -nt "$here/gocopy.go" ] &&
	[ "$out" -nt "$here/gocopy_fsutil.go" ]; then
	exit 0
fi

# GOPATH mode resolves every import under /usr/share/gocode; GOPROXY=off
# and GOFLAGS= make sure nothing reaches for the network or a go.mod.  The
# build cache goes to build/ (ignored by git, removed by make clean), not
# to root's $HOME.
cd "$here"
env GOPATH="$gopath" GO111MODULE=off GOFLAGS= GOPROXY=off \
	GOCACHE="$cache" CGO_ENABLED=0 \
	go build -o "$out" gocopy.go gocopy_fsutil.go
echo "peers/build.sh: built $out"
