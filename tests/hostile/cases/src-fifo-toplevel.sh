#!/bin/bash
# SRC itself is a FIFO, reached through a symlink too: copied as a FIFO,
# no hang.
. "$(dirname "$0")/../case.sh"
host_setup
mkfifo -m 0600 "$SRC/pipe"
ln -s /pipe "$SRC/pipe-link"
snap_before

run_copy --from="$SRC" --to="$DST" /pipe /pipe-link /out/
expect_success
expect_type "$DST/out/pipe" fifo
expect_type "$DST/out/pipe-link" fifo
finish
