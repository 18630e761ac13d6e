#!/bin/bash
# File capabilities and setuid/setgid bits survive the copy.  Both are
# cleared by the kernel when a file changes owner, so stagecp must set the
# owner first and mode and security.capability after.
. "$(dirname "$0")/../lib.sh"

require_root
require_cmd setcap getcap mkfs.ext4
require_stagecp

m=$T/ext4
mkfs_mount ext4 128M "$m"
src=$m/src/usr/bin
mkdir -p "$src" "$m/dst1" "$m/dst-auto" "$m/dst-rw"

cp /bin/true "$src/pinger"
setcap cap_net_raw+ep "$src/pinger"

cp /bin/true "$src/suid"
chown 1234:1234 "$src/suid"
chmod 4755 "$src/suid"

cp /bin/true "$src/sgid"
chown 1234:5678 "$src/sgid"
chmod 2755 "$src/sgid"

# Owned by someone else and capable: the order matters twice.
cp /bin/true "$src/owned-pinger"
chown 1234:1234 "$src/owned-pinger"
chmod 0750 "$src/owned-pinger"
setcap cap_net_bind_service+ep "$src/owned-pinger"

check_caps() {
	local dir=$1 caps

	caps=$(getcap "$dir/pinger")
	echo "getcap: $caps"
	grep -q 'cap_net_raw[=+]ep' <<<"$caps" || fail "$dir/pinger lost cap_net_raw"
	caps=$(getcap "$dir/owned-pinger")
	echo "getcap: $caps"
	grep -q 'cap_net_bind_service[=+]ep' <<<"$caps" ||
		fail "$dir/owned-pinger lost cap_net_bind_service"
	[ "$(stat -c '%a %u %g' "$dir/owned-pinger")" = "750 1234 1234" ] ||
		fail "$dir/owned-pinger: $(stat -c '%a %u %g' "$dir/owned-pinger")"
	"$dir/pinger" || fail "$dir/pinger does not run"
}

check_suid() {
	local dir=$1 got

	got=$(stat -c '%a %u %g' "$dir/suid")
	[ "$got" = "4755 1234 1234" ] || fail "$dir/suid: $got, want 4755 1234 1234"
	got=$(stat -c '%a %u %g' "$dir/sgid")
	[ "$got" = "2755 1234 5678" ] || fail "$dir/sgid: $got, want 2755 1234 5678"
}

step "single files"
"$STAGECP" --from="$m/src" --to="$m/dst1" /usr/bin/pinger /usr/bin/suid \
	/usr/bin/sgid /usr/bin/owned-pinger /bin/ || fail "stagecp failed"
check_caps "$m/dst1/bin"
check_suid "$m/dst1/bin"

for strategy in auto rw; do
	step "the whole directory, --strategy=$strategy"
	"$STAGECP" --strategy=$strategy --from="$m/src" --to="$m/dst-$strategy" \
		/usr /usr || fail "stagecp --strategy=$strategy failed"
	check_caps "$m/dst-$strategy/usr/bin"
	check_suid "$m/dst-$strategy/usr/bin"
	treecmp "$m/src/usr" "$m/dst-$strategy/usr" --ignore-top
done
echo "ok: capabilities and set-id bits kept"
