#!/bin/sh
# scripts/package on this build tree: two .deb files carrying project(VERSION), each with the
# files docs/packaging.md lists, the agent's without the GUI libraries, and no lintian error.
# Usage: check_build.sh SOURCE_DIR BUILD_DIR VERSION
# Exit 77 (skipped) when dpkg-dev or lintian is missing (scripts/setup test installs both).
set -eu
repo=$1
build=$2
version=$3
fail() { echo "check_build: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps dpkg-gencontrol lintian; do
    command -v "$tool" >/dev/null 2>&1 || { echo "check_build: $tool is missing (scripts/setup test installs dpkg-dev and lintian), skipped"; exit 77; }
done

debs=$(PASSDECK_BUILD_DIR=$build PASSDECK_JOBS=2 "$repo/scripts/package" | tail -n 2) || fail "scripts/package failed"
arch=$(dpkg --print-architecture)
gui=$build/packages/passdeck_${version}_${arch}.deb
agent=$build/packages/passdeck-agent_${version}_${arch}.deb
[ "$debs" = "$gui
$agent" ] || fail "scripts/package printed '$debs', not the two packages of version $version"

for deb in "$gui" "$agent"; do
    [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb: Version is $(dpkg-deb -f "$deb" Version), not $version"
done
has() {
    deb=$1
    shift
    listing=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
    for path in "$@"; do
        echo "$listing" | grep -qxF "./$path" || fail "$(basename "$deb") lacks /$path"
    done
}
has "$gui" usr/bin/passdeck usr/bin/passdeck-cli usr/share/applications/passdeck.desktop \
    usr/share/icons/hicolor/scalable/apps/passdeck.svg usr/share/man/man1/passdeck.1.gz usr/share/man/man1/passdeck-cli.1.gz \
    usr/share/bash-completion/completions/passdeck-cli usr/share/passdeck/demo/node-a.json usr/share/passdeck/demo/node-b.json \
    usr/share/doc/passdeck/copyright usr/share/doc/passdeck/changelog.gz
has "$agent" usr/sbin/passdeckd lib/systemd/system/passdeckd.service usr/lib/sysusers.d/passdeck.conf \
    usr/lib/tmpfiles.d/passdeck.conf usr/share/man/man8/passdeckd.8.gz usr/share/doc/passdeck-agent/copyright
dpkg-deb -c "$gui" | grep -q 'sbin/passdeckd' && fail "the passdeck package carries the agent"
dpkg-deb -c "$agent" | grep -q 'bin/passdeck-cli' && fail "the passdeck-agent package carries the CLI"

# Dependencies from the binaries (dpkg-shlibdeps), plus what only runs as a plugin or data file.
gdeps=$(dpkg-deb -f "$gui" Depends)
adeps=$(dpkg-deb -f "$agent" Depends)
for dep in libqt6core6 libqt6widgets6 libqt6sql6 libpci3 libc6 pci.ids libqt6sql6-sqlite qt6-qpa-plugins; do
    echo "$gdeps" | grep -q "\(^\|, \)$dep\( \|,\|$\)" || fail "passdeck does not depend on $dep: $gdeps"
done
for dep in libqt6core6 libqt6network6 libpci3 libssl3 pci.ids; do
    echo "$adeps" | grep -q "\(^\|, \)$dep\( \|,\|$\)" || fail "passdeck-agent does not depend on $dep: $adeps"
done
echo "$adeps" | grep -q 'libqt6widgets6\|libqt6gui6\|libqt6sql6' && fail "passdeck-agent depends on the GUI or SQL libraries: $adeps"

# The unit names the agent where the package puts it; the agent's maintainer scripts are there.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -R "$agent" "$tmp/agent"
grep -qx 'ExecStart=/usr/sbin/passdeckd --host-root / --listen 0.0.0.0:7443 --state-dir /var/lib/passdeckd' \
    "$tmp/agent/lib/systemd/system/passdeckd.service" || fail "the packaged unit does not start /usr/sbin/passdeckd"
for script in postinst prerm postrm; do
    [ -x "$tmp/agent/DEBIAN/$script" ] || fail "passdeck-agent has no $script"
done
grep -q 'deb-systemd-helper' "$tmp/agent/DEBIAN/postinst" || fail "postinst does not enable the unit"

# lintian: no error (warnings are listed in docs/packaging.md).
lintian --fail-on error --tag-display-limit 0 "$gui" "$agent" || fail "lintian reports errors"
echo "check_build: $(basename "$gui") and $(basename "$agent") built, lintian reports no error"
