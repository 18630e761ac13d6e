#!/usr/bin/env python3
"""Check that a destination holds only whole versions of its sources.

usage: versions.py [--mode] [--no-temps] DST SRC [SRC...]

Every entry under DST (its top aside) must be, in full, the entry at the
same relative path in one of the SRC trees: a regular file with the same
bytes (and, with --mode, the same 12 mode bits), a symlink with the same
target, a directory, or a node of the same type.  A file that is a prefix
of a version is called out as partial: that is what an interrupted or
failed copy must never leave under a final name.

Hidden ".stagecp-tmp.*" names are stagecp's staging files.  They are
counted and listed as information; with --no-temps they are an error (a
copy that ended by itself must have removed them).

Prints each problem as "<relpath>: <what>", then one line
"checked: files=N dirs=N symlinks=N other=N temps=N"; exits 1 if there is
any problem, 0 otherwise, 2 on bad usage.
"""

import hashlib
import os
import stat
import sys

TEMP_PREFIX = ".stagecp-tmp."
CHUNK = 1 << 20


def digest(path, limit=None):
    """SHA-256 of the file, or of its first limit bytes."""
    h = hashlib.sha256()
    left = limit
    with open(path, "rb", buffering=0) as f:
        while left is None or left > 0:
            want = CHUNK if left is None else min(CHUNK, left)
            b = f.read(want)
            if not b:
                break
            h.update(b)
            if left is not None:
                left -= len(b)
    return h.hexdigest()


def lstat_or_none(path):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None


class Checker:
    def __init__(self, dst, srcs, mode, temps_ok):
        self.dst = dst
        self.srcs = srcs
        self.mode = mode
        self.temps_ok = temps_ok
        self.problems = 0
        self.count = {"files": 0, "dirs": 0, "symlinks": 0, "other": 0,
                      "temps": 0}

    def problem(self, rel, what):
        self.problems += 1
        print(f"{rel!r}: {what}")

    def versions(self, rel):
        """(src path, lstat) of every source that has rel."""
        out = []
        for s in self.srcs:
            p = os.path.join(s, rel)
            st = lstat_or_none(p)
            if st is not None:
                out.append((p, st))
        return out

    def check_file(self, rel, path, st, vers):
        regs = [(p, vs) for p, vs in vers if stat.S_ISREG(vs.st_mode)]
        if not regs:
            self.problem(rel, "regular file where no version has one")
            return
        mine = None
        for p, vs in regs:
            if vs.st_size != st.st_size:
                continue
            if mine is None:
                mine = digest(path)
            if digest(p) != mine:
                continue
            if self.mode and stat.S_IMODE(vs.st_mode) != \
                    stat.S_IMODE(st.st_mode):
                self.problem(rel, "content of %s but mode %o, not %o" %
                             (p, stat.S_IMODE(st.st_mode),
                              stat.S_IMODE(vs.st_mode)))
            return
        # Name what it is instead: a prefix of a version is a partial copy.
        what = "matches no version (size %d; versions: %s)" % (
            st.st_size, ", ".join(str(vs.st_size) for _, vs in regs))
        if st.st_size:
            mine = digest(path)
            for p, vs in regs:
                if vs.st_size > st.st_size and \
                        digest(p, st.st_size) == mine:
                    what = "partial: first %d of %d bytes of %s" % (
                        st.st_size, vs.st_size, p)
                    break
        elif any(vs.st_size for _, vs in regs):
            what = "empty, but every version has data"
        self.problem(rel, what)

    def check(self, rel):
        path = os.path.join(self.dst, rel)
        st = os.lstat(path)
        name = os.path.basename(rel)
        if name.startswith(TEMP_PREFIX):
            self.count["temps"] += 1
            print(f"info: staging leftover {rel!r} ({st.st_size} bytes)")
            if not self.temps_ok:
                self.problem(rel, "staging file left behind")
            return
        vers = self.versions(rel)
        if not vers:
            self.problem(rel, "in no version")
            return
        if stat.S_ISREG(st.st_mode):
            self.count["files"] += 1
            self.check_file(rel, path, st, vers)
        elif stat.S_ISLNK(st.st_mode):
            self.count["symlinks"] += 1
            target = os.readlink(path)
            if not any(stat.S_ISLNK(vs.st_mode) and os.readlink(p) == target
                       for p, vs in vers):
                self.problem(rel, f"symlink to {target!r} in no version")
        elif stat.S_ISDIR(st.st_mode):
            self.count["dirs"] += 1
            if not any(stat.S_ISDIR(vs.st_mode) for _, vs in vers):
                self.problem(rel, "directory where no version has one")
        else:
            self.count["other"] += 1
            if not any(stat.S_IFMT(vs.st_mode) == stat.S_IFMT(st.st_mode)
                       for _, vs in vers):
                self.problem(rel, "node type in no version")

    def run(self):
        for top, dirs, files in os.walk(self.dst, followlinks=False):
            dirs.sort()
            for name in sorted(dirs + files):
                rel = os.path.relpath(os.path.join(top, name), self.dst)
                self.check(rel)
        print("checked: " + " ".join(f"{k}={v}"
                                     for k, v in self.count.items()))
        return 1 if self.problems else 0


def main(argv):
    mode, temps_ok = False, True
    args = []
    for a in argv:
        if a == "--mode":
            mode = True
        elif a == "--no-temps":
            temps_ok = False
        elif a.startswith("--"):
            print(__doc__, file=sys.stderr)
            return 2
        else:
            args.append(a)
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    return Checker(args[0], args[1:], mode, temps_ok).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
