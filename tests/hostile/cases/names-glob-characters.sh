#!/bin/bash
# Names made of glob and shell characters (* ? [ab] {a,b} \ ~ $ ` ;) are
# copied as they are: nothing expanded, nothing extra, nothing missing.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree/[sub]"
# shellcheck disable=SC1003,SC2016
for n in '*' '?' '[ab]' a b '{a,b}' '\' '~' '$HOME' '`id`' '$(id)' \
	'a;b' '!' '#' "'" '"' '**' '[!a]' '[[:alpha:]]'; do
	printf 'inside %s\n' "$n" >"$SRC/tree/$n"
done
echo inside >"$SRC/tree/[sub]/*"
ln -s '*' "$SRC/tree/star-link"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
expect_same_tree "$SRC/tree" "$DST/out"
finish
