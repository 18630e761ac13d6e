#!/usr/bin/env python3
"""Conformance driver: runs the COPY-semantics cases through stagecp.

usage: run.py [--stagecp PATH] [--tmp DIR] [--keep] [-k SUBSTR] [FILE.cases...]

Without FILEs it runs every *.cases file beside this script.  Each case
gets a fresh directory with a source root, a destination root and any
extra stage roots, runs one stagecp command and compares what happened
with what the case expects.  Prints "ok NAME" or "FAIL NAME: why" per
case, then a summary; exits 1 if any case failed.  Needs root (owners,
device nodes).  The case format is described in README.md beside this file.
"""

import hashlib
import os
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile

# tests/treelib.py, and no __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from treelib import type_name, walk  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_TIMEOUT = 30

DEFAULT_MODE = {"f": 0o644, "d": 0o755, "p": 0o644, "c": 0o644,
                "b": 0o644, "s": 0o644, "h": None, "l": None}
TYPE_NAME = {"f": "file", "d": "dir", "l": "symlink", "p": "fifo",
             "c": "chr", "b": "blk", "s": "sock", "h": "file"}


class CaseError(Exception):
    """A malformed case file: a bug in the suite, not in stagecp."""


# --- parsing ---------------------------------------------------------------

class Entry:
    def __init__(self, kind, path, where):
        self.kind = kind        # one of f d l p c b s h
        self.path = path        # relative to the tree's top ("." = top)
        self.mode = None
        self.owner = None       # (uid, gid)
        self.data = None        # bytes
        self.target = None      # symlink text or hardlink in-root path
        self.rdev = None        # (major, minor)
        self.mtime = None       # ns
        self.xattrs = None      # {name: bytes}
        self.where = where

    def eff_mode(self):
        return self.mode if self.mode is not None else DEFAULT_MODE[self.kind]

    def eff_owner(self):
        return self.owner if self.owner is not None else (0, 0)

    def eff_data(self):
        return self.data if self.data is not None else b""


def parse_time(tok, where):
    m = re.fullmatch(r"@(\d+)(?:\.(\d{1,9}))?", tok)
    if not m:
        raise CaseError(f"{where}: bad time {tok!r}")
    ns = (m.group(2) or "0").ljust(9, "0")
    return int(m.group(1)) * 10**9 + int(ns)


def parse_entries(line, where):
    """One entry line; returns a list (the L chain shorthand gives many)."""
    try:
        toks = shlex.split(line, posix=True)
    except ValueError as e:
        raise CaseError(f"{where}: {e}")
    kind = toks[0]
    if kind == "L":
        # L PREFIX N TARGET: PREFIX1 -> PREFIX2 -> ... -> PREFIXN -> TARGET
        if len(toks) != 4:
            raise CaseError(f"{where}: L PREFIX N TARGET")
        prefix, n, target = toks[1], int(toks[2]), toks[3]
        out = []
        for i in range(1, n + 1):
            # Each link names the next one beside it, relatively.
            e = Entry("l", prefix + str(i), where)
            e.target = (os.path.basename(prefix) + str(i + 1) if i < n
                        else target)
            out.append(e)
        return out
    if kind not in DEFAULT_MODE or len(toks) < 2:
        raise CaseError(f"{where}: bad entry {line.strip()!r}")
    e = Entry(kind, os.path.normpath(toks[1]), where)
    i = 2
    while i < len(toks):
        t = toks[i]
        if t in ("->", "=>"):
            if i + 1 >= len(toks):
                raise CaseError(f"{where}: {t} needs a target")
            if (t == "->") != (kind == "l") or (t == "=>") != (kind == "h"):
                raise CaseError(f"{where}: {t} does not fit type {kind}")
            e.target = toks[i + 1]
            i += 2
            continue
        if re.fullmatch(r"[0-7]{3,5}", t):
            e.mode = int(t, 8)
        elif re.fullmatch(r"\d+:\d+", t):
            u, g = t.split(":")
            e.owner = (int(u), int(g))
        elif re.fullmatch(r"\d+,\d+", t):
            a, b = t.split(",")
            e.rdev = (int(a), int(b))
        elif t.startswith("="):
            e.data = t[1:].encode().decode("unicode_escape").encode("latin-1")
        elif t.startswith("@"):
            e.mtime = parse_time(t, where)
        elif t.startswith("x:"):
            k, _, v = t[2:].partition("=")
            e.xattrs = e.xattrs or {}
            e.xattrs[k] = v.encode()
        else:
            raise CaseError(f"{where}: unknown token {t!r}")
        i += 1
    if kind == "l" and e.target is None:
        raise CaseError(f"{where}: symlink without -> TARGET")
    if kind == "h" and e.target is None:
        raise CaseError(f"{where}: hardlink without => PATH")
    if kind in "cb" and e.rdev is None:
        raise CaseError(f"{where}: device without MAJ,MIN")
    return [e]


