#!/bin/sh
# Both packages into a clean Debian 12: a fresh copy of a debootstrap'd minbase root (made once by
# make-root.sh and cached), apt-get install of the two .deb files (dependencies from the mirror),
# then, inside the chroot and so from the installed files alone:
#   passdeck-cli --version, passdeckd --help, passdeck-cli sim build + devices on a simulated node;
# the group passdeck, the state dir and the enabled unit; then apt-get purge, and every file the packages had
# is gone. No service starts (policy-rc.d 101; the chroot has no systemd running).
# Usage: check_install.sh PACKAGES_DIR VERSION
# Exit 77 (skipped) when not root or when the clean root cannot be made here (no debootstrap, no
# mirror).
set -eu
packages=$1
version=$2
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "check_install: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { echo "check_install: chroot needs root, skipped"; exit 77; }
arch=$(dpkg --print-architecture)
gui=$packages/passdeck_${version}_${arch}.deb
agent=$packages/passdeck-agent_${version}_${arch}.deb
[ -f "$gui" ] && [ -f "$agent" ] || fail "no packages of version $version in $packages (tst_package_build makes them)"

cached=$("$here/make-root.sh" | sed -n 's/^ROOT=//p') || true
[ -n "$cached" ] || { echo "check_install: no clean Debian 12 root here (make-root.sh), skipped"; exit 77; }
cache=$(dirname "$cached")

work=$packages/install-test
root=$work/root
# Unmount what this test mounted, whatever happened; remove the copy only when nothing is
# mounted under it (rm -rf must never reach the host's /proc).
cleanup() {
    if mountpoint -q "$root/proc" 2>/dev/null; then
        umount "$root/proc" || umount -l "$root/proc" || true
    fi
    if grep -qF " $root/" /proc/mounts; then
        echo "check_install: something is still mounted under $root; left in place" >&2
    else
        rm -rf "$work"
    fi
}
cleanup
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$work"
cp -a "$cached" "$root"
rm -f "$root/.passdeck-complete"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
# Packages downloaded by an earlier run (apt checks them against the lists).
mkdir -p "$cache/archives"
cp "$cache"/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
cp "$gui" "$agent" "$root/tmp/"
# The CLI reads /proc (mounts, its own executable); nothing else is mounted.
mount -t proc proc "$root/proc"

in_root() {
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive PASSDECK_FORBID_REAL_SYSFS=1 "$@"
}

install_debs() {
    in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$gui")" "/tmp/$(basename "$agent")" >"$work/apt-install.log" 2>&1
}
# The cached package lists age: when the mirror no longer has a version they name, read them
# again once.
if ! install_debs; then
    echo "check_install: apt-get install failed; apt-get update and once more" >&2
    if ! in_root apt-get update -q >"$work/apt-update.log" 2>&1 || ! install_debs; then
        cat "$work/apt-install.log" >&2
        fail "apt-get install of the two packages failed"
    fi
