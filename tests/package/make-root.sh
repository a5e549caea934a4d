#!/bin/sh
# make-root.sh — a clean Debian 12 (minbase) for the package test, made once by debootstrap and
# cached; every run installs into a fresh copy of it.
#
# Cache dir: $PASSDECK_ROOT_CACHE or ${XDG_CACHE_HOME:-$HOME/.cache}/passdeck/bookworm-root
# Prints the cached root on the last line of stdout as ROOT=<dir>.
# Exit 0 ok, 77 when it cannot be made here (not root, no debootstrap, no mirror), 1 otherwise.
set -eu

CACHE=${PASSDECK_ROOT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/passdeck/bookworm-root}
ROOT=$CACHE/root
log() { echo "make-root: $*" >&2; }

if [ -f "$ROOT/.passdeck-complete" ]; then
    echo "ROOT=$ROOT"
    exit 0
fi
[ "$(id -u)" = 0 ] || { log "debootstrap and chroot need root"; exit 77; }
command -v debootstrap >/dev/null 2>&1 || { log "debootstrap is not installed (scripts/setup test installs it)"; exit 77; }

# The mirror this machine's apt uses (deb822 or one-line format), else Debian's own.
MIRROR=${PASSDECK_DEBIAN_MIRROR:-}
if [ -z "$MIRROR" ]; then
    MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
fi
if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list ]; then
    MIRROR=$(awk '$1 == "deb" && $2 ~ /^http/ && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
fi
MIRROR=${MIRROR:-http://deb.debian.org/debian}

mkdir -p "$CACHE"
NEW=$CACHE/root.new
rm -rf "$NEW"
log "debootstrap --variant=minbase bookworm from $MIRROR (once; cached in $CACHE)"
if ! debootstrap --variant=minbase bookworm "$NEW" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
    log "debootstrap failed (see $CACHE/debootstrap.log)"
    tail -n 5 "$CACHE/debootstrap.log" >&2 || true
    rm -rf "$NEW"
    exit 77
fi
# The package lists, so that apt-get install in a copy only downloads what it installs.
cp /etc/resolv.conf "$NEW/etc/resolv.conf" 2>/dev/null || true
if ! chroot "$NEW" apt-get update -qq >&2; then
    log "apt-get update in the new root failed"
    rm -rf "$NEW"
    exit 77
fi
chroot "$NEW" apt-get clean
touch "$NEW/.passdeck-complete"
rm -rf "$ROOT"
mv "$NEW" "$ROOT"
echo "ROOT=$ROOT"
