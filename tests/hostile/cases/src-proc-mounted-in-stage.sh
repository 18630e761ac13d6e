#!/bin/bash
# The source stage has procfs mounted at /proc, as a running container
# would.  Copying the whole stage must not enter it (rule 13: never read
# procfs): no /proc/self/environ (it holds the marker), no endless files,
# bounded time.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/proc" "$SRC/etc"
echo inside >"$SRC/etc/file"
mount -t proc proc "$SRC/proc"
_mounts+=("$SRC/proc")
snap_before

run_copy --from="$SRC" --to="$DST" / /out/
expect_rc 0 1
[ "$RC" = 0 ] || expect_msg "^stagecp: [^:]*proc: .+: .+"
expect_file "$DST/out/etc/file" inside
if [ -d "$DST/out/proc" ] && [ -n "$(ls -A "$DST/out/proc")" ]; then
	problem "out/proc: procfs entries were copied: $(ls -A "$DST/out/proc" | head -n 5 | tr '\n' ' ')"
fi
finish
