#!/bin/sh
# resources/passdeckd.service: the directives docs/agent.md promises are there, and
# `systemd-analyze verify` accepts the unit (skipped, exit 77, when systemd-analyze is absent).
# Usage: check_service.sh SERVICE_FILE PASSDECKD
set -eu
unit=$1
agent=$2
for directive in 'Type=simple' 'ExecStart=/usr/sbin/passdeckd' 'Group=passdeck' 'StateDirectory=passdeckd' 'StateDirectoryMode=0750' \
    'ProtectSystem=strict' 'ReadWritePaths=/etc/udev/rules.d' 'NoNewPrivileges=yes' 'PrivateTmp=yes' 'ProtectHome=yes' \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallArchitectures=native' 'ProtectKernelTunables=no'; do
    if ! grep -q "^$directive" "$unit"; then
        echo "check_service: $unit lacks '$directive'" >&2
        exit 1
    fi
done
command -v systemd-analyze >/dev/null 2>&1 || { echo "check_service: no systemd-analyze, skipped"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# verify insists that ExecStart exists: point it at the binary just built.
sed "s#/usr/sbin/passdeckd#$agent#" "$unit" > "$dir/passdeckd.service"
systemd-analyze verify "$dir/passdeckd.service"
echo "check_service: $unit verified"
