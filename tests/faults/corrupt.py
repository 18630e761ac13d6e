#!/usr/bin/env python3
"""Damage one stretch of a file's data inside an unmounted filesystem image.

usage: corrupt.py IMAGE REFERENCE OFFSET LENGTH

Finds the bytes REFERENCE[OFFSET:OFFSET+LENGTH] in IMAGE and inverts them
wherever they occur.  On btrfs the data checksum then no longer matches,
so reading that part of the file fails with EIO: a read error without
device-mapper.  The reference should be random data, so that the stretch
occurs only where the file's data is.  Prints the number of places
changed; exits 1 if there was none, 2 on bad usage.
"""

import mmap
import sys


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    image, reference = argv[0], argv[1]
    offset, length = int(argv[2]), int(argv[3])
    with open(reference, "rb") as f:
        f.seek(offset)
        needle = f.read(length)
    if len(needle) != length or length == 0:
        print(f"{reference}: no {length} bytes at {offset}", file=sys.stderr)
        return 2
    damaged = bytes(b ^ 0xFF for b in needle)
    hits = 0
    with open(image, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        at = m.find(needle)
        while at >= 0:
            m[at:at + length] = damaged
            hits += 1
            at = m.find(needle, at + length)
        m.flush()
    print(hits)
    return 0 if hits else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
