#!/usr/bin/env python3
"""Overlay layer stacks for tests/integration/overlay.sh.

  mkstack.py source DIR [--userxattr]
      DIR/l1 (top) DIR/l2 DIR/l3 (bottom): a source stage as an overlay
      snapshot.  Whiteouts of both kinds, opaque directories, files
      replaced across layers, a directory replaced by a file and the
      reverse, a three-layer merge, symlinks, hardlinks inside a layer and
      one inode shared by two layers.  Most of it is under /out.
  mkstack.py dest DIR
      DIR/upper DIR/d1 DIR/d2: a destination stage (upper first), and
      DIR/src, a plain source tree to copy into it.
  mkstack.py base DIR
      DIR/b1 DIR/b2: a base stage for --to-layer, and DIR/src.
  mkstack.py refuse DIR metacopy|redirect [--userxattr]
      DIR/l1 DIR/l2 where l1 uses an overlay feature stagecp must refuse:
      a file with overlay.metacopy or a directory with overlay.redirect.

Every layer gets its own times (distinct nanoseconds per entry and per
layer), so a merged view that takes metadata from the wrong layer shows.
--userxattr writes the markers as user.overlay.* instead of
trusted.overlay.*.  Needs root (devices, owners, trusted xattrs).
"""

import os
import random
import sys

# Set by main(): "trusted" or "user".
NS = "trusted"


def ovl(name):
    return f"{NS}.overlay.{name}"


class Layer:
    """Builds one layer directory with a tiny vocabulary; paths are
    relative to the layer root and parents are created 0755."""

    def __init__(self, root):
        self.root = root
        os.makedirs(root, exist_ok=True)

    def p(self, rel):
        return os.path.join(self.root, rel)

    def _parent(self, rel):
        parent = os.path.dirname(self.p(rel))
        os.makedirs(parent, mode=0o755, exist_ok=True)

    def d(self, rel, mode=0o755, owner=None, xattrs=None):
        path = self.p(rel)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        self._meta(path, owner, xattrs)

    def f(self, rel, data=b"", mode=0o644, owner=None, xattrs=None):
        self._parent(rel)
        if isinstance(data, str):
            data = data.encode()
        with open(self.p(rel), "wb") as out:
            out.write(data)
        # chown first: it clears setuid.
        self._meta(self.p(rel), owner, xattrs)
        os.chmod(self.p(rel), mode)

    def big(self, rel, size, seed):
        rng = random.Random(seed)
        self.f(rel, rng.randbytes(size))

    def sym(self, rel, target, owner=None):
        self._parent(rel)
        os.symlink(target, self.p(rel))
        if owner:
            os.chown(self.p(rel), *owner, follow_symlinks=False)

    def hard(self, rel, existing):
        """existing: a path relative to this layer, or an absolute one
        (an inode shared with another layer)."""
        self._parent(rel)
        os.link(existing if os.path.isabs(existing) else self.p(existing),
                self.p(rel))

    def fifo(self, rel, mode=0o640):
        self._parent(rel)
        os.mkfifo(self.p(rel))
        os.chmod(self.p(rel), mode)

    def chr(self, rel, major, minor, mode=0o666):
        self._parent(rel)
        os.mknod(self.p(rel), 0o600 | 0o020000, os.makedev(major, minor))
        os.chmod(self.p(rel), mode)

    def whiteout(self, rel):
        """The classic whiteout: a character device 0/0."""
        self.chr(rel, 0, 0, 0o000)

    def xwhiteout(self, rel):
        """The xattr whiteout: an empty regular file marked
        overlay.whiteout, valid in a directory marked opaque "x"."""
        self.f(rel, b"", 0o644, xattrs={ovl("whiteout"): b""})

    def opaque(self, rel, value):
        os.setxattr(self.p(rel), ovl("opaque"), value.encode(),
                    follow_symlinks=False)

    def xattr(self, rel, name, value):
        os.setxattr(self.p(rel), name, value, follow_symlinks=False)

    @staticmethod
    def _meta(path, owner, xattrs):
        if owner:
            os.chown(path, *owner, follow_symlinks=False)
        for name, value in (xattrs or {}).items():
            os.setxattr(path, name, value, follow_symlinks=False)

    def set_times(self, layer_no):
        """Children before parents, so directory times stick."""
        count = [0]

        def stamp(path):
            count[0] += 1
            i = count[0]
            sec = 1_600_000_000 + layer_no * 10_000_000 + i * 86_400
            ns = (layer_no * 1_000_003 + i * 7_919) % 1_000_000_000
            mtime = sec * 1_000_000_000 + ns
            atime = mtime - 3_600 * 1_000_000_000
            os.utime(path, ns=(atime, mtime), follow_symlinks=False)

        def walk(path):
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    walk(e.path)
                stamp(e.path)

        walk(self.root)
        stamp(self.root)


