#!/bin/bash
# Inside a copied directory every symlink is copied as a symlink with its
# text byte for byte (rule 9): to /, ../../.., /etc/shadow,
# /proc/self/root, /proc/self/fd/7 (fd 7 open on a sentinel), host paths,
# relative escapes, dangling and looping links.  None is followed.
. "$(dirname "$0")/../case.sh"
host_setup
t=$SRC/tree
mkdir -p "$t/nested/deeper"
echo inside >"$t/plain"
declare -A links=(
	[to-slash]=/
	[dotdot]=../../..
	[shadow]=/etc/shadow
	[proc-root]=/proc/self/root
	[proc-fd]=/proc/self/fd/7
	[proc-cwd]=/proc/self/cwd
	[host-path]=$HOST/outside/secret
	[host-dir]=$HOST/outside
	[rel-escape]=../../outside/secret
	[dangling]=does/not/exist
	[loop-a]=loop-b
	[loop-b]=loop-a
	[self]=self
	[nested/deeper/up]=../../../../../../..
	[nested/etc]=/etc
)
for l in "${!links[@]}"; do
	ln -s "${links[$l]}" "$t/$l"
done
snap_before

exec 7<"$HOST/outside/secret"
run_copy --from="$SRC" --to="$DST" /tree /out/
exec 7<&-
expect_success
for l in "${!links[@]}"; do
	expect_symlink "$DST/out/$l" "${links[$l]}"
done
expect_file "$DST/out/plain" inside
expect_same_tree "$t" "$DST/out"
finish
