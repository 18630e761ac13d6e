#!/bin/bash
# SRC is written with ".." to climb out of the source root: ".." stops at
# the root, so /../outside/secret is the stage's /outside/secret (missing).
. "$(dirname "$0")/../case.sh"
host_setup
snap_before

run_copy --from="$SRC" --to="$DST" /../outside/secret ../../outside/sub /out/
expect_rc 1
expect_errors "^stagecp: [^:]*outside/secret: .+: .*(no such file or directory|not found in the source root .*)$" \
	"^stagecp: [^:]*outside/sub: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
