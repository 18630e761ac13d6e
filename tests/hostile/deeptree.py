#!/usr/bin/env python3
"""Trees deeper than PATH_MAX, built and checked by file descriptor.

  deeptree.py make DIR COMPONENT LEVELS TEXT
      DIR/COMPONENT/COMPONENT/... LEVELS deep, a file "leaf" holding TEXT
      at the bottom and a file "mid" holding TEXT halfway down.
  deeptree.py check DIR COMPONENT LEVELS TEXT
      Exit 0 if DIR holds exactly that chain (each level one directory and,
      where they belong, the two files); otherwise print how far it got.

No path string longer than one name is ever used, so the tree may be far
deeper than PATH_MAX.
"""

import os
import resource
import stat
import sys

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def make(top, comp, levels, text):
    fd = os.open(top, DIR_FLAGS)
    for i in range(levels):
        if i == levels // 2:
            write(fd, "mid", text)
        os.mkdir(comp, 0o755, dir_fd=fd)
        nfd = os.open(comp, DIR_FLAGS, dir_fd=fd)
        os.close(fd)
        fd = nfd
    write(fd, "leaf", text)
    os.close(fd)
    return 0


def write(dfd, name, text):
    f = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                0o644, dir_fd=dfd)
    os.write(f, text.encode())
    os.close(f)


def read(dfd, name):
    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    if not stat.S_ISREG(st.st_mode):
        return None
    f = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dfd)
    data = os.read(f, 1 << 16)
    os.close(f)
    return data.decode(errors="replace")


def check(top, comp, levels, text):
    fd = os.open(top, DIR_FLAGS)
    try:
        for i in range(levels + 1):
            names = sorted(os.listdir(fd))
            want = [comp] if i < levels else []
            if i == levels // 2:
                want.append("mid")
            if i == levels:
                want.append("leaf")
            if names != sorted(want):
                print("level %d: entries %s, expected %s" %
                      (i, names[:5], sorted(want)))
                return 1
            for f in ("mid", "leaf"):
                if f in want and read(fd, f) != text:
                    print("level %d: %s has the wrong content" % (i, f))
                    return 1
            if i < levels:
                st = os.stat(comp, dir_fd=fd, follow_symlinks=False)
                if not stat.S_ISDIR(st.st_mode):
                    print("level %d: %s is not a directory" % (i, comp))
                    return 1
                nfd = os.open(comp, DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = nfd
    finally:
        os.close(fd)
    return 0


def main(argv):
    if len(argv) != 6 or argv[1] not in ("make", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    top, comp, levels, text = argv[2], argv[3], int(argv[4]), argv[5]
    return (make if argv[1] == "make" else check)(top, comp, levels, text)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