fi
cp -n "$root"/var/cache/apt/archives/*.deb "$cache/archives/" 2>/dev/null || true
echo "check_install: installed $(basename "$gui") and $(basename "$agent") into a clean Debian 12"

# From the installed files alone: the chroot holds neither the source nor the build tree.
got=$(in_root passdeck-cli --version) || fail "passdeck-cli --version failed"
[ "$got" = "passdeck-cli $version" ] || fail "passdeck-cli --version printed '$got'"
got=$(in_root passdeckd --version) || fail "passdeckd --version failed"
[ "$got" = "passdeckd $version" ] || fail "passdeckd --version printed '$got'"
in_root passdeckd --help > "$work/help.txt" || fail "passdeckd --help failed"
grep -q '^Usage: passdeckd' "$work/help.txt" || fail "passdeckd --help printed no usage: $(cat "$work/help.txt")"
[ "$(in_root sh -c 'command -v passdeckd')" = /usr/sbin/passdeckd ] || fail "passdeckd is not /usr/sbin/passdeckd"
# A simulated node from the compiled-in description, one from the installed copy, their devices
# named from the pci.ids package.
in_root passdeck-cli sim build /tmp/node-a --description :/demo/node-a.json >/dev/null || fail "sim build (compiled-in) failed"
in_root passdeck-cli sim build /tmp/node-b --description /usr/share/passdeck/demo/node-b.json >/dev/null \
    || fail "sim build from /usr/share/passdeck/demo failed"
in_root passdeck-cli --host-root /tmp/node-a --simulate devices > "$work/devices.txt" 2>"$work/devices.err" \
    || fail "passdeck-cli devices failed: $(cat "$work/devices.err")"
grep -q '0000:02:00.0' "$work/devices.txt" || fail "devices does not list 0000:02:00.0: $(cat "$work/devices.txt")"
grep -q 'ASPEED' "$work/devices.txt" || fail "devices names no device from the pci.ids package: $(cat "$work/devices.txt")"
in_root passdeck-cli --host-root /tmp/node-b --simulate --json devices > "$work/devices-b.json" || fail "devices on node-b failed"
echo "check_install: passdeck-cli devices lists the simulated node's $(grep -c '^0000:' "$work/devices.txt") device lines"

# The agent package's group, unit (enabled, not started) and tmpfiles/sysusers entries.
in_root getent group passdeck >/dev/null || fail "the group passdeck was not created"
[ -L "$root/etc/systemd/system/multi-user.target.wants/passdeckd.service" ] || fail "passdeckd.service is not enabled"
if pgrep -x passdeckd >/dev/null 2>&1; then
    for pid in $(pgrep -x passdeckd); do
        if [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ]; then
            fail "the install started passdeckd in the chroot"
        fi
    done
fi

# Removal: every file the packages installed is gone, and purge takes the agent's state.
# The packages' files (dpkg -L lists their directories too, shared ones such as /usr/bin and the
# /lib symlink of the merged /usr among them: those stay).
in_root dpkg -L passdeck passdeck-agent > "$work/paths.txt" || fail "dpkg -L failed"
while read -r path; do
    [ -n "$path" ] && [ ! -d "$root$path" ] && echo "$path"
done < "$work/paths.txt" > "$work/files.txt" || true
[ "$(wc -l < "$work/files.txt")" -ge 10 ] || fail "dpkg -L lists only $(wc -l < "$work/files.txt") files: $(cat "$work/files.txt")"
mode=$(in_root stat -c '%a %U:%G' /var/lib/passdeckd) || fail "the install made no /var/lib/passdeckd"
[ "$mode" = "750 root:passdeck" ] || fail "/var/lib/passdeckd is $mode, not 750 root:passdeck"
# What a run of the agent leaves there, which the purge must take too.
echo state > "$root/var/lib/passdeckd/token"
in_root apt-get purge -y -q passdeck passdeck-agent >"$work/apt-purge.log" 2>&1 || { cat "$work/apt-purge.log" >&2; fail "apt-get purge failed"; }
left=0
while read -r path; do
    [ -n "$path" ] || continue
    if [ -f "$root$path" ] || [ -L "$root$path" ]; then
        echo "check_install: $path is still there after the purge" >&2
        left=$((left + 1))
    fi
done < "$work/files.txt"
[ "$left" = 0 ] || fail "$left file(s) of the packages are left"
for path in /usr/bin/passdeck /usr/bin/passdeck-cli /usr/sbin/passdeckd /lib/systemd/system/passdeckd.service \
    /etc/systemd/system/multi-user.target.wants/passdeckd.service /var/lib/passdeckd; do
    [ ! -e "$root$path" ] || fail "$path is still there after the purge"
done
if in_root dpkg-query -W -f='${Status}\n' passdeck passdeck-agent 2>/dev/null | grep -q ' installed$'; then
    fail "dpkg still lists the packages as installed"
fi
echo "check_install: purged; none of the $(wc -l < "$work/files.txt") files of the packages is left"
