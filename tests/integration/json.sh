#!/bin/bash
# --json: one JSON object on stdout when the copy ends, read back with a
# real parser (python3's json, and jq when it is installed): the version,
# the resolved options, counts per entry type, bytes per mover, files and
# bytes per mover, the workers' time per phase, the mover per filesystem
# pair, time and rate, and every error with its path, op,
# errno name and message.  Paths that are not valid UTF-8 must come back
# byte for byte (\udcXX escapes, Python's surrogateescape).  exec --json
# prints one object per instruction (JSON Lines).  Devices in the tree
# need root; without it the tree has none.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

require_cmd python3
require_stagecp
umask 022

have_jq=false
command -v jq >/dev/null 2>&1 && have_jq=true
is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

# check_json WHAT [KEY=VALUE...]: $T/out holds exactly one JSON object
# that passes the checks of $T/check.py; KEY=VALUE pairs tell the
# checker what to expect.
check_json() {
	local what=$1
	shift
	if $have_jq; then
		[ "$(jq -s length <"$T/out")" = 1 ] ||
			fail "$what: jq does not read exactly one value"
		jq -e 'type == "object"' <"$T/out" >/dev/null ||
			fail "$what: jq: not an object"
	fi
	python3 "$T/check.py" "$T/out" "$@" || {
		echo "stdout:"
		cat "$T/out"
		fail "$what: JSON checks failed"
	}
}

# The checker: generic shape checks for every object, then the
# expectations given on the command line.  Paths are compared as bytes:
# os.fsencode() undoes the surrogate escapes.
cat >"$T/check.py" <<'EOF'
import json, os, re, sys

path, args = sys.argv[1], sys.argv[2:]
want = dict(a.split("=", 1) for a in args)
with open(path, "rb") as f:
    text = f.read().decode("utf-8")
problems = []


def bad(msg):
    problems.append(msg)


# json.loads takes one value and refuses anything after it.
try:
    objs = [json.loads(text)]
except ValueError as e:
    print(f"not one JSON value: {e}")
    sys.exit(1)
for o in objs:
    if not isinstance(o, dict):
        print("not an object")
        sys.exit(1)
o = objs[0]

# Lists come joined with the record separator: names hold newlines.
SEP = "\x1e"


