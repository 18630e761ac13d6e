#!/bin/bash
# --workdir names a symlink that, followed on the host, leads to the
# sentinel directory: the workdir resolves inside the destination root
# like DEST does.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
echo inside >"$SRC/tree/file"
ln -s ../outside "$DST/wd"
ln -s "$HOST/outside" "$DST/wd2"
snap_before

run_copy --from="$SRC" --to="$DST" --workdir=/wd /tree rel/
expect_success
expect_file "$DST/outside/rel/file" inside
run_copy --from="$SRC" --to="$DST" --workdir=/wd2 /tree rel2/
expect_success
expect_file "$DST$HOST/outside/rel2/file" inside
finish
