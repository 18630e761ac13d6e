#!/bin/bash
# Source entries of different types trade places (renameat2
# RENAME_EXCHANGE) while copies run, for every pair of types: a regular
# file, another regular file (other inode, mode and data), a FIFO, a
# symlink to a sentinel file outside, a symlink to the sentinel directory,
# a directory, a character device and a socket.  (It took the place of
# the file/FIFO, file/symlink and directory/symlink swap cases.)  Whatever the walk saw, the open must find it again: an fd of
# another type (or, for a file, another inode) skips the entry with the
# "changed during the copy" warning and leaves nothing for it under DEST;
# a FIFO is never opened blocking.  Each name present in DEST is one of
# its pair's two source entries, whole: its type, and for a file its mode
# and data together, never an empty placeholder.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
make_files "$SRC/tree" 20

# make_entries DIR KIND NAME [KIND NAME]...: source entries of those
# kinds, made by one process (the setup is most of a case's time).
make_entries() {
	SECRET=$HOST/outside/secret python3 -S -c 'import os, socket, sys
d, args = sys.argv[1], sys.argv[2:]
socks = []
for kind, name in zip(args[0::2], args[1::2]):
    p = os.path.join(d, name)
    if kind == "file":
        with open(p, "w") as f:
            f.write("file data\n")
        os.chmod(p, 0o644)
    elif kind == "file2":
        with open(p, "w") as f:
            f.write("b" * 200000)
        os.chmod(p, 0o751)
    elif kind == "fifo":
        os.mkfifo(p, 0o640)
    elif kind == "symlink":
        os.symlink(os.environ["SECRET"], p)
    elif kind == "dirlink":
        os.symlink(os.path.dirname(os.environ["SECRET"]), p)
    elif kind == "dir":
        os.mkdir(p, 0o750)
        with open(os.path.join(p, "inner"), "w") as f:
            f.write("in dir\n")
    elif kind == "chr":
        os.mknod(p, 0o600 | 0o020000, os.makedev(1, 3))
    elif kind == "sock":
        s = socket.socket(socket.AF_UNIX)
        s.bind(p)
        socks.append(s)
        os.chmod(p, 0o710)' "$@"
}

# looks DIR: "NAME LOOK" for each entry of DIR, LOOK being what a copy
# shows: type, mode, then data digest, link text or directory listing.
looks() {
	python3 -S -c 'import hashlib, os, stat, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    p = os.path.join(d, n)
    st = os.lstat(p)
    m = "%04o" % stat.S_IMODE(st.st_mode)
    if stat.S_ISREG(st.st_mode):
        with open(p, "rb") as f:
            v = "file %s %s" % (m, hashlib.md5(f.read()).hexdigest())
    elif stat.S_ISLNK(st.st_mode):
        v = "symlink " + os.readlink(p)
    elif stat.S_ISDIR(st.st_mode):
        v = "dir %s %s" % (m, " ".join(sorted(os.listdir(p))))
    else:
        v = "%s %s" % (stat.S_IFMT(st.st_mode), m)
    print(n, v)' "$1"
}

# The copy of each kind, made once without a race.
declare -A want
kinds=(file file2 fifo symlink dirlink dir chr sock)
mkdir "$T/kinds"
args=()
for k in "${kinds[@]}"; do
	args+=("$k" "$k")
done
make_entries "$T/kinds" "${args[@]}"
run_copy --to="$DST" --from="$T/kinds" / /kinds/
expect_success
while read -r k v; do
	want[$k]=$v
done < <(looks "$DST/kinds")
rm -rf "$DST/kinds"

# Every pair in one tree, so that each copy races all of them.
pairs=()
args=()
for ((i = 0; i < ${#kinds[@]}; i++)); do
	for ((j = i + 1; j < ${#kinds[@]}; j++)); do
		p=${kinds[i]}-${kinds[j]}
		args+=("${kinds[i]}" "$p.a" "${kinds[j]}" "$p.b")
		pairs+=("$p.a" "$p.b")
	done
done
make_entries "$SRC/tree" "${args[@]}"
# The racer swaps each pair back before it ends.
vol=(--volatile "$SRC/tree")
for p in "${pairs[@]}"; do
	vol+=(--volatile "$SRC/tree/$p")
done
snap_before "${vol[@]}"

one_copy() {
	local n got p
	run_copy --from="$SRC" --to="$DST" /tree "/run$1/"
	expect_success
	while read -r n got; do
		case $n in *.a | *.b) ;; *) continue ;; esac
		p=${n%.?}
		[ "$got" = "${want[${p%-*}]}" ] ||
			[ "$got" = "${want[${p#*-}]}" ] ||
			problem "run$1/$n: $got; expected '${want[${p%-*}]}' or '${want[${p#*-}]}'"
	done < <(looks "$DST/run$1")
	rm -rf "$DST/run$1"
}

racer "$SRC/tree" "${pairs[@]}"
race_loop "${RACE_SECONDS:-8}" 40 one_copy
stop_racing
finish