class Case:
    def __init__(self, name, where):
        self.name = name
        self.where = where
        self.trees = {"src": [], "dst": []}   # tree name -> entries
        self.file_text = None
        self.run = None
        self.cwd = None
        self.exit = {0}
        self.errs = []        # (kind, text)
        self.unchanged = False
        self.expect = []      # (path, [entries])
        self.absent = []
        self.present = []
        self.like = None
        self.umask = None


def parse_file(path):
    cases = []
    case = None
    block = None        # ("tree", name) | ("expect", idx) | ("file",)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, raw in enumerate(lines, 1):
        where = f"{os.path.basename(path)}:{no}"
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("== "):
            case = Case(line[3:].strip(), where)
            cases.append(case)
            block = None
            continue
        if case is None:
            raise CaseError(f"{where}: text before the first case")
        if raw[0] in " \t":
            if block is None:
                raise CaseError(f"{where}: indented line outside a block")
            body = line.strip()
            if block[0] == "file":
                if not body.startswith("|"):
                    raise CaseError(f"{where}: file lines start with |")
                idx = raw.index("|")
                case.file_text.append(raw[idx + 1:])
            elif block[0] == "tree":
                case.trees[block[1]].extend(parse_entries(body, where))
            else:
                case.expect[block[1]][1].extend(parse_entries(body, where))
            continue
        block = None
        key, sep, val = line.partition(":")
        key = key.strip()
        val = val.strip()
        if not sep:
            if line == "unchanged":
                case.unchanged = True
                continue
            raise CaseError(f"{where}: unknown directive {line!r}")
        if key == "src" or key == "dst":
            block = ("tree", key)
        elif key.startswith("stage "):
            name = key.split(None, 1)[1]
            case.trees.setdefault("stage-" + name, [])
            block = ("tree", "stage-" + name)
        elif key == "file":
            case.file_text = []
            block = ("file",)
        elif key.startswith("tree "):
            case.expect.append((key.split(None, 1)[1], []))
            block = ("expect", len(case.expect) - 1)
        elif key == "like":
            case.like = val
        elif key == "run":
            case.run = val
        elif key == "cwd":
            case.cwd = val
        elif key == "umask":
            case.umask = int(val, 8)
        elif key == "exit":
            case.exit = {int(x) for x in val.split("|")}
        elif key in ("err", "erri", "err-re", "err-exact"):
            # A directive's text is taken raw; the case file quotes nothing.
            case.errs.append((key, line.split(":", 1)[1].lstrip()))
        elif key == "absent":
            case.absent.extend(shlex.split(val))
        elif key == "present":
            case.present.extend(shlex.split(val))
        else:
            raise CaseError(f"{where}: unknown directive {key!r}")
    # A case named @NAME is a template: "like: @NAME" starts a case with
    # its trees (the case's own entries come after, so they may add to or
    # replace the template's).
    templates = {c.name: c for c in cases if c.name.startswith("@")}

    def resolve(c, seen):
        if c.like is None:
            return
        if c.like in seen:
            raise CaseError(f"{c.where}: template loop at {c.like}")
        t = templates.get(c.like)
        if t is None:
            raise CaseError(f"{c.where}: no template {c.like}")
        resolve(t, seen | {c.like})
        for name, entries in t.trees.items():
            c.trees[name] = list(entries) + c.trees.get(name, [])
        c.like = None

    for c in cases:
        resolve(c, set())
    cases = [c for c in cases if not c.name.startswith("@")]
    for c in cases:
        if c.run is None:
            raise CaseError(f"{c.where}: case {c.name} has no run:")
        if c.exit != {0} and not c.errs:
            raise CaseError(f"{c.where}: case {c.name}: a failing case "
                            "must state its error text")
    return cases


