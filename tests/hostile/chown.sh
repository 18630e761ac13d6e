# Shared by the --chown cases: the destination stage's own account files.
# In the stage, daemon is 777:778; on the (fake and real) host it is 1:1.
# shellcheck shell=bash

# stage_accounts DIR: DIR/passwd and DIR/group as a stage would have them.
stage_accounts() {
	mkdir -p "$1"
	printf 'root:x:0:0:stage root:/root:/bin/sh\ndaemon:x:777:778:stage daemon:/:/bin/false\n' \
		>"$1/passwd"
	printf 'root:x:0:\ndaemon:x:778:\nstaff:x:5050:\n' >"$1/group"
}

# A source tree of a file and a directory to chown.
chown_tree() {
	mkdir -p "$SRC/tree/dir"
	echo inside >"$SRC/tree/file"
	echo inside >"$SRC/tree/dir/file"
}

# expect_no_owner UID: no entry under DST/app is owned by UID (the host's
# daemon: a sign the host's passwd was read).
expect_no_owner() {
	local hit
	hit=$(find "$DST/app" -uid "$1" 2>/dev/null | head -n 3 |
		tr '\n' ' ') || true
	[ -z "$hit" ] || problem "owned by uid $1 (the host's): $hit"
}

# passwd_symlinks_case TARGET: the destination's /etc/passwd and /etc/group
# are symlinks to TARGET/passwd and TARGET/group, which name the host's
# files outside the stage; resolved in the destination root they must name
# DST/TARGET, where the stage's accounts are (daemon 777:778, 1:1 on the
# host).
passwd_symlinks_case() {
	chown_tree
	stage_accounts "$DST$1"
	mkdir -p "$DST/etc"
	ln -s "$1/passwd" "$DST/etc/passwd"
	ln -s "$1/group" "$DST/etc/group"
	snap_before

	run_copy --from="$SRC" --to="$DST" --chown=daemon:daemon /tree /app/
	expect_success
	expect_owner "$DST/app/file" 777 778
	expect_owner "$DST/app/dir/file" 777 778
	expect_no_owner 1
}

# expect_lookup_refused: the --chown lookup failed, naming the file or the
# name, with status 1.
expect_lookup_refused() {
	expect_rc 1
	expect_errors "^stagecp: .*(passwd|daemon).*: .+: .+"
}
