#!/bin/sh
# --version of passdeck, passdeck-cli and passdeckd prints CMake's project(VERSION), and the man
# pages name the same version (docs/packaging.md: one version, from the top CMakeLists.txt).
# Usage: check_version.sh VERSION PASSDECK PASSDECK_CLI PASSDECKD MAN_DIR
set -eu
version=$1
fail() { echo "check_version: $*" >&2; exit 1; }
expect() {
    name=$1
    shift
    got=$("$@" --version) || fail "$name --version exited $?"
    [ "$got" = "$name $version" ] || fail "$name --version printed '$got', not '$name $version'"
    echo "check_version: $got"
}
expect passdeck "$2"
expect passdeck-cli "$3"
expect passdeckd "$4"
# The CLI's --version stands anywhere, before any check of a store or a command.
got=$("$3" --db /nonexistent/dir/x.db --version) || fail "passdeck-cli --db ... --version exited $?"
[ "$got" = "passdeck-cli $version" ] || fail "passdeck-cli --db ... --version printed '$got'"
for page in "$5"/passdeck.1 "$5"/passdeck-cli.1 "$5"/passdeckd.8; do
    grep -q "^\.TH .* \"Passdeck $version\" " "$page" || fail "$page: its .TH line does not say \"Passdeck $version\""
done
echo "check_version: the man pages say Passdeck $version"
