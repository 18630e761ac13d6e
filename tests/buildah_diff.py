#!/usr/bin/env python3
"""Compare a stage filled by `buildah copy` with one filled by stagecp.

usage: buildah_diff.py --since NS [--readme README.md] BUILDAH_ROOT STAGECP_ROOT

Both roots are walked by relative path.  Every entry is compared with
lstat: type, the 12 mode bits, uid, gid, mtime in nanoseconds, size and
content of regular files, allocated blocks, symlink targets, xattrs
(security.selinux aside) and the hardlink groups.

NS is the time (ns since the epoch) the copies began.  Each difference
is put in a known class when it is one (buildah keeps
times to the second, writes sparse files in full, ...); a known class must
be listed in README.md's "With buildah / podman" section, found by the
phrase below.  Prints every difference, known ones under their class;
exits 1 if one is in no class or a class used is missing from the README,
0 otherwise, 2 on bad usage.
"""

import os
import stat
import sys

# The tree walk, entry types, contents and xattrs (security.selinux
# aside) are treecmp's, which sits next to this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from treecmp import type_name as kind, same_content, walk, xattrs  # noqa


README_SECTION = "## With buildah / podman"


class Diff:
    def __init__(self, rel, field, a, b, sa=None, sb=None):
        self.rel, self.field, self.a, self.b = rel, field, a, b
        self.sa, self.sb = sa, sb    # the lstat of each side

    def __str__(self):
        def show(v):
            if isinstance(v, bytes):
                v = v.decode("utf-8", "backslashreplace")
            return str(v)
        return f"{self.rel}: {self.field}: buildah {show(self.a)} " \
               f"!= stagecp {show(self.b)}"


def compare(broot, sroot):
    diffs = []
    bl, sl = walk(broot), walk(sroot)
    bset, sset = set(bl), set(sl)
    for rel in bl:
        if rel not in sset:
            diffs.append(Diff(rel, "exists", "yes", "no"))
    for rel in sl:
        if rel not in bset:
            diffs.append(Diff(rel, "exists", "no", "yes"))
    both = [rel for rel in bl if rel in sset]
    bst = {r: os.lstat(os.path.join(broot, r)) for r in both}
    sst = {r: os.lstat(os.path.join(sroot, r)) for r in both}
    for rel in both:
        a, b = bst[rel], sst[rel]
        bp, sp = os.path.join(broot, rel), os.path.join(sroot, rel)

        def field(name, x, y):
            if x != y:
                diffs.append(Diff(rel, name, x, y, a, b))

        field("type", kind(a.st_mode), kind(b.st_mode))
        if kind(a.st_mode) != kind(b.st_mode):
            continue
        field("mode", f"{stat.S_IMODE(a.st_mode):04o}",
              f"{stat.S_IMODE(b.st_mode):04o}")
        field("uid", a.st_uid, b.st_uid)
        field("gid", a.st_gid, b.st_gid)
        if rel != ".":
            field("mtime_ns", a.st_mtime_ns, b.st_mtime_ns)
        if stat.S_ISREG(a.st_mode):
            field("size", a.st_size, b.st_size)
            if a.st_size == b.st_size and \
               not same_content(bp, sp, a.st_size):
                diffs.append(Diff(rel, "content", "...", "...", a, b))
            field("blocks", a.st_blocks, b.st_blocks)
        elif stat.S_ISLNK(a.st_mode):
            field("target", os.readlink(bp), os.readlink(sp))
        xa, xb = xattrs(bp), xattrs(sp)
        for name in sorted(set(xa) | set(xb)):
            field(f"xattr {name}", xa.get(name, "(missing)"),
                  xb.get(name, "(missing)"))
    diffs.extend(hardlink_diffs(both, bst, sst))
    return diffs


