#!/bin/sh
# Writes DIR/stagecp.pc for cgo builds against the library of this tree
# (kmod-free/libstagecp.a, linked statically): the Go package's tests and
# the benchmark's Go peer set PKG_CONFIG_PATH=DIR.
# Usage: scripts/stagecp-pc.sh DIR
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: scripts/stagecp-pc.sh DIR}
lib=$top/kmod-free/libstagecp.a
if [ ! -f "$lib" ]; then
	echo "stagecp-pc.sh: $lib not built (run make)" >&2
	exit 1
fi
# Go's cache knows flags, not the files they name: a digest of the library
# and its header among the flags makes a rebuilt library count.
libs="-luring -lcap -larchive -pthread"
# The define changes whenever the library, its header or its link line
# does, so Go's build cache never keeps a package built for another one.
build=$( (cat "$lib" "$top/kmod-free/include/stagecp.h"; echo "$libs") |
	sha256sum | cut -c1-16)
mkdir -p "$dir"
cat >"$dir/stagecp.pc" <<PC
Name: stagecp
Description: the library built in $top
Version: 0
Libs: $lib $libs
Cflags: -I$top/kmod-free/include -DSTAGECP_BUILD_$build
PC
