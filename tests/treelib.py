"""What the tests' tree tools share: treecmp.py, hostile/snapshot.py and
overlay/check.py import it (the latter two put tests/ on sys.path)."""

import errno
import os
import stat


def type_name(mode):
    """file, dir, symlink, fifo, chr, blk, sock or ? for an lstat mode."""
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"),
                       (stat.S_ISLNK, "symlink"), (stat.S_ISFIFO, "fifo"),
                       (stat.S_ISCHR, "chr"), (stat.S_ISBLK, "blk"),
                       (stat.S_ISSOCK, "sock")):
        if test(mode):
            return name
    return "?"


def walk(top):
    """Relative paths of every entry under top ("." is top), sorted,
    directories before their contents."""
    out = ["."]

    def rec(rel):
        path = os.path.join(top, rel)
        for name in sorted(os.listdir(path)):
            sub = os.path.normpath(os.path.join(rel, name))
            out.append(sub)
            if stat.S_ISDIR(os.lstat(os.path.join(top, sub)).st_mode):
                rec(sub)

    rec(".")
    return out


def next_data(fd, offset, size):
    """First data byte at or after offset; size if only holes follow."""
    try:
        return os.lseek(fd, offset, os.SEEK_DATA)
    except OSError as e:
        if e.errno == errno.ENXIO:
            return size
        raise


def data_extents(fd):
    """(offset, length) of every data extent, holes skipped."""
    end = os.fstat(fd).st_size
    pos = 0
    while pos < end:
        try:
            data = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError:
            return
        hole = os.lseek(fd, data, os.SEEK_HOLE)
        yield data, hole - data
        pos = hole
