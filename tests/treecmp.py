#!/usr/bin/env python3
"""Compare two trees the way stagecp promises to copy them.

usage: treecmp.py SRC DST [--ignore-top]

Every entry is compared with lstat: type, the 12 mode bits, uid, gid,
mtime in nanoseconds (symlinks too), size and content of regular files,
symlink targets, device numbers, xattrs (security.selinux aside) and the
hardlink topology.  A sparse source file must stay sparse: the copy may
allocate at most 10% more than the source.  A socket in SRC must be an
empty regular file in DST with the same permission bits.  atime is not
compared: reading the trees to compare them moves it.

--ignore-top leaves out the top directory's own metadata: a DEST that the
copy created gets 0755 and the caller's owner, not SRC's.

Prints each difference as "<relpath>: <field>: <src> != <dst>"; exits 1 if
there is any, 0 if the trees are the same, 2 on bad usage.
"""

import errno
import hashlib
import os
import stat
import sys

# No __pycache__ left in the source tree.
sys.dont_write_bytecode = True
from treelib import next_data, type_name, walk

IGNORED_XATTRS = {"security.selinux"}
CHUNK = 1 << 20


def xattrs(path):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError as e:
        if e.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return {}
        raise
    return {n: os.getxattr(path, n, follow_symlinks=False)
            for n in names if n not in IGNORED_XATTRS}


def show(value):
    if isinstance(value, bytes):
        text = value.decode("utf-8", "backslashreplace")
        if len(text) > 60:
            text = text[:60] + "..."
        return repr(text)
    return str(value)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def same_content(src, dst, size):
    """Chunk by chunk; chunks that are a hole in both files are skipped,
    so a 1 GiB sparse file costs little."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    fs = os.open(src, flags)
    try:
        fd = os.open(dst, flags)
        try:
            off = 0
            while off < size:
                start = min(next_data(fs, off, size),
                            next_data(fd, off, size))
                if start >= size:
                    return True
                off = start - start % CHUNK
                a = os.pread(fs, CHUNK, off)
                b = os.pread(fd, CHUNK, off)
                if a != b:
                    return False
                off += CHUNK
            return True
        finally:
            os.close(fd)
    finally:
        os.close(fs)


class Compare:
    def __init__(self, src, dst, ignore_top):
        self.src = src
        self.dst = dst
        self.ignore_top = ignore_top
        self.diffs = 0

    def report(self, rel, field, a, b):
        print(f"{rel}: {field}: {show(a)} != {show(b)}")
        self.diffs += 1

    def field(self, rel, name, a, b):
        if a != b:
            self.report(rel, name, a, b)

    def entry(self, rel, s, d):
        sp = os.path.join(self.src, rel)
        dp = os.path.join(self.dst, rel)
        stype, dtype = type_name(s.st_mode), type_name(d.st_mode)

        want = "file" if stype == "sock" else stype
        if want != dtype:
            self.report(rel, "type", stype, dtype)
            return

        if rel == "." and self.ignore_top:
            return

        self.field(rel, "mode", f"{stat.S_IMODE(s.st_mode):04o}",
                   f"{stat.S_IMODE(d.st_mode):04o}")
        self.field(rel, "uid", s.st_uid, d.st_uid)
        self.field(rel, "gid", s.st_gid, d.st_gid)
        self.field(rel, "mtime_ns", s.st_mtime_ns, d.st_mtime_ns)

        if stype == "sock":
            self.field(rel, "size", 0, d.st_size)
        elif stype == "file":
            self.field(rel, "size", s.st_size, d.st_size)
            if s.st_size == d.st_size and \
               not same_content(sp, dp, s.st_size):
                self.report(rel, "content", sha256(sp), sha256(dp))
            if s.st_blocks * 512 < s.st_size:
                limit = s.st_blocks * 11 // 10
                if d.st_blocks > limit:
                    self.report(rel, "allocated 512-byte blocks (sparse)",
                                f"{s.st_blocks} (+10% = {limit})",
                                d.st_blocks)
        elif stype == "symlink":
            self.field(rel, "target", os.readlink(sp), os.readlink(dp))
        elif stype in ("chr", "blk"):
            self.field(rel, "rdev",
                       f"{os.major(s.st_rdev)}:{os.minor(s.st_rdev)}",
                       f"{os.major(d.st_rdev)}:{os.minor(d.st_rdev)}")

        sx, dx = xattrs(sp), xattrs(dp)
        for name in sorted(set(sx) | set(dx)):
            if name not in dx:
                self.report(rel, f"xattr {name}", sx[name], "(missing)")
            elif name not in sx:
                self.report(rel, f"xattr {name}", "(missing)", dx[name])
            elif sx[name] != dx[name]:
                self.report(rel, f"xattr {name}", sx[name], dx[name])

    def hardlinks(self, both, sstats, dstats):
        """Names sharing an inode on one side must share one on the
        other, and no more."""
        def groups(stats):
            by_inode = {}
            for rel in both:
                st = stats[rel]
                if not stat.S_ISDIR(st.st_mode):
                    by_inode.setdefault((st.st_dev, st.st_ino),
                                        []).append(rel)
            return {rel: tuple(names) for names in by_inode.values()
                    for rel in names}

        sg, dg = groups(sstats), groups(dstats)
        seen = set()
        for rel in both:
            if rel not in sg or rel in seen:
                continue
            # A directory on one side has no group: the type check
            # reports that difference.
            dgroup = dg.get(rel, ())
            if sg[rel] != dgroup:
                self.report(rel, "hardlinks", "[" + ", ".join(sg[rel]) + "]",
                            "[" + ", ".join(dgroup) + "]")
            seen.update(sg[rel])
            seen.update(dgroup)

    def run(self):
        for top in (self.src, self.dst):
            if not os.path.isdir(top):
                print(f"{top}: not a directory", file=sys.stderr)
                return 2
        sl, dl = walk(self.src), walk(self.dst)
        sset, dset = set(sl), set(dl)
        for rel in sl:
            if rel not in dset:
                self.report(rel, "exists", "yes", "no")
        for rel in dl:
            if rel not in sset:
                self.report(rel, "exists", "no", "yes")

        both = [rel for rel in sl if rel in dset]
        sstats = {r: os.lstat(os.path.join(self.src, r)) for r in both}
        dstats = {r: os.lstat(os.path.join(self.dst, r)) for r in both}
        for rel in both:
            self.entry(rel, sstats[rel], dstats[rel])
        self.hardlinks(both, sstats, dstats)
        return 1 if self.diffs else 0


def main(argv):
    args = [a for a in argv if a != "--ignore-top"]
    if len(args) != 2 or any(a.startswith("-") for a in args):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return Compare(args[0], args[1], "--ignore-top" in argv).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