# --- building trees -------------------------------------------------------

def inroot(root, path):
    return os.path.join(root, path.lstrip("/")) if path not in (".", "/") \
        else root


def build_tree(root, entries):
    os.makedirs(root, exist_ok=True)
    os.chmod(root, 0o755)
    made = []
    for e in entries:
        p = inroot(root, e.path)
        if e.path != ".":
            os.makedirs(os.path.dirname(p), exist_ok=True)
        k = e.kind
        if k == "f":
            with open(p, "wb") as f:
                f.write(e.eff_data())
        elif k == "d":
            os.makedirs(p, exist_ok=True)
        elif k == "l":
            os.symlink(e.target, p)
        elif k == "h":
            os.link(inroot(root, e.target), p)
        elif k == "p":
            os.mkfifo(p)
        elif k in "cb":
            fmt = stat.S_IFCHR if k == "c" else stat.S_IFBLK
            os.mknod(p, fmt | 0o600, os.makedev(*e.rdev))
        elif k == "s":
            s = socket.socket(socket.AF_UNIX)
            s.bind(p)
            s.close()
        made.append((e, p))
    # Owners before modes (chown clears set-id bits); deepest entries
    # first so that a directory's mtime outlives its children's creation.
    for e, p in sorted(made, key=lambda ep: -ep[1].count("/")):
        if e.kind == "h":
            continue
        uid, gid = e.eff_owner()
        os.chown(p, uid, gid, follow_symlinks=False)
        if e.kind != "l":
            os.chmod(p, e.eff_mode())
        for k, v in (e.xattrs or {}).items():
            os.setxattr(p, k, v, follow_symlinks=False)
        if e.mtime is not None:
            os.utime(p, ns=(e.mtime, e.mtime), follow_symlinks=False)


# --- describing trees ------------------------------------------------------

KIND_LETTERS = {"file": "f", "dir": "d", "symlink": "l", "fifo": "p",
                "chr": "c", "blk": "b", "sock": "s"}


def kind_of(mode):
    return KIND_LETTERS.get(type_name(mode), "?")


def user_xattrs(p):
    try:
        names = os.listxattr(p, follow_symlinks=False)
    except OSError:
        return {}
    return {n: os.getxattr(p, n, follow_symlinks=False)
            for n in names if n.startswith("user.")}


def snapshot(top):
    """Everything that a copy may change, keyed by relative path."""
    out = {}

    def one(rel):
        p = top if rel == "." else os.path.join(top, rel)
        st = os.lstat(p)
        k = kind_of(st.st_mode)
        rec = {"type": k, "mode": stat.S_IMODE(st.st_mode),
               "owner": (st.st_uid, st.st_gid), "mtime": st.st_mtime_ns,
               "inode": st.st_ino, "nlink": st.st_nlink,
               "xattrs": sorted(user_xattrs(p).items())}
        if k == "f":
            with open(p, "rb") as f:
                rec["content"] = hashlib.sha256(f.read()).hexdigest()
        elif k == "l":
            rec["target"] = os.readlink(p)
        elif k in "cb":
            rec["rdev"] = st.st_rdev
        out[rel] = rec
        if k == "d":
            for n in sorted(os.listdir(p)):
                one(n if rel == "." else os.path.join(rel, n))
    if os.path.lexists(top):
        one(".")
    return out


def diff_snapshots(a, b):
    why = []
    for rel in sorted(set(a) | set(b)):
        if rel not in b:
            why.append(f"{rel} removed")
        elif rel not in a:
            why.append(f"{rel} created")
        elif a[rel] != b[rel]:
            fields = sorted(k for k in set(a[rel]) | set(b[rel])
                            if a[rel].get(k) != b[rel].get(k))
            why.append(f"{rel} changed ({', '.join(fields)})")
    return why


# --- checking an expected tree -------------------------------------------

def fmt_mode(m):
    return "%04o" % m