def build_source(top):
    l1, l2, l3 = (Layer(os.path.join(top, n)) for n in ("l1", "l2", "l3"))

    # l3, the bottom layer.
    l3.d("out", 0o755)
    l3.f("out/keep.txt", "kept from l3\n", xattrs={"user.layer": b"l3"})
    l3.f("out/replaced.txt", "l3 version\n", xattrs={"user.layer": b"l3"})
    l3.f("out/gone-chr.txt", "whited out by a 0/0 device in l1\n")
    l3.f("out/xw/a", "l3 a, whited out by an xattr whiteout in l2\n")
    l3.f("out/xw/b", "l3 b, replaced in l2\n")
    l3.f("out/xw/c", "l3 c, stays\n")
    l3.f("out/xw/subdir/inner", "a directory xattr-whited out in l2\n")
    l3.f("out/opq/old1", "hidden by the opaque opq in l1\n")
    l3.f("out/opq/olddir/f", "hidden too\n")
    l3.f("out/dir2file/inside", "a directory l2 replaces by a file\n")
    l3.f("out/file2dir", "a file l2 replaces by a directory\n")
    l3.d("out/nest/a/b", 0o755)
    l3.f("out/nest/a/b/l3file", "deepest merge, from l3\n")
    l3.f("out/nest/l3top", "nest from l3\n")
    l3.sym("out/link", "keep.txt")
    l3.f("out/sym-over-dir/x", "a directory l1 replaces by a symlink\n")
    l3.f("out/deaddir/f", "a directory whited out in l1\n")
    l3.d("out/deaddir/sub")
    l3.f("out/hl-a", "three names in l3, one whited out, one shadowed\n")
    l3.hard("out/hl-b", "out/hl-a")
    l3.hard("out/nest/hl-c", "out/hl-a")
    l3.f("out/owned", "owned by 1234:5678\n", 0o600, owner=(1234, 5678))
    l3.f("out/suid", "#!/bin/sh\n", 0o4755, owner=(1234, 0))
    l3.f("out/cross", "one inode in two layers\n")
    l3.f("top-level-l3", "outside /out\n")
    l3.f("gone-top/x", "a top-level directory whited out in l1\n")

    # l2, the middle layer.
    l2.d("out", 0o750, xattrs={"user.layer": b"l2"})
    l2.f("out/replaced.txt", "l2 version\n", 0o600,
         xattrs={"user.layer": b"l2"})
    l2.d("out/xw", 0o755)
    l2.opaque("out/xw", "x")
    l2.xwhiteout("out/xw/a")
    l2.f("out/xw/b", "l2 b\n")
    l2.f("out/xw/empty-real", b"")  # empty, but no marker: a real file
    l2.xwhiteout("out/xw/subdir")
    l2.xwhiteout("out/xw/never-existed")
    l2.f("out/dir2file", "now a file\n")
    l2.d("out/file2dir", 0o711)
    l2.f("out/file2dir/from-l2", "file2dir from l2\n")
    l2.f("out/file2dir/deep/z", "file2dir/deep from l2\n")
    l2.d("out/nest/a", 0o700)
    l2.f("out/nest/a/b/l2file", "deepest merge, from l2\n")
    l2.big("out/big.bin", 4 << 20, seed=2)
    l2.hard("out/cross-l2", os.path.join(l3.root, "out/cross"))
    l2.f("out/hl2-a", "two names in l2\n")
    l2.hard("out/nest/a/hl2-b", "out/hl2-a")
    l2.fifo("out/fifo", 0o640)
    l2.chr("out/null-like", 1, 3, 0o666)
    l2.f("out/empty", b"", 0o644)
    l2.sym("outlink", "out")

    # l1, the top layer.
    l1.d("out", 0o755, xattrs={"user.layer": b"l1"})
    l1.f("out/replaced.txt", "l1 version\n", 0o640,
         xattrs={"user.layer": b"l1"})
    l1.whiteout("out/gone-chr.txt")
    l1.d("out/opq", 0o750)
    l1.opaque("out/opq", "y")
    l1.f("out/opq/new1", "the only entry of opq\n")
    l1.d("out/file2dir", 0o755)
    l1.f("out/file2dir/from-l1", "file2dir from l1\n")
    l1.d("out/nest/a/b", 0o750)
    l1.f("out/nest/a/b/l1file", "deepest merge, from l1\n")
    l1.f("out/nest/a/l1only", "nest/a from l1\n")
    l1.sym("out/link", "replaced.txt")
    l1.sym("out/sym-over-dir", "nest")
    l1.whiteout("out/deaddir")
    l1.whiteout("out/hl-b")
    l1.f("out/nest/hl-c", "shadows one name of the l3 group\n")
    l1.whiteout("out/nothing-below")
    l1.whiteout("gone-top")

    for no, layer in ((3, l3), (2, l2), (1, l1)):
        layer.set_times(no)


def build_plain_src(top):
    src = Layer(os.path.join(top, "src"))
    src.d("out", 0o755)
    src.f("out/new.txt", "new in the copy\n")
    src.f("out/shadowed.txt", "shadows the lower file\n", 0o640)
    src.f("out/wiped/x", "a directory where upper had a whiteout\n")
    src.d("out/wiped", 0o750)
    src.f("out/sub/deeper/leaf", "leaf\n", xattrs={"user.src": b"1"})
    src.sym("out/sub/rel", "deeper/leaf")
    src.hard("out/leaf-link", "out/sub/deeper/leaf")
    src.big("out/big.bin", 2 << 20, seed=7)
    src.set_times(9)


