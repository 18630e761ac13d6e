#!/bin/bash
# Source entries of different types trade places (renameat2
# RENAME_EXCHANGE) while copies run, for every pair of types: a regular
# file, another regular file (other inode, mode and data), a FIFO, a
# symlink to a sentinel outside, a directory, a character device and a
# socket.  Whatever the walk saw, the open must find it again: an fd of
# another type (or, for a file, another inode) skips the entry with the
# "changed during the copy" warning and leaves nothing for it under DEST;
# a FIFO is never opened blocking.  Each name present in DEST is one of
# its pair's two source entries, whole: its type, and for a file its mode
# and data together, never an empty placeholder.
. "$(dirname "$0")/../case.sh"
host_setup
mkdir -p "$SRC/tree"
make_files "$SRC/tree" 20

# make_entry KIND PATH: one source entry of that kind.
make_entry() {
	case $1 in
	file) printf 'file data\n' >"$2" && chmod 0644 "$2" ;;
	file2) head -c 200000 /dev/zero | tr '\0' b >"$2" && chmod 0751 "$2" ;;
	fifo) mkfifo -m 0640 "$2" ;;
	symlink) ln -s "$HOST/outside/secret" "$2" ;;
	dir) mkdir -m 0750 "$2" && printf 'in dir\n' >"$2/inner" ;;
	chr) mknod -m 0600 "$2" c 1 3 ;;
	sock) python3 -S -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o710)' "$2" ;;
	esac
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
kinds=(file file2 fifo symlink dir chr sock)
mkdir "$T/kinds"
for k in "${kinds[@]}"; do
	make_entry "$k" "$T/kinds/$k"
done
run_copy --to="$DST" --from="$T/kinds" / /kinds/
expect_success
while read -r k v; do
	want[$k]=$v
done < <(looks "$DST/kinds")
rm -rf "$DST/kinds"

# Every pair in one tree, so that each copy races all of them.
pairs=()
for ((i = 0; i < ${#kinds[@]}; i++)); do
	for ((j = i + 1; j < ${#kinds[@]}; j++)); do
		p=${kinds[i]}-${kinds[j]}
		make_entry "${kinds[i]}" "$SRC/tree/$p.a"
		make_entry "${kinds[j]}" "$SRC/tree/$p.b"
		pairs+=("$p.a" "$p.b")
	done
done
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
