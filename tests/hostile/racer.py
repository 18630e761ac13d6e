#!/usr/bin/env python3
"""Swap two entries of one directory, over and over, for the race cases.

  racer.py DIR NAME_A NAME_B MAX_ITERATIONS MAX_SECONDS [NAME_A NAME_B]...

Each step is one renameat2(RENAME_EXCHANGE), so both names always exist:
the directory and the symlink trade places atomically, the worst case for
a copier that checks a path and then uses it.  The loop is bounded by
count and by time, and a TERM or INT ends it early.  On the way out an odd
number of swaps is undone, so the tree is left as it was found.  Prints
the number of swaps done.  More pairs after the limits are swapped in
turn, one exchange each per step.
"""

import ctypes
import os
import signal
import sys
import time

RENAME_EXCHANGE = 2

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def main(argv):
    if len(argv) < 6 or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = argv[1]
    names = [os.fsencode(x) for x in argv[2:4] + argv[6:]]
    pairs = list(zip(names[0::2], names[1::2]))
    max_iter, max_secs = int(argv[4]), float(argv[5])
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = libc.renameat2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                          ctypes.c_char_p, ctypes.c_uint]
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    deadline = time.monotonic() + max_secs
    n = 0
    # Tell the test the racer is running.
    print("started", flush=True)
    while not stop and n < max_iter:
        if n % 256 == 0 and time.monotonic() > deadline:
            break
        for a, b in pairs:
            if renameat2(dfd, a, dfd, b, RENAME_EXCHANGE) != 0:
                e = ctypes.get_errno()
                print("renameat2: %s" % os.strerror(e), file=sys.stderr)
                return 1
        n += 1
    if n % 2:
        for a, b in pairs:
            if renameat2(dfd, a, dfd, b, RENAME_EXCHANGE) != 0:
                print("cannot swap back", file=sys.stderr)
                return 1
        n += 1
    print("swaps: %d" % n, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
