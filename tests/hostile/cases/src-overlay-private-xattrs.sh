#!/bin/bash
# A source from an overlay upperdir carries overlayfs-private xattrs
# (trusted.overlay.opaque, .redirect, .origin, .metacopy and their user.*
# twins): never copied, since they would change a destination overlay's
# merged view (rule 14).  Ordinary user.* xattrs are copied.
. "$(dirname "$0")/../case.sh"
require_cmd setfattr getfattr
host_setup
mkdir -p "$SRC/tree/opaque-dir"
echo inside >"$SRC/tree/opaque-dir/file"
echo inside >"$SRC/tree/meta-file"
setfattr -n trusted.overlay.opaque -v y "$SRC/tree/opaque-dir"
setfattr -n trusted.overlay.redirect -v /elsewhere "$SRC/tree/opaque-dir"
setfattr -n user.overlay.opaque -v y "$SRC/tree/opaque-dir"
setfattr -n user.keep -v kept "$SRC/tree/opaque-dir"
setfattr -n trusted.overlay.metacopy -v "" "$SRC/tree/meta-file"
setfattr -n trusted.overlay.origin -v 0x00fb "$SRC/tree/meta-file"
setfattr -n user.overlay.redirect -v /x "$SRC/tree/meta-file"
setfattr -n user.keep -v kept "$SRC/tree/meta-file"
snap_before

run_copy --from="$SRC" --to="$DST" /tree /out/
expect_success
for f in opaque-dir meta-file; do
	x=$(getfattr -h -d -m - --absolute-names "$DST/out/$f" 2>/dev/null |
		grep -E '^(trusted|user)\.overlay\.' | tr '\n' ' ') || true
	[ -z "$x" ] || problem "out/$f: overlay xattrs copied: $x"
	getfattr -h -n user.keep --only-values "$DST/out/$f" 2>/dev/null |
		grep -qx kept || problem "out/$f: user.keep not copied"
done
finish
