#!/bin/bash
# The manual pages: stagecp(1) and stagecp-copy(7) render without a single
# groff or man warning, every "stagecp-copy(7) §N" that the tree cites
# (and every section the page cites itself) exists in the page, and no
# file of the project points outside it to the shared reference documents
# the page replaces.
source "$(dirname "$0")/../lib.sh"

require_cmd groff
PAGES=("$TOP/tool/stagecp.1" "$TOP/tool/stagecp-copy.7")

step "groff -man -ww"
for page in "${PAGES[@]}"; do
	for dev in ps utf8 ascii; do
		warn=$(groff -man -ww -z -T"$dev" "$page" 2>&1)
		[ -z "$warn" ] ||
			fail "${page#"$TOP"/}: groff -T$dev warnings:"$'\n'"$warn"
	done
done

step "man -l at 80 columns, UTF-8 and C locale"
if command -v man >/dev/null; then
	for page in "${PAGES[@]}"; do
		for enc in "-E UTF-8" ""; do
			# shellcheck disable=SC2086
			MANWIDTH=80 LC_ALL=C man --warnings $enc -P cat -l "$page" \
				>"$T/page.txt" 2>"$T/man.err" ||
				fail "${page#"$TOP"/}: man -l failed"
			[ ! -s "$T/man.err" ] || {
				cat "$T/man.err"
				fail "${page#"$TOP"/}: man ${enc:-(C)} printed warnings"
			}
			grep -q '^NAME' "$T/page.txt" ||
				fail "${page#"$TOP"/}: no NAME section in man's output"
		done
	done
else
	echo "man not installed: only groff checked"
fi

step "stagecp(1) points to stagecp-copy(7)"
sed -n '/^\.SH "SEE ALSO"/,/^\.SH/p' "$TOP/tool/stagecp.1" |
	grep -q '^\.BR stagecp\\-copy (7)' ||
	fail "tool/stagecp.1: SEE ALSO does not name stagecp-copy(7)"

# The files of the project: what git tracks, and new files not ignored;
# outside a git checkout, everything but build outputs.
list_files() {
	if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$TOP" ls-files -z --cached --others --exclude-standard
	else
		(cd "$TOP" && find . \( -name .git -o -name build \) -prune -o \
			-type f -print0)
	fi
}

step "the sections the tree cites exist"
# "1.4", "6.2", "9" ... from the page's numbered headings.
sed -n 's/^\.S[HS] "\([0-9][0-9.]*\) .*/\1/p' "$TOP/tool/stagecp-copy.7" |
	sed 's/\.$//' | sort -u >"$T/sections"
[ "$(wc -l <"$T/sections")" -ge 20 ] ||
	fail "tool/stagecp-copy.7: only $(wc -l <"$T/sections") numbered sections found"
# Citations elsewhere read "stagecp-copy(7) §2.4" or "§6.2-6.4"; the page
# writes \(sc2.4.
(cd "$TOP" && list_files | xargs -0 grep -hoE \
	'stagecp-copy\(7\)[[:space:]]+§[0-9.]+(-§?[0-9.]+)?' 2>/dev/null || true) |
	sed 's/.*§//' >"$T/cited"
grep -o '\\(sc[0-9][0-9.]*' "$TOP/tool/stagecp-copy.7" |
	sed 's/\\(sc//' >>"$T/cited"
[ -s "$T/cited" ] || fail "no citation of stagecp-copy(7) found"
bad=
while read -r c; do
	for n in ${c//-/ }; do
		n=${n#§}
		n=${n%.}
		grep -qx -- "$n" "$T/sections" || bad="$bad $n"
	done
done <"$T/cited"
[ -z "$bad" ] || fail "cited sections that stagecp-copy(7) lacks:$bad"

step "no file points to the shared documents"
# The patterns are spelt so that this file does not match them itself.
pat='\.\./shared|shared/doc[s]|copy-semantics\.md|safety\.md'
hits=$(cd "$TOP" && list_files | xargs -0 grep -nE "$pat" 2>/dev/null || true)
[ -z "$hits" ] || fail "these refer to the shared documents instead of" \
	"stagecp-copy(7):"$'\n'"$hits"

echo "PASS"
