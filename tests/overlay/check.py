#!/usr/bin/env python3
"""Checks for tests/integration/overlay.sh.

  check.py views A B [--ignore-top] [--any-mtime REL]...
      tests/treecmp.py's comparison of the trees A and B, except that the
      mtime of each REL (a path relative to the tops, "." for the tops
      themselves) is not compared: a directory that a copy wrote into
      carries the time of that copy, and two copies never run at the same
      nanosecond.
  check.py snap DIR
      One line per entry under DIR, by relative path: type, mode, owner,
      size, inode, link count, mtime and ctime in ns, device numbers,
      symlink text, a hash of the content and every xattr (trusted.*
      included).  Two snapshots that diff equal mean nothing under DIR was
      written.
  check.py shared SRC DST
      Both files have the same physical extents as filefrag -v reports
      them (adjacent extents merged), and every extent of DST is flagged
      shared: DST is a reflink of SRC.  Prints both extent lists.
  check.py layer-entries DIR
      The relative paths of every entry under DIR, sorted, one a line.

Exit status 0 when the check holds, 1 when it does not, 2 on bad usage.
"""

import hashlib
import os
import re
import stat
import subprocess
import sys

# No __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import treecmp  # noqa: E402  (tests/treecmp.py)
from treelib import walk  # noqa: E402


class ViewCompare(treecmp.Compare):
    """treecmp.Compare with a set of paths whose mtime may differ."""

    def __init__(self, src, dst, ignore_top, any_mtime):
        super().__init__(src, dst, ignore_top)
        self.any_mtime = {os.path.normpath(p) for p in any_mtime}

    def field(self, rel, name, a, b):
        if name == "mtime_ns" and rel in self.any_mtime:
            return
        super().field(rel, name, a, b)

    def hardlinks(self, both, sstats, dstats):
        # A name that is a directory on one side only already counts as
        # a type difference; treecmp's grouping expects a non-directory
        # on both sides.
        nondirs = [rel for rel in both
                   if not stat.S_ISDIR(sstats[rel].st_mode) and
                   not stat.S_ISDIR(dstats[rel].st_mode)]
        super().hardlinks(nondirs, sstats, dstats)


def views(args):
    ignore_top = False
    any_mtime = []
    tops = []
    i = 0
    while i < len(args):
        if args[i] == "--ignore-top":
            ignore_top = True
        elif args[i] == "--any-mtime" and i + 1 < len(args):
            i += 1
            any_mtime.append(args[i])
        elif args[i].startswith("-"):
            return usage()
        else:
            tops.append(args[i])
        i += 1
    if len(tops) != 2:
        return usage()
    return ViewCompare(tops[0], tops[1], ignore_top, any_mtime).run()


def entries(top):
    return walk(top)[1:]


def content_hash(path):
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC |
                 os.O_NOATIME)
    try:
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            h.update(block)
    finally:
        os.close(fd)
    return h.hexdigest()[:16]


def snap(top):
    for rel in ["."] + entries(top):
        path = os.path.join(top, rel)
        st = os.lstat(path)
        mode = st.st_mode
        extra = ""
        if stat.S_ISREG(mode):
            extra = content_hash(path)
        elif stat.S_ISLNK(mode):
            extra = "-> " + os.readlink(path)
        elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            extra = f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
        xattrs = []
        for name in sorted(os.listxattr(path, follow_symlinks=False)):
            value = os.getxattr(path, name, follow_symlinks=False)
            xattrs.append(f"{name}={value!r}")
        print(f"{rel!r} {treecmp.type_name(mode)} {stat.S_IMODE(mode):04o} "
              f"{st.st_uid}:{st.st_gid} size={st.st_size} ino={st.st_ino} "
              f"nlink={st.st_nlink} mtime={st.st_mtime_ns} "
              f"ctime={st.st_ctime_ns} {extra} {' '.join(xattrs)}")
    return 0


EXTENT = re.compile(r"^\s*\d+:\s+(\d+)\.\.\s*(\d+):\s+(\d+)\.\.\s*(\d+):"
                    r"\s+(\d+):.*?([a-z_,]*)\s*$")


def extents(path):
    """[(logical, physical, length, flags)] in filefrag's blocks, with
    logically and physically adjacent extents merged."""
    # fiemap reports what is on disk: delayed allocation must be done.
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    out = subprocess.run(["filefrag", "-v", path], check=True,
                         capture_output=True, text=True).stdout
    merged = []
    for line in out.splitlines():
        m = EXTENT.match(line)
        if not m:
            continue
        log, phys, length = int(m[1]), int(m[3]), int(m[5])
        flags = set(m[6].split(",")) - {"", "last", "eof", "merged"}
        if merged:
            plog, pphys, plen, pflags = merged[-1]
            if plog + plen == log and pphys + plen == phys and \
               pflags == flags:
                merged[-1] = (plog, pphys, plen + length, pflags)
                continue
        merged.append((log, phys, length, flags))
    return out, merged


def shared(src, dst):
    sout, sext = extents(src)
    dout, dext = extents(dst)
    print(sout.rstrip())
    print(dout.rstrip())
    ok = True
    if not dext:
        print(f"{dst}: no extents")
        ok = False
    if [e[:3] for e in sext] != [e[:3] for e in dext]:
        print(f"{dst}: physical extents differ from {src}'s")
        ok = False
    for e in dext:
        if "shared" not in e[3]:
            print(f"{dst}: extent at block {e[0]} is not shared")
            ok = False
    return 0 if ok else 1


def usage():
    print(__doc__, file=sys.stderr)
    return 2


def main(argv):
    if not argv:
        return usage()
    cmd, args = argv[0], argv[1:]
    if cmd == "views":
        return views(args)
    if cmd == "snap" and len(args) == 1:
        return snap(args[0])
    if cmd == "shared" and len(args) == 2:
        return shared(*args)
    if cmd == "layer-entries" and len(args) == 1:
        print("\n".join(entries(args[0])))
        return 0
    return usage()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