def isnum(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

if o.get("version") != want.pop("version"):
    bad(f"version {o.get('version')!r}")
opts = o.get("options")
if not isinstance(opts, dict):
    bad("no options object")
    opts = {}
for k in ("from", "to", "sources", "dest", "chown", "chmod", "exclude",
          "parents", "link", "strategy"):
    if k not in opts:
        bad(f"options.{k} missing")
types = ("file", "dir", "symlink", "hardlink", "fifo", "chr", "blk", "sock")
entries = o.get("entries", {})
for t in types:
    if not (isinstance(entries.get(t), int) and entries[t] >= 0):
        bad(f"entries.{t} is {entries.get(t)!r}")
b = o.get("bytes", {})
movers = ("logical", "cloned", "copied_in_kernel", "copied_userspace",
          "hardlinked")
for k in movers:
    if not (isinstance(b.get(k), int) and b[k] >= 0):
        bad(f"bytes.{k} is {b.get(k)!r}")
methods = o.get("methods")
if not isinstance(methods, list):
    bad("methods is not a list")
    methods = []
for m in methods:
    for k in ("source_dev", "dest_dev"):
        if not re.fullmatch(r"[0-9]+:[0-9]+", str(m.get(k))):
            bad(f"methods: {k} {m.get(k)!r} is not MAJOR:MINOR")
    if m.get("method") not in ("clone", "copy_file_range", "read/write",
                               "hardlink"):
        bad(f"methods: unknown method {m.get('method')!r}")
# Files and bytes per mover: the bytes are the same figures as above.
mv = o.get("movers")
if not isinstance(mv, dict):
    bad("movers is not an object")
    mv = {}
for name, field in (("clone", "cloned"),
                    ("copy_file_range", "copied_in_kernel"),
                    ("read/write", "copied_userspace"),
                    ("hardlink", "hardlinked")):
    m = mv.get(name)
    if not isinstance(m, dict) or not all(
            isinstance(m.get(k), int) and m[k] >= 0
            for k in ("files", "bytes")):
        bad(f"movers.{name} is {m!r}")
    elif m["bytes"] != b.get(field):
        bad(f"movers.{name}.bytes {m['bytes']} is not bytes.{field} "
            f"{b.get(field)}")
# Regular files reach the destination by at most one mover each (empty
# files by none).
nf = sum(mv[k]["files"] for k in ("clone", "copy_file_range", "read/write")
         if isinstance(mv.get(k), dict) and
         isinstance(mv[k].get("files"), int))
if isinstance(o.get("entries", {}).get("file"), int) and \
        nf > o["entries"]["file"]:
    bad(f"{nf} files by mover, more than entries.file")
ph = o.get("phases_s")
if not isinstance(ph, dict) or list(ph) != ["walk", "create", "data",
                                            "metadata", "wait"]:
    bad(f"phases_s is {ph!r}")
else:
    for k, v in ph.items():
        if not (isnum(v) and v >= 0):
            bad(f"phases_s.{k} is {v!r}")
el, rate = o.get("elapsed_s"), o.get("entries_per_s")
if not (isnum(el) and el >= 0):
    bad(f"elapsed_s is {el!r}")
if not (isnum(rate) and rate >= 0):
    bad(f"entries_per_s is {rate!r}")
total = sum(entries.get(t, 0) for t in types if isinstance(entries.get(t), int))
# Arithmetic, not timing: the rate is the count over the time printed
# (rounded to microseconds, hence the slack).
if isnum(el) and isnum(rate) and el >= 0.001 and total:
    if abs(rate - total / el) > 0.01 * (total / el) + 1:
        bad(f"entries_per_s {rate} is not {total} / {el}")
errors = o.get("errors")
if not isinstance(errors, list):
    bad("errors is not a list")
    errors = []
for e in errors:
    if not isinstance(e, dict):
        bad(f"error {e!r} is not an object")
        continue
    for k in ("path", "op", "message"):
        if not (isinstance(e.get(k), str) and e[k]):
            bad(f"error {e!r}: {k} is not a non-empty string")
    if "errno" not in e:
        bad(f"error at {e.get('path')!r}: no errno member")
if not isinstance(o.get("warnings", 0), int):
    bad("warnings is not a count")

# Expectations from the test.
def fs(s):
    return os.fsencode(s)

for k, v in want.items():
    if k.startswith("opt."):
        key = k[4:]
        got = opts.get(key)
        if key in ("sources", "exclude"):
            exp = [os.fsencode(x) for x in v.split(SEP)] if v else []
            got = [fs(x) for x in got] if isinstance(got, list) else got
        elif key in ("parents", "link"):
            exp = v == "true"
        elif v == "null":
            exp = None
        else:
            exp, got = os.fsencode(v), fs(got) if isinstance(got, str) else got
        if got != exp:
            bad(f"options.{key} is {got!r}, want {exp!r}")
    elif k.startswith("entries."):
        if entries.get(k[8:]) != int(v):
            bad(f"{k} is {entries.get(k[8:])!r}, want {v}")
    elif k.startswith("bytes."):
        if b.get(k[6:]) != int(v):
            bad(f"{k} is {b.get(k[6:])!r}, want {v}")
    elif k == "movers_sum":
        # Every logical byte was moved by exactly one mover.
        s = b["cloned"] + b["copied_in_kernel"] + b["copied_userspace"]
        if s != int(v):
            bad(f"cloned + copied_in_kernel + copied_userspace = {s}, "
                f"want {v}")
    elif k == "only_method":
        if not methods or any(m.get("method") != v for m in methods):
            bad(f"methods {methods!r}, want all {v!r}")
    elif k == "pair":
        # The one pair is the source's and destination's filesystem,
        # and the bytes field of its mover holds every logical byte.
        sdev, ddev = (os.stat(p).st_dev for p in v.split(SEP))
        name = lambda d: f"{os.major(d)}:{os.minor(d)}"
        if len(methods) != 1:
            bad(f"methods {methods!r}: want one pair")
        else:
            m = methods[0]
            if (m.get("source_dev"), m.get("dest_dev")) != (name(sdev),
                                                          name(ddev)):
                bad(f"methods pair {m!r}, want {name(sdev)} -> "
                    f"{name(ddev)}")
            field = {"clone": "cloned", "copy_file_range":
                     "copied_in_kernel", "read/write":
                     "copied_userspace"}.get(m.get("method"))
            if field and b.get(field) != b.get("logical"):
                bad(f"method {m.get('method')} but bytes.{field} is "
                    f"{b.get(field)}, logical {b.get('logical')}")
    elif k == "nerrors":
        if len(errors) != int(v):
            bad(f"{len(errors)} errors, want {v}")
    elif k == "error_paths":
        # The set of paths, as bytes, exactly.
        got = sorted(fs(e.get("path", "")) for e in errors)
        exp = sorted(fs(x) for x in v.split(SEP))
        if got != exp:
            bad(f"error paths {got!r}, want {exp!r}")
    elif k == "errno_names":
        for e in errors:
            if not (isinstance(e.get("errno"), str) and
                    re.fullmatch(r"E[A-Z0-9]+", e["errno"])):
                bad(f"error at {e.get('path')!r}: errno {e.get('errno')!r} "
                    "is not an errno name like \"ENOENT\"")
    elif k == "error_errno":
        for e in errors:
            if e.get("errno") != v:
                bad(f"error at {e.get('path')!r}: errno {e.get('errno')!r},"
                    f" want {v}")
    elif k == "error_op":
        for e in errors:
            if e.get("op") != v:
                bad(f"error at {e.get('path')!r}: op {e.get('op')!r}, "
                    f"want {v!r}")
    else:
        bad(f"checker: unknown expectation {k}")
for p in problems:
    print("json:", p)
sys.exit(1 if problems else 0)
EOF

# Lists given to the checker are joined with it: names hold newlines.
RS=$'\x1e'
version=$("$STAGECP" --version)
version=${version#stagecp }

src=$T/src
dst=$T/dst
mkdir -p "$src/tree/sub/deeper" "$src/tree/empty" "$dst"
: >"$src/tree/f1"
printf x >"$src/tree/f2"
head -c 100000 /dev/urandom >"$src/tree/f3"
head -c 4097 /dev/urandom >"$src/tree/sub/f4"
echo "deeper file" >"$src/tree/sub/deeper/f5"
ln -s f1 "$src/tree/l1"
ln -s ../f3 "$src/tree/sub/l2"
ln "$src/tree/f3" "$src/tree/sub/hl"
ln "$src/tree/sub/f4" "$src/tree/hl2"
mkfifo "$src/tree/fifo"
python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$src/tree/sock"
nchr=0
nblk=0
if $is_root; then
	mknod "$src/tree/null-like" c 1 3
	mknod "$src/tree/loop200" b 7 200
	nchr=1
	nblk=1
fi
# Files f1 f2 f3 f4 f5; two more names for f3 and f4.
logical=$((0 + 1 + 100000 + 4097 + 12))
linked=$((100000 + 4097))

step "a copy with default options"
run --json --from="$src" --to="$dst" /tree /out/
expect_rc 0 "--json copy"
[ ! -s "$T/err" ] || fail "--json copy: stderr not empty: $(cat "$T/err")"
check_json "--json copy" version="$version" \
	opt.from="$src" opt.to="$dst" opt.sources=/tree opt.dest=/out/ \
	opt.chown=null opt.chmod=null opt.exclude= opt.parents=false \
	opt.link=false opt.strategy=auto \
	entries.file=5 entries.dir=3 entries.symlink=2 entries.hardlink=2 \
	entries.fifo=1 entries.sock=1 entries.chr=$nchr entries.blk=$nblk \
	bytes.logical=$logical movers_sum=$logical bytes.hardlinked=$linked \
	pair="$src$RS$dst" nerrors=0
if $have_jq; then
	[ "$(jq -r '.entries.file' <"$T/out")" = 5 ] ||
		fail "jq: .entries.file is not 5"
	[ "$(jq -r '.options.strategy' <"$T/out")" = auto ] ||
		fail "jq: .options.strategy is not auto"
fi
treecmp "$src/tree" "$dst/out" --ignore-top

step "every option shows in .options"
if $is_root; then
	owner=1234:5678
else
	owner=$(id -u):$(id -g)
fi
run --json --from="$src" --to="$dst" --workdir=/wd --chown="$owner" \
	--chmod=go-w --exclude='*.tmp' --exclude=deeper --parents --link \
	--strategy=rw /tree/./f3 /tree/./sub /opts/
expect_rc 0 "--json with every option"
check_json "--json with every option" version="$version" \
	opt.from="$src" opt.to="$dst" opt.workdir=/wd \
	opt.sources=/tree/./f3$RS/tree/./sub opt.dest=/opts/ \
	opt.chown="$owner" opt.chmod=go-w opt.exclude="*.tmp${RS}deeper" \
	opt.parents=true opt.link=true opt.strategy=rw \
	bytes.cloned=0 bytes.copied_in_kernel=0 only_method=read/write \
	nerrors=0
python3 - "$T/out" <<'EOF' || fail "--strategy=rw: not every byte went through userspace"
import json, sys
b = json.load(open(sys.argv[1]))["bytes"]
sys.exit(not (b["logical"] > 0 and b["copied_userspace"] == b["logical"]))
EOF

step "a missing source"
run --json --from="$src" --to="$dst" /no-such-source /missing/
expect_rc 1 "missing source"
check_json "missing source" version="$version" nerrors=1 \
	error_paths=/no-such-source
[ ! -e "$dst/missing" ] || fail "missing source: /missing was created"
cp "$T/out" "$T/out.missing"

step "a directory in the way of a file fails that entry"
mkdir -p "$dst/clash/f3/occupied"
run --json --from="$src" --to="$dst" /tree /clash/
expect_rc 1 "directory in the way"
cat "$T/err"
grep -q 'cannot replace to directory' "$T/err" ||
	fail "directory in the way: stderr does not say so"
check_json "directory in the way" version="$version" nerrors=1 \
	error_paths=/clash/f3 error_op=create entries.file=5 entries.hardlink=1
# f3's other name, sub/hl, now carries the data: still five files.
[ -f "$dst/clash/f2" ] || fail "directory in the way: the rest was not copied"
cmp -s "$src/tree/f3" "$dst/clash/sub/hl" ||
	fail "directory in the way: sub/hl, f3's other name, was not copied"
[ -d "$dst/clash/f3/occupied" ] ||
	fail "directory in the way: the directory was touched"
cp "$T/out" "$T/out.clash"

step "paths that are not UTF-8 round-trip byte for byte"
# Every kind of byte string a JSON writer can get wrong: invalid UTF-8
# (a bad pair, a lone continuation byte, an overlong form, an encoded
# surrogate, a code point past U+10FFFF, a truncated sequence), valid
# multibyte text, and characters JSON must escape.
names=(
	$'bad\xff\xfename'
	$'lone\x80cont'
	$'overlong\xc0\xaf'
	$'surrogate\xed\xa0\x80'
	$'big\xf5\x80\x80\x80'
	$'cut\xe2\x82A'
	$'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'
	$'tab\there'
	$'new\nline'
	'quote"back\slash'
	$'ctl\x01\x1f\x7f'
	'\udcff literal'
)
mkdir -p "$src/weird" "$dst/weird-out"
want_paths=
for n in "${names[@]}"; do
	echo "$n" >"$src/weird/$n"
	# The same name as a directory in the destination: one error each.
	mkdir -p "$dst/weird-out/$n/occupied"
	want_paths+=${want_paths:+$RS}/weird-out/$n
done
run --json --from="$src" --to="$dst" /weird/ /weird-out/
expect_rc 1 "weird names"
check_json "weird names" version="$version" nerrors=${#names[@]} \
	error_paths="$want_paths" error_op=create
if $have_jq; then
	[ "$(jq '.errors | length' <"$T/out")" = ${#names[@]} ] ||
		fail "jq: weird names: not ${#names[@]} errors"
fi
cp "$T/out" "$T/out.weird"

step "a source that is not UTF-8 round-trips in .options.sources"
run --json --from="$src" --to="$dst" "/weird/${names[0]}" /single/
expect_rc 0 "a non-UTF-8 source"
check_json "a non-UTF-8 source" version="$version" \
	opt.sources="/weird/${names[0]}" opt.dest=/single/ entries.file=1 \
	nerrors=0
cmp -s "$src/weird/${names[0]}" "$dst/single/${names[0]}" ||
	fail "a non-UTF-8 source: not copied"

step "exec --json: one object per instruction, each with its line"
# check_lines FILE N LINE...: FILE holds N JSON objects, one a line, the
# i-th with "line" LINE[i].
check_lines() {
	python3 - "$@" <<'EOF'
import json, sys
path, n, lines = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
raw = open(path, "rb").read().decode("utf-8").split("\n")
if raw[-1] != "":
    sys.exit(f"output does not end with a newline: {raw[-1]!r}")
objs = []
for i, r in enumerate(raw[:-1]):
    try:
        o = json.loads(r)
    except ValueError as e:
        sys.exit(f"line {i + 1} of stdout is not one JSON value: {e}: {r!r}")
    if not isinstance(o, dict):
        sys.exit(f"line {i + 1} of stdout is not an object")
    objs.append(o)
if len(objs) != n:
    sys.exit(f"{len(objs)} objects, want {n}")
got = [o.get("line") for o in objs]
if got != lines:
    sys.exit(f"lines {got}, want {lines}")
for o in objs:
    for k in ("version", "options", "entries", "bytes", "methods",
              "elapsed_s", "entries_per_s", "errors"):
        if k not in o:
            sys.exit(f"object of line {o.get('line')}: no {k}")
EOF
}
cat >"$T/Dockerfile" <<'EOF'
# instructions for exec --json

COPY /tree/f2 /e1/
COPY --chmod=600 \
     /tree/sub /e2/
COPY ["/tree/f3", "/e3/"]
EOF
run exec --json --from="$src" --to="$dst" -f "$T/Dockerfile" \
	'COPY /tree/f1 /e4/'
expect_rc 0 "exec --json"
check_lines "$T/out" 4 3 4 6 1 || {
	cat "$T/out"
	fail "exec --json: not the JSON Lines wanted"
}
sed -n 2p "$T/out" >"$T/line2"
python3 - "$T/line2" <<'EOF' || fail "exec --json: line 4's object does not show --chmod=600 and /tree/sub"
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(not (o["options"]["chmod"] == "600" and
              o["options"]["sources"] == ["/tree/sub"] and
              o["options"]["dest"] == "/e2/" and o["errors"] == []))
EOF
if $have_jq; then
	[ "$(jq -s length <"$T/out")" = 4 ] || fail "jq: exec --json: not 4 values"
fi

step "exec --json: a failing instruction ends the lines"
printf 'COPY /tree/f2 /g1/\nCOPY /no-such /g2/\nCOPY /tree/f2 /g3/\n' \
	>"$T/Dockerfile.fail"
run exec --json --from="$src" --to="$dst" -f "$T/Dockerfile.fail"
expect_rc 1 "exec --json with a failing line"
check_lines "$T/out" 2 1 2 || {
	cat "$T/out"
	fail "exec --json with a failing line: not the JSON Lines wanted"
}
sed -n 2p "$T/out" >"$T/line2"
python3 - "$T/line2" <<'EOF' || fail "exec --json: the failing line's object does not carry its error"
import json, sys
e = json.load(open(sys.argv[1]))["errors"]
sys.exit(not (len(e) == 1 and e[0]["path"] == "/no-such"))
EOF
[ ! -e "$dst/g3" ] || fail "exec: ran the line after the failing one"

step "every error names its errno: ENOENT for a missing source"
cp "$T/out.missing" "$T/out"
check_json "missing source" version="$version" errno_names=1 \
	error_errno=ENOENT
for what in clash weird; do
	cp "$T/out.$what" "$T/out"
	check_json "errors of the $what run" version="$version" errno_names=1
done

step "--dry-run --json: one JSON document, the plan inside it"
run --dry-run --json --from="$src" --to="$dst" /tree /planned/
expect_rc 0 "--dry-run --json"
check_json "--dry-run --json" version="$version" nerrors=0
python3 - "$T/out" <<'EOF' || fail "--dry-run --json: no plan in the document"
import json, sys
plan = json.load(open(sys.argv[1]))["plan"]
assert plan and all(set(p) == {"action", "type", "source", "dest"}
                    for p in plan), plan
assert {"action": "create", "type": "dir", "source": "/tree",
        "dest": "/planned"} in plan, plan
assert any(p["source"] == "/tree/f3" and p["dest"] == "/planned/f3"
           for p in plan), plan
EOF
[ ! -e "$dst/planned" ] || fail "--dry-run --json wrote /planned"
run --dry-run --from="$src" --to="$dst" /tree /planned/
grep -qxF "create dir /tree -> /planned" "$T/out" ||
	fail "--dry-run without --json: no human plan: $(head -n 3 "$T/out")"

step "-v --json: the copied entries inside the one document"
run -v --json --from="$src" --to="$dst" /tree/f3 /verbose/
expect_rc 0 "-v --json"
check_json "-v --json" version="$version" nerrors=0
python3 - "$T/out" <<'EOF' || fail "-v --json: no copied entries"
import json, sys
c = json.load(open(sys.argv[1]))["copied"]
assert len(c) == 1 and c[0]["dest"] == "/verbose/f3", c
EOF

step "options.workdir is the workdir used, also when defaulted"
run --json --from="$src" --to="$dst" /tree/f3 rel-dest
expect_rc 0 "a defaulted workdir"
python3 - "$T/out" <<'EOF' || fail "options.workdir is not / with --to"
import json, sys
sys.exit(json.load(open(sys.argv[1]))["options"]["workdir"] != "/")
EOF
mkdir -p "$T/cwd"
(cd "$T/cwd" && "$STAGECP" --json --from="$src" /tree/f3 rel-dest) \
	>"$T/out" 2>"$T/err" || fail "a copy into the cwd: $(cat "$T/err")"
python3 - "$T/out" "$T/cwd" <<'EOF' || fail "options.workdir is not the cwd without --to"
import json, sys
sys.exit(json.load(open(sys.argv[1]))["options"]["workdir"] != sys.argv[2])
EOF

echo "ok: --json"
