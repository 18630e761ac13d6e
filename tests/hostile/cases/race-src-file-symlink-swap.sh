#!/bin/bash
# A source file is swapped with a symlink to a sentinel file between the
# walk's stat and its open: the open (O_NOFOLLOW, then fstat against the
# walk's dev/ino, rule 3) must never read through the symlink.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
make_files "$SRC/tree" 100
head -c 262144 /dev/zero | tr '\0' i >"$SRC/tree/data"
ln -s "$HOST/outside/secret" "$SRC/tree/data-alt"
snap_before --volatile "$SRC/tree" --volatile "$SRC/tree/data" \
	--volatile "$SRC/tree/data-alt"

one_copy() {
	run_copy --from="$SRC" --to="$DST" /tree "/run$1/"
	expect_rc 0 1
	local n
	for n in data data-alt; do
		if [ -L "$DST/run$1/$n" ]; then
			expect_symlink "$DST/run$1/$n" "$HOST/outside/secret"
		fi
	done
}
racer "$SRC/tree" data data-alt
race_loop 6 30 one_copy
stop_racing
finish