def hardlink_diffs(both, bst, sst):
    def groups(stats):
        by_inode = {}
        for rel in both:
            st = stats[rel]
            if not stat.S_ISDIR(st.st_mode):
                by_inode.setdefault((st.st_dev, st.st_ino), []).append(rel)
        return {rel: tuple(names) for names in by_inode.values()
                for rel in names}

    bg, sg = groups(bst), groups(sst)
    out, seen = [], set()
    for rel in both:
        if rel not in bg or rel in seen:
            continue
        if bg[rel] != sg.get(rel, ()):
            out.append(Diff(rel, "hardlinks", list(bg[rel]),
                            list(sg.get(rel, ())), bst[rel], sst[rel]))
        seen.update(bg[rel])
        seen.update(sg.get(rel, ()))
    return out


# The known classes, each (name, the README phrase that lists it, a
# predicate over a Diff).  `since` is when the copies began: a time after
# it was set by a copy run, not taken from the source.
SEC = 10**9


def is_dir(d):
    return d.sa is not None and stat.S_ISDIR(d.sa.st_mode)


def rounded_time(d, since):
    """buildah's copier goes through tar headers: whole seconds."""
    return d.field == "mtime_ns" and d.a % SEC == 0 and \
        abs(d.a - d.b) < SEC and d.b < since


def owner_root(d, since):
    """buildah copy --from makes everything 0:0 without --chown."""
    return d.field in ("uid", "gid") and d.a == 0 and d.b != 0


def sparse_filled(d, since):
    return d.field == "blocks" and d.sa.st_blocks * 512 >= d.sa.st_size \
        and d.b < d.a


def chmod_dir(d, since):
    if d.field != "mode" or not is_dir(d):
        return False
    a, b = int(d.a, 8), int(d.b, 8)
    return b == a | ((a & 0o444) >> 2)


def fresh_dest_dir(d, since):
    """A DEST directory the copy made for a directory's contents: new in
    buildah (0755, root, the time of the copy), the source directory's
    metadata in stagecp (BuildKit)."""
    return is_dir(d) and d.sa.st_mtime_ns >= since and \
        d.sb.st_mtime_ns < since and \
        d.field in ("mode", "uid", "gid", "mtime_ns")


def copy_time(d, since):
    """A directory the copy created for a file, or added entries to:
    its mtime is the moment of each run."""
    return d.field == "mtime_ns" and is_dir(d) and d.a >= since and \
        d.b >= since


CLASSES = [
    ("times rounded to the second", "rounds times to the whole second",
     rounded_time),
    ("owner reset to root", "makes every entry root's", owner_root),
    ("sparse file written in full", "writes sparse files in full",
     sparse_filled),
    ("octal --chmod on a directory", "`x` wherever `r` is set",
     chmod_dir),
    ("DEST directory made for a directory's contents",
     "the source directory's mode, owner and times", fresh_dest_dir),
    ("time of a directory the copy changed", "the moment of the copy",
     copy_time),
]


def classify(d, since):
    for name, phrase, pred in CLASSES:
        if d.sa is not None and pred(d, since):
            return name, phrase
    return None, None


def readme_section(path):
    text = open(path, encoding="utf-8").read()
    start = text.find(README_SECTION)
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(README_SECTION))
    return text[start:end if end >= 0 else len(text)]


def main(argv):
    readme, since = None, None
    while len(argv) >= 2 and argv[0] in ("--readme", "--since"):
        if argv[0] == "--readme":
            readme = argv[1]
        else:
            since = int(argv[1])
        argv = argv[2:]
    if len(argv) != 2 or since is None:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    diffs = compare(argv[0], argv[1])
    section = readme_section(readme) if readme else None
    known, unknown = {}, []
    for d in diffs:
        name, phrase = classify(d, since)
        if name:
            known.setdefault((name, phrase), []).append(d)
        else:
            unknown.append(d)
    bad = bool(unknown)
    for (name, phrase), ds in sorted(known.items()):
        listed = section is None or phrase in section
        print(f"known: {name}: {len(ds)} entries"
              f"{'' if listed else ' -- NOT LISTED IN THE README'}")
        for d in ds[:3]:
            print(f"    {d}")
        bad |= not listed
    for d in unknown:
        print(f"UNEXPECTED: {d}")
    print(f"{len(diffs)} differences, {len(unknown)} unexpected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
