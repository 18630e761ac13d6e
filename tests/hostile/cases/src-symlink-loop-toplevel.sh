#!/bin/bash
# SRC is one of two symlinks naming each other: resolution gives up with
# ELOOP in bounded time; nothing is copied.
. "$(dirname "$0")/../case.sh"
host_setup
ln -s loop-b "$SRC/loop-a"
ln -s loop-a "$SRC/loop-b"
snap_before

run_copy --from="$SRC" --to="$DST" /loop-a /out/
expect_rc 1
expect_errors "^stagecp: [^:]*loop-a: .+: too many levels of symbolic links$"
expect_absent "$DST/out/loop-a"
finish
