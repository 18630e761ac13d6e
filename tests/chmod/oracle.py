#!/usr/bin/env python3
"""coreutils chmod(1) as the oracle of stagecp --chmod's symbolic modes.

  oracle.py STAGECP WORKDIR

For every mode of a broad matrix (each operator with r, w, x, X, s, t and
combinations, for each set of who-letters; u/g/o copies such as g=u;
several clauses), a tree of files, executables, directories and setuid,
setgid and sticky entries is copied with `stagecp --chmod=MODE` (a real
copy), and each copied entry's mode is compared with what chmod(1) makes
of the same entry.  Both run with umask 0: BuildKit applies symbolic modes
with a zero umask (`+x` is `a+x`), and chmod(1) without who-letters would
otherwise leave the umask's bits alone.

Where BuildKit's parser (a port of BSD setmode) departs from chmod(1),
BuildKit's rule is the COPY rule and stagecp follows it; each such
difference must be one of the named DECISIONS below, and only in the bits
that decision is about.  Any other difference fails the test.  The one
place stagecp follows chmod(1) over BuildKit is X after '=' and '-'
(BuildKit drops it; issue 15): that is checked like any other mode.
"""

import os
import re
import shutil
import stat
import subprocess
import sys

# name: (mode, is_dir)
ENTRIES = {
    "f644": (0o644, False), "f755": (0o755, False), "f710": (0o710, False),
    "f001": (0o001, False), "f000": (0o000, False), "f4755": (0o4755, False),
    "f2750": (0o2750, False), "f1644": (0o1644, False),
    "d750": (0o750, True), "d700": (0o700, True), "d600": (0o600, True),
    "d2775": (0o2775, True), "d1777": (0o1777, True),
    "d4755": (0o4755, True),
}

WHOS = ["", "u", "g", "o", "a", "ug", "go"]
OPS = "+-="
PERMS = ["r", "w", "x", "X", "s", "t", "rwX", "rX", "st", "wxt"]
MULTI = [
    "u=rwX,go=rX", "a=rwX", "go-rwx,u+X", "u+s,g+s,o+t", "a-x,a+X",
    "=rw,+X", "u=rwx,go=u-w", "go=u", "g=u,o=g", "u-g", "a=,u=rwX",
    "ug=rwX,o=", "+X,-x", "u=g,g=o,o=u", "o=rX,g+w,u-x", "a+st,g-s",
    "=,u+X", "u=rwxs,g=rxs,o=rt", "g-X,o+X", "u=X,g=X,o=X",
    "ug+rwX,o-rwx", "u+w,go-w,a+X",
]


def matrix():
    modes = []
    for who in WHOS:
        for op in OPS:
            modes.extend(who + op + p for p in PERMS)
            modes.append(who + op)
    for who in ["", "u", "g", "o", "go"]:
        for op in OPS:
            modes.extend(who + op + src for src in "ugo")
    return modes + MULTI


def has_copy(mode):
    return re.search("[-+=][ugo]", mode) is not None


def departures(mode, is_dir):
    """The decisions that may explain a difference, with their bits."""
    out = []
    if "X" in "".join(mode.split(",")[1:]):
        # BSD getmode(): X tests the mode the entry had before --chmod;
        # chmod(1) tests the mode as each clause finds it, which differs
        # only after an earlier clause.
        out.append(("X tests the entry's mode before --chmod", 0o111))
    if "=" in mode:
        # BSD: '=' without u/g clears STANDARD_BITS, not the sticky bit.
        out.append(("'=' spares the sticky bit unless t is given",
                    0o1000))
    if "t" in mode:
        # BSD: t applies with u, g or no who-letter; chmod(1): only
        # with o or no who-letter.
        out.append(("t sets the sticky bit with u or g, never with o "
                    "alone", 0o1000))
    if is_dir:
        # chmod(1) keeps a directory's setuid/setgid bits unless named;
        # BuildKit applies the mode as computed.
        out.append(("a directory's setuid/setgid bits follow the mode "
                    "as computed", 0o6000))
    if has_copy(mode):
        # BSD: a copy (g=u) sets and clears rwx only.
        out.append(("a u/g/o copy leaves setuid/setgid alone", 0o6000))
    return out


def make_tree(root):
    os.mkdir(root)
    for name, (mode, is_dir) in ENTRIES.items():
        p = os.path.join(root, name)
        if is_dir:
            os.mkdir(p)
        else:
            with open(p, "w") as f:
                f.write(name + "\n")
        os.chmod(p, mode)


def modes_of(root):
    return {n: stat.S_IMODE(os.lstat(os.path.join(root, n)).st_mode)
            for n in ENTRIES}


def main(argv):
    stagecp, work = argv[1], argv[2]
    os.umask(0)
    src = os.path.join(work, "src")
    dst = os.path.join(work, "dst")
    os.mkdir(src)
    os.mkdir(dst)
    make_tree(os.path.join(src, "in"))
    failures, decided, n = [], {}, 0
    for i, mode in enumerate(matrix()):
        # The oracle: chmod(1) on a fresh tree.
        ref = os.path.join(work, "ref")
        make_tree(ref)
        r = subprocess.run(["chmod", "--", mode] +
                           [os.path.join(ref, name) for name in ENTRIES],
                           capture_output=True, text=True)
        if r.returncode:
            failures.append("chmod %s: %s" % (mode, r.stderr.strip()))
        want = modes_of(ref)
        shutil.rmtree(ref)
        out = "/o%d/" % i
        r = subprocess.run([stagecp, "--from=" + src, "--to=" + dst,
                            "--chmod=" + mode, "/in", out],
                           capture_output=True, text=True)
        if r.returncode:
            failures.append("stagecp --chmod=%s: exit %d: %s" %
                            (mode, r.returncode, r.stderr.strip()))
            continue
        got = modes_of(os.path.join(dst, out.strip("/")))
        shutil.rmtree(os.path.join(dst, out.strip("/")))
        for name, (before, is_dir) in ENTRIES.items():
            n += 1
            diff = got[name] ^ want[name]
            if not diff:
                continue
            for why, bits in departures(mode, is_dir):
                if diff & bits:
                    decided.setdefault(why, []).append(
                        "%s on %s" % (mode, name))
                    diff &= ~bits
            if diff:
                failures.append(
                    "--chmod=%s on %s (%04o): stagecp %04o, chmod(1) "
                    "%04o" % (mode, name, before, got[name], want[name]))
    print("%d modes x %d entries compared with chmod(1)" %
          (len(matrix()), len(ENTRIES)))
    for why, cases in sorted(decided.items()):
        print("decision: %s: %d differences, e.g. %s" %
              (why, len(cases), ", ".join(cases[:3])))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
