#!/bin/bash
# Without --from the source root is the cwd (a build context): a SRC of
# ../outside/secret, or a symlink to ../outside, must not leave it.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s ../outside "$SRC/esc"
snap_before

cd "$SRC" || exit 1
run_copy ../outside/secret esc/secret "$DST/out/"
expect_rc 1
expect_errors "^stagecp: [^:]*outside/secret: .+: .*(no such file or directory|not found in the source root .*)$" \
	"^stagecp: [^:]*esc/secret: .+: .*(no such file or directory|not found in the source root .*)$"
expect_absent "$DST/out/secret"
finish