def check_entry(e, p, root):
    try:
        st = os.lstat(p)
    except OSError:
        return [f"{e.path}: missing"]
    k = kind_of(st.st_mode)
    want_k = "f" if e.kind == "h" else e.kind
    if k != want_k:
        return [f"{e.path}: type {TYPE_NAME.get(k, k)}, want "
                f"{TYPE_NAME[want_k]}"]
    why = []
    if e.kind == "h":
        other = inroot(root, e.target)
        try:
            ost = os.lstat(other)
            if (ost.st_dev, ost.st_ino) != (st.st_dev, st.st_ino):
                why.append(f"{e.path}: not a hardlink of {e.target}")
        except OSError:
            why.append(f"{e.path}: hardlink peer {e.target} missing")
        return why
    if k != "l":
        m = stat.S_IMODE(st.st_mode)
        if m != e.eff_mode():
            why.append(f"{e.path}: mode {fmt_mode(m)}, want "
                       f"{fmt_mode(e.eff_mode())}")
    own = (st.st_uid, st.st_gid)
    if own != e.eff_owner():
        why.append(f"{e.path}: owner {own[0]}:{own[1]}, want "
                   f"{e.eff_owner()[0]}:{e.eff_owner()[1]}")
    if k == "f":
        with open(p, "rb") as f:
            data = f.read()
        if data != e.eff_data():
            why.append(f"{e.path}: content {data[:60]!r}, want "
                       f"{e.eff_data()[:60]!r}")
    elif k == "l":
        t = os.readlink(p)
        if t != e.target:
            why.append(f"{e.path}: target {t!r}, want {e.target!r}")
    elif k in "cb":
        rd = (os.major(st.st_rdev), os.minor(st.st_rdev))
        if rd != e.rdev:
            why.append(f"{e.path}: rdev {rd}, want {e.rdev}")
    if e.mtime is not None and st.st_mtime_ns != e.mtime:
        why.append(f"{e.path}: mtime {st.st_mtime_ns}, want {e.mtime}")
    xa = user_xattrs(p)
    if xa != (e.xattrs or {}):
        why.append(f"{e.path}: xattrs {xa}, want {e.xattrs or {}}")
    return why


def check_tree(dst, path, entries):
    top = inroot(dst, path)
    if not os.path.lexists(top):
        return [f"tree {path}: missing"]
    why = []
    want = {e.path: e for e in entries}
    if stat.S_ISDIR(os.lstat(top).st_mode):
        have = set(walk(top)[1:])
    else:
        have = set()
    for rel in sorted(have - set(want)):
        why.append(f"{path}: unexpected {rel}")
    for rel, e in want.items():
        if rel != "." and rel not in have:
            why.append(f"{path}: missing {rel}")
            continue
        why.extend(f"{path}: {w}" for w in
                   check_entry(e, top if rel == "." else
                               os.path.join(top, rel), dst))
    return why


# --- running a case --------------------------------------------------------

def expand(s, roots, case):
    def sub(m):
        key = m.group(1)
        if key == "file":
            return roots["file"]
        if key == "root":
            return roots["root"]
        if key in ("src", "dst"):
            return roots[key]
        if key.startswith("stage:"):
            return roots["stage-" + key[6:]]
        raise CaseError(f"{case.where}: unknown placeholder {{{key}}}")
    return re.sub(r"\{([a-z]+(?::[A-Za-z0-9_-]+)?)\}", sub, s)


def build_argv(stagecp, case, roots):
    args = [expand(a, roots, case) for a in shlex.split(case.run)]
    is_exec = bool(args) and args[0] == "exec"
    head = args[:1] if is_exec else []
    rest = args[1:] if is_exec else args
    auto = []
    if not is_exec and not any(a.startswith("--from") for a in rest):
        auto.append("--from=" + roots["src"])
    if not any(a.startswith("--to") for a in rest):
        auto.append("--to=" + roots["dst"])
    return [stagecp] + head + auto + rest


