#!/bin/bash
# Names starting with "-" are names, not options: inside the tree, and as
# SRC and DEST arguments after "--".
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree" "$SRC/-dir"
for n in -rf --help -v --version - --; do
	echo "inside $n" >"$SRC/tree/$n"
done
echo inside >"$SRC/-dir/file"
echo inside-top >"$SRC/--to=x"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_same_tree "$SRC/tree" "$DST/out"
run_copy --from="$SRC" --to="$DST" -- -dir --to=x -out/
expect_success
expect_file "$DST/-out/file" inside
expect_file "$DST/-out/--to=x" inside-top
finish
