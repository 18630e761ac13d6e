#!/bin/bash
# scripts/buildah-build.sh, the README's worked buildah build, runs and
# checks its own image; afterwards none of its containers, mounts, loop
# devices or temporary directories are left.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd buildah
require_stagecp

# Mounts and loop devices of the example's own temporary directories.
leftovers() {
	local m l
	m=$(grep -c '/stagecp-buildah\.' /proc/self/mountinfo || true)
	l=$(losetup -a | grep -c '/stagecp-buildah\.' || true)
	echo $((m + l))
}
before=$(leftovers)
rc=0
STAGECP=$STAGECP "$TOP/scripts/buildah-build.sh" || rc=$?
case $rc in
0) ;;
77) skip "the example cannot run here" ;;
*) fail "scripts/buildah-build.sh exited $rc" ;;
esac
[ "$(leftovers)" -eq "$before" ] || fail "the example left mounts or loop devices"