def run_case(case, stagecp, tmp):
    root = tempfile.mkdtemp(prefix=re.sub(r"[^A-Za-z0-9_.-]", "_",
                                          case.name)[:60] + ".", dir=tmp)
    roots = {"root": root, "file": os.path.join(root, "Dockerfile")}
    for name, entries in case.trees.items():
        roots[name] = os.path.join(root, name)
        build_tree(roots[name], entries)
    if case.file_text is not None:
        with open(roots["file"], "w") as f:
            f.write(expand("\n".join(case.file_text), roots, case) + "\n")
    argv = build_argv(stagecp, case, roots)
    before = {n: snapshot(roots[n]) for n in case.trees}
    cwd = expand(case.cwd, roots, case) if case.cwd else root
    try:
        p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=RUN_TIMEOUT,
                           umask=-1 if case.umask is None else case.umask)
    except subprocess.TimeoutExpired:
        return root, argv, None, ["timed out"]
    err = p.stderr.decode(errors="replace")
    why = []
    if p.returncode not in case.exit:
        why.append(f"exit {p.returncode}, want "
                   f"{'|'.join(map(str, sorted(case.exit)))}")
    for kind, text in case.errs:
        t = expand(text, roots, case)
        if kind == "err" and t not in err:
            why.append(f"stderr lacks {t!r}")
        elif kind == "erri" and t.lower() not in err.lower():
            why.append(f"stderr lacks {t!r} (any case)")
        elif kind == "err-re" and not re.search(t, err):
            why.append(f"stderr does not match /{t}/")
        elif kind == "err-exact" and err.rstrip("\n") != t:
            why.append(f"stderr is not exactly {t!r}")
    if p.returncode != 0 and case.errs and \
            not re.search(r"(?m)^stagecp: ", err):
        why.append("no line of stderr starts with 'stagecp: '")
    # The source is never written; a refused command leaves the
    # destination (and every stage) as it was.
    for name in case.trees:
        if name == "dst" and not (case.unchanged or case.exit == {2}):
            continue
        d = diff_snapshots(before[name], snapshot(roots[name]))
        if d:
            why.append(f"{name} changed: " + "; ".join(d[:6]) +
                       (" ..." if len(d) > 6 else ""))
    for path, entries in case.expect:
        why.extend(check_tree(roots["dst"], path, entries))
    for path in case.absent:
        if os.path.lexists(inroot(roots["dst"], path)):
            why.append(f"{path} exists, want absent")
    for path in case.present:
        if not os.path.lexists(inroot(roots["dst"], path)):
            why.append(f"{path} missing")
    return root, argv, p, why


def show(argv, roots_prefix):
    return " ".join(shlex.quote(a.replace(roots_prefix, "$CASE"))
                    for a in argv)


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--stagecp", default=os.environ.get("STAGECP") or
                    os.path.join(HERE, "..", "..", "tool", "stagecp"))
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true",
                    help="keep the case directories")
    ap.add_argument("-k", dest="filter", default=None)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show command and stderr of failing cases")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()

    if os.geteuid() != 0:
        print("conformance: needs root")
        return 77
    stagecp = os.path.abspath(a.stagecp)
    if not os.access(stagecp, os.X_OK):
        print(f"conformance: {stagecp}: not built")
        return 1
    files = a.files or sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                              if f.endswith(".cases"))
    cases = []
    names = set()
    for f in files:
        for c in parse_file(f):
            if c.name in names:
                raise CaseError(f"{c.where}: duplicate case name {c.name}")
            names.add(c.name)
            cases.append(c)
    if a.filter:
        cases = [c for c in cases if a.filter in c.name]
    own_tmp = a.tmp is None
    tmp = tempfile.mkdtemp(prefix="stagecp-conf.") if own_tmp else a.tmp
    os.makedirs(tmp, exist_ok=True)
    os.umask(0o022)
    failed = 0
    failed_names = []
    try:
        for c in cases:
            root, argv, p, why = run_case(c, stagecp, tmp)
            if why:
                failed += 1
                failed_names.append(c.name)
                print(f"FAIL {c.name}: " + "; ".join(why))
                if a.verbose:
                    print(f"    case: {c.where}")
                    print(f"    cmd:  {show(argv, root)}")
                    if p is not None:
                        print(f"    exit: {p.returncode}")
                        for ln in p.stderr.decode(errors='replace') \
                                .replace(root, "$CASE").splitlines()[:8]:
                            print(f"    err:  {ln}")
            else:
                print(f"ok {c.name}")
            if not a.keep:
                shutil.rmtree(root, ignore_errors=True)
    finally:
        if own_tmp and not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if failed_names:
        print("failed cases: " + " ".join(failed_names))
    print(f"{len(cases) - failed} of {len(cases)} cases passed, "
          f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CaseError as e:
        print(f"conformance: case file error: {e}")
        sys.exit(1)
