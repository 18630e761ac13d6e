# shellcheck shell=bash
# What bench/run.sh and bench/buildah.sh share; sourced.  The caller sets
# prog (its name in messages).

die() {
	echo "$prog: $*" >&2
	exit 1
}

log() {
	echo "[$(date +%T)] $*" >&2
}

used_bytes() {
	local blocks free bsize
	read -r blocks free bsize < <(stat -f -c '%b %f %S' "$1")
	echo $(((blocks - free) * bsize))
}

# Flushes the filesystem at $1 and waits until its usage stops moving (xfs
# and btrfs free blocks in the background), then prints it.
settled_used() {
	local mnt=$1 prev cur i
	sync -f "$mnt"
	prev=$(used_bytes "$mnt")
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		sleep 0.1
		sync -f "$mnt"
		cur=$(used_bytes "$mnt")
		[ "$cur" != "$prev" ] || break
		prev=$cur
	done
	echo "$cur"
}
