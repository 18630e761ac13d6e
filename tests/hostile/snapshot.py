#!/usr/bin/env python3
"""Snapshots and scans for the hostile-tree suite.

  snapshot.py take OUT [--exclude PATH]... [--volatile PATH]... PATH...
      Record every entry under each PATH (a file or a directory): type,
      mode, owner, size, link count, inode, mtime and ctime in ns, device
      numbers, symlink text, a hash of the content (data extents only, so a
      1 TiB sparse file costs nothing), xattrs and inode flags.  An
      --exclude path is recorded by type and inode only, nothing below it.
      A --volatile path keeps everything but its times (a racing test
      renames entries in it on purpose); --ignore PATH FIELD,... leaves
      out the named fields of one entry (a hardlink the copy may break
      changes the link count and ctime of its other name, nothing else).
  snapshot.py diff BEFORE AFTER
      Print every difference; exit 1 if there is one.
  snapshot.py scan DIR MARKER [--secret FILE]...
      Look for MARKER in every name, symlink text, file content and xattr
      value under DIR, and for the first line of each secret FILE in every
      file content.  Print the hits; exit 1 if there is one.
  snapshot.py finish BEFORE DST MARKER [--secret FILE]... -- TAKE-ARGS...
      take (to BEFORE.after) with TAKE-ARGS, diff against BEFORE, scan DST:
      one process for the checks every case ends with.  Exit status: 1
      something outside changed, 2 bytes leaked into DST, 3 both.
  snapshot.py same A B
      Compare the trees under A and B by relative path: type, mode, size,
      content, symlink text and device numbers.  Print every difference;
      exit 1 if there is one.
  snapshot.py list DIR
      One line per entry: type, mode, owner, size and the escaped path.

Everything is walked by file descriptor with an explicit stack: trees deeper
than PATH_MAX are part of the suite, and neither a path string nor Python's
recursion limit may get in the way.  FIFOs, devices and sockets are never
opened.
"""

import fcntl
import hashlib
import json
import os
import resource
import stat
import struct
import sys

# No __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from treelib import data_extents, type_name  # noqa: E402

FS_IOC_GETFLAGS = 0x80086601
CHUNK = 1 << 20


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def show(path):
    """A path as printable text: bytes outside printable ASCII escaped."""
    return repr(bytes(path))[2:-1]


def read_data(fd):
    """(offset, chunk) pairs covering every data extent."""
    for off, length in data_extents(fd):
        done = 0
        while done < length:
            buf = os.pread(fd, min(CHUNK, length - done), off + done)
            if not buf:
                break
            yield off + done, buf
            done += len(buf)