def build_dest(top):
    up, d1, d2 = (Layer(os.path.join(top, n)) for n in ("upper", "d1", "d2"))

    d2.f("etc/passwd", "root:x:0:0::/root:/bin/sh\n"
         "appuser:x:4242:4242::/:/bin/sh\n")
    d2.f("etc/group", "root:x:0:\nappgroup:x:4242:\n")
    d2.d("app", 0o750, owner=(1000, 1000), xattrs={"user.app": b"d2"})
    d2.f("app/existing.txt", "in the lower app\n")
    d2.f("app/shadowed.txt", "the copy shadows this\n")
    d2.f("app/wiped/old", "whited out in upper, must stay hidden\n")
    d2.d("srv", 0o711, owner=(7, 8))
    d2.d("srv/lower-only", 0o710, owner=(77, 88),
         xattrs={"user.lower": b"only"})
    d2.f("srv/lower-only/resident", "already there\n")
    d2.sym("web", "/srv/lower-only")
    d2.f("gone/old", "a top-level directory whited out in upper\n")

    # d1 overrides /etc/passwd: the merged view names uid 4343.
    d1.f("etc/passwd", "root:x:0:0::/root:/bin/sh\n"
         "appuser:x:4343:4343::/:/bin/sh\n")
    d1.d("app", 0o755, owner=(1000, 1000), xattrs={"user.app": b"d1"})
    d1.f("app/from-d1", "in the middle layer\n")

    # upper: a copied-up /app (as the kernel leaves it) with a whiteout
    # over app/wiped, and a whiteout over /gone.
    up.d("app", 0o755, owner=(1000, 1000), xattrs={"user.app": b"d1"})
    up.whiteout("app/wiped")
    up.whiteout("gone")

    for no, layer in ((6, d2), (5, d1)):
        layer.set_times(no)
    # The copied-up /app keeps d1's times, as a kernel copy-up does.
    st = os.lstat(d1.p("app"))
    up.set_times(4)
    os.utime(up.p("app"), ns=(st.st_atime_ns, st.st_mtime_ns))
    build_plain_src(top)


def build_base(top):
    b1, b2 = (Layer(os.path.join(top, n)) for n in ("b1", "b2"))

    b2.f("etc/passwd", "root:x:0:0::/root:/bin/sh\n"
         "appuser:x:4242:4242::/:/bin/sh\n")
    b2.f("etc/group", "root:x:0:\nappgroup:x:4242:\n")
    b2.d("app", 0o700, owner=(1000, 1000), xattrs={"user.app": b"b2"})
    b2.f("app/base.txt", "in the base\n")
    b2.f("app/sub/old", "whited out in b1\n")
    b2.f("app/shadowed.txt", "the copy shadows this\n")
    b2.f("app/wiped/x", "hidden by b1\n")

    b1.f("etc/passwd", "root:x:0:0::/root:/bin/sh\n"
         "appuser:x:4343:4343::/:/bin/sh\n")
    b1.f("etc/group", "root:x:0:\nappgroup:x:4344:\n")
    b1.d("app", 0o750, owner=(1000, 1000))
    b1.whiteout("app/sub")
    b1.f("app/from-b1", "in the top base layer\n")

    for no, layer in ((8, b2), (7, b1)):
        layer.set_times(no)
    build_plain_src(top)


def build_refuse(top, kind):
    l1, l2 = (Layer(os.path.join(top, n)) for n in ("l1", "l2"))
    l2.f("out/plain", "plain\n")
    data = b"the data of a metacopy file\n"
    l2.f("out/data.bin", data)
    l2.f("out/old-name/x", "a directory l1 renames\n")
    l1.f("out/other", "fine\n")
    if kind == "metacopy":
        # A metadata-only copy-up: l1 holds the inode, l2 the data.
        l1.f("out/data.bin", b"", 0o600)
        os.truncate(l1.p("out/data.bin"), len(data))
        l1.xattr("out/data.bin", ovl("metacopy"), b"")
    elif kind == "redirect":
        # A renamed merge directory: l1's new-name continues l2's
        # old-name.
        l1.f("out/new-name/y", "after the rename\n")
        l1.xattr("out/new-name", ovl("redirect"), b"old-name")
        l1.whiteout("out/old-name")
    else:
        raise SystemExit(f"mkstack.py: unknown refusal kind {kind}")
    for no, layer in ((2, l2), (1, l1)):
        layer.set_times(no)


def main(argv):
    global NS
    if "--userxattr" in argv:
        NS = "user"
        argv = [a for a in argv if a != "--userxattr"]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, top = argv[0], argv[1]
    os.umask(0o022)
    if cmd == "source" and len(argv) == 2:
        build_source(top)
    elif cmd == "dest" and len(argv) == 2:
        build_dest(top)
    elif cmd == "base" and len(argv) == 2:
        build_base(top)
    elif cmd == "refuse" and len(argv) == 3:
        build_refuse(top, argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