def open_entry(name, dirfd, mode):
    """A read-only fd of a regular file or directory, never anything else."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | \
        os.O_CLOEXEC
    if stat.S_ISDIR(mode):
        flags |= os.O_DIRECTORY
    try:
        return os.open(name, flags | os.O_NOATIME, dir_fd=dirfd)
    except PermissionError:
        return os.open(name, flags, dir_fd=dirfd)


def xattrs_of(target):
    out = {}
    try:
        names = os.listxattr(target)
    except OSError:
        return out
    for n in sorted(names):
        try:
            out[n] = hashlib.sha256(os.getxattr(target, n)).hexdigest()
        except OSError as e:
            out[n] = "error %d" % e.errno
    return out


def describe(name, dirfd, st, volatile):
    rec = {
        "type": type_name(st.st_mode),
        "mode": "%04o" % stat.S_IMODE(st.st_mode),
        "uid": st.st_uid, "gid": st.st_gid,
        "size": st.st_size, "nlink": st.st_nlink,
        "ino": st.st_ino, "dev": st.st_dev,
    }
    if not volatile:
        rec["mtime_ns"] = st.st_mtime_ns
        rec["ctime_ns"] = st.st_ctime_ns
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        rec["rdev"] = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
    if stat.S_ISLNK(st.st_mode):
        rec["target"] = show(os.readlink(name, dir_fd=dirfd))
    fd = None
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        fd = open_entry(name, dirfd, st.st_mode)
    try:
        if fd is not None and stat.S_ISREG(st.st_mode):
            h = hashlib.sha256()
            for off, buf in read_data(fd):
                h.update(struct.pack("<Q", off))
                h.update(buf)
            rec["sha256"] = h.hexdigest()
        if fd is not None:
            rec["xattrs"] = xattrs_of(fd)
            try:
                buf = fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 8)
                rec["flags"] = "%#x" % struct.unpack("<l", buf[:4])[0]
            except OSError:
                pass
    finally:
        if fd is not None:
            os.close(fd)
    return rec


def walk(top):
    """Yield (path, dirfd, name, stat) for top and everything below it,
    parents before children.  dirfd is the open parent directory.  A
    directory on another device than its parent (a mount point: /proc
    mounted into a stage) is listed but not entered."""
    top = os.fsencode(os.path.abspath(top))
    parent, name = os.path.split(top)
    pfd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    # Each frame: (fd of a directory, its path, its device, names still
    # to visit); the device of top's parent does not count.
    stack = [(pfd, parent, None, [name])]
    try:
        while stack:
            dfd, dpath, ddev, names = stack[-1]
            if not names:
                os.close(dfd)
                stack.pop()
                continue
            n = names.pop()
            path = os.path.join(dpath, n) if dpath != b"/" else b"/" + n
            st = os.stat(n, dir_fd=dfd, follow_symlinks=False)
            descend = yield path, dfd, n, st
            if descend is False or not stat.S_ISDIR(st.st_mode):
                continue
            if ddev is not None and st.st_dev != ddev:
                continue
            cfd = os.open(n, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW |
                          os.O_CLOEXEC, dir_fd=dfd)
            children = sorted((os.fsencode(c) for c in os.listdir(cfd)),
                              reverse=True)
            stack.append((cfd, path, st.st_dev, children))
    finally:
        for frame in stack:
            os.close(frame[0])


def take(out, paths, excludes, volatiles, ignores):
    excludes = {os.fsencode(os.path.abspath(p)) for p in excludes}
    volatiles = {os.fsencode(os.path.abspath(p)) for p in volatiles}
    ignores = {os.fsencode(os.path.abspath(p)): f.split(",")
               for p, f in ignores}
    snap = {}
    for top in paths:
        if not os.path.lexists(top):
            snap[show(os.fsencode(os.path.abspath(top)))] = {"type": "none"}
            continue
        top_b = os.fsencode(os.path.abspath(top))
        gen = walk(top)
        item = next(gen, None)
        while item is not None:
            path, dfd, name, st = item
            if path in excludes:
                snap[show(path)] = {"type": type_name(st.st_mode),
                                    "ino": st.st_ino, "excluded": True}
                item = next_or_none(gen, False)
                continue
            if st.st_dev != os.fstat(dfd).st_dev and path != top_b:
                # A mount point (procfs in a stage): its own inode is
                # the other filesystem's business, and it is not entered.
                snap[show(path)] = {"type": type_name(st.st_mode),
                                    "mount point": True}
                item = next_or_none(gen, False)
                continue
            rec = describe(name, dfd, st, path in volatiles)
            for field in ignores.get(path, ()):
                rec.pop(field, None)
            snap[show(path)] = rec
            item = next_or_none(gen, True)
    with open(out, "w") as f:
        json.dump(snap, f, indent=0, sort_keys=True)


def next_or_none(gen, descend):
    try:
        return gen.send(descend)
    except StopIteration:
        return None


def diff(a, b):
    with open(a) as f:
        before = json.load(f)
    with open(b) as f:
        after = json.load(f)
    bad = 0
    for p in sorted(set(before) | set(after)):
        x, y = before.get(p), after.get(p)
        if x == y:
            continue
        bad += 1
        if x is None:
            print("created: %s (%s)" % (p, y.get("type")))
        elif y is None:
            print("removed: %s (%s)" % (p, x.get("type")))
        else:
            for k in sorted(set(x) | set(y)):
                if x.get(k) != y.get(k):
                    print("changed: %s: %s: %s -> %s" %
                          (p, k, x.get(k), y.get(k)))
        if bad >= 40:
            print("... (more differences left out)")
            break
    return 1 if bad else 0


def scan(top, marker, secrets):
    marker = os.fsencode(marker)
    needles = [("marker", marker)]
    for s in secrets:
        try:
            with open(s, "rb") as f:
                line = f.readline().rstrip(b"\n")
        except OSError:
            continue
        if len(line) >= 8:
            needles.append(("first line of " + s, line))
    hits = 0
    keep = max(len(n) for _, n in needles)

    def hit(path, where, what):
        nonlocal hits
        hits += 1
        print("%s: %s in %s" % (show(path), what, where))

    gen = walk(top)
    item = next(gen, None)
    while item is not None:
        path, dfd, name, st = item
        if marker in name:
            hit(path, "its name", "marker")
        if stat.S_ISLNK(st.st_mode):
            t = os.readlink(name, dir_fd=dfd)
            for what, n in needles:
                if n in t:
                    hit(path, "symlink text", what)
        if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
            fd = open_entry(name, dfd, st.st_mode)
            try:
                for xn in os.listxattr(fd):
                    v = os.getxattr(fd, xn)
                    for what, n in needles:
                        if n in v or n in os.fsencode(xn):
                            hit(path, "xattr " + xn, what)
                if stat.S_ISREG(st.st_mode):
                    tail, last = b"", None
                    found = set()
                    for off, buf in read_data(fd):
                        if last is not None and off != last:
                            tail = b""
                        win = tail + buf
                        for what, n in needles:
                            if what not in found and n in win:
                                found.add(what)
                                hit(path, "content", what)
                        tail = win[-keep:]
                        last = off + len(buf)
            finally:
                os.close(fd)
        item = next_or_none(gen, True)
    return 1 if hits else 0


def shape(top):
    """relative path -> what a copy must reproduce of that entry."""
    out = {}
    base = len(os.fsencode(os.path.abspath(top)))
    gen = walk(top)
    item = next(gen, None)
    while item is not None:
        path, dfd, name, st = item
        rec = {"type": type_name(st.st_mode),
               "mode": "%04o" % stat.S_IMODE(st.st_mode)}
        if stat.S_ISREG(st.st_mode):
            rec["size"] = st.st_size
            fd = open_entry(name, dfd, st.st_mode)
            try:
                h = hashlib.sha256()
                for off, buf in read_data(fd):
                    h.update(struct.pack("<Q", off))
                    h.update(buf.rstrip(b"\0"))
                rec["sha256"] = h.hexdigest()
            finally:
                os.close(fd)
        elif stat.S_ISLNK(st.st_mode):
            rec["target"] = show(os.readlink(name, dir_fd=dfd))
            del rec["mode"]
        elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            rec["rdev"] = "%d:%d" % (os.major(st.st_rdev),
                                     os.minor(st.st_rdev))
        out[show(path[base:]) or "."] = rec
        item = next_or_none(gen, True)
    return out


def same(a, b):
    x, y = shape(a), shape(b)
    # The top directories themselves: a DEST the copy created has its own
    # mode.
    x.pop(".", None)
    y.pop(".", None)
    bad = 0
    for p in sorted(set(x) | set(y)):
        if x.get(p) == y.get(p):
            continue
        bad += 1
        if p not in y:
            print("missing in copy: %s (%s)" % (p, x[p]["type"]))
        elif p not in x:
            print("extra in copy: %s (%s)" % (p, y[p]["type"]))
        else:
            for k in sorted(set(x[p]) | set(y[p])):
                if x[p].get(k) != y[p].get(k):
                    print("%s: %s: %s != %s" %
                          (p, k, x[p].get(k), y[p].get(k)))
        if bad >= 40:
            print("... (more differences left out)")
            break
    return 1 if bad else 0


def listing(top):
    gen = walk(top)
    item = next(gen, None)
    while item is not None:
        path, dfd, name, st = item
        extra = ""
        if stat.S_ISLNK(st.st_mode):
            extra = " -> " + show(os.readlink(name, dir_fd=dfd))
        print("%-7s %04o %d:%d %12d %s%s" % (
            type_name(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid,
            st.st_gid, st.st_size, show(path), extra))
        item = next_or_none(gen, True)
    return 0


def main(argv):
    raise_fd_limit()
    if len(argv) >= 6 and argv[1] == "finish":
        before, dst, marker = argv[2], argv[3], argv[4]
        rest = argv[5:]
        secrets = []
        while len(rest) >= 2 and rest[0] == "--secret":
            secrets.append(rest[1])
            rest = rest[2:]
        if not rest or rest[0] != "--":
            print(__doc__, file=sys.stderr)
            return 2
        main(["snapshot.py", "take", before + ".after"] + rest[1:])
        rc = 0
        print("-- outside the destination root")
        if diff(before, before + ".after"):
            rc |= 1
        print("-- in the destination")
        if os.path.lexists(dst) and scan(dst, marker, secrets):
            rc |= 2
        return rc
    if len(argv) >= 3 and argv[1] == "take":
        out, rest = argv[2], argv[3:]
        excludes, volatiles, ignores, paths = [], [], [], []
        i = 0
        while i < len(rest):
            if rest[i] == "--ignore":
                ignores.append((rest[i + 1], rest[i + 2]))
                i += 3
            elif rest[i] == "--exclude":
                excludes.append(rest[i + 1])
                i += 2
            elif rest[i] == "--volatile":
                volatiles.append(rest[i + 1])
                i += 2
            else:
                paths.append(rest[i])
                i += 1
        take(out, paths, excludes, volatiles, ignores)
        return 0
    if len(argv) == 4 and argv[1] == "diff":
        return diff(argv[2], argv[3])
    if len(argv) >= 4 and argv[1] == "scan":
        secrets = []
        rest = argv[4:]
        while len(rest) >= 2 and rest[0] == "--secret":
            secrets.append(rest[1])
            rest = rest[2:]
        return scan(argv[2], argv[3], secrets)
    if len(argv) == 4 and argv[1] == "same":
        return same(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "list":
        return listing(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception:
        # Not a finding about the copy: a broken check.
        import traceback
        traceback.print_exc()
        sys.exit(4)
