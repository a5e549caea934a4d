#!/bin/sh
# fetch-deps.sh — host-side dependencies of the real-kernel test.
#
# Idempotent and quick when already done:
#   * installs qemu-system-x86, busybox-static, cpio, kmod, xz-utils, zstd, python3 if missing
#     (the same list as scripts/setup's test mode)
#     (apt-get update first only when a package can't be found);
#   * downloads (never installs) the newest Debian linux-image-6.1.0-N-amd64 package into a cache dir
#     and extracts vmlinuz + modules with dpkg-deb -x.
#
# Cache dir: $PASSDECK_KERNEL_CACHE or ${XDG_CACHE_HOME:-$HOME/.cache}/passdeck/kernel
# Prints the kernel tree (the extracted root, containing boot/vmlinuz-* and lib/modules/*) on the
# last line of stdout as KERNEL_TREE=<dir>.  Exit 0 ok, 77 when QEMU can't be had, 1 other failure.
set -eu

CACHE=${PASSDECK_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/passdeck/kernel}
log() { echo "fetch-deps: $*" >&2; }

SUDO=
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

UPDATED=0
apt_update_once() {
    if [ "$UPDATED" = 0 ]; then
        log "apt-get update"
        $SUDO apt-get update -qq >&2 || true
        UPDATED=1
    fi
}

missing=
for p in qemu-system-x86 busybox-static cpio kmod xz-utils zstd python3; do
    have_pkg "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
        log "missing packages:$missing and not root (no sudo): cannot install"
    else
        # apt-get update first if any package is unknown to apt-cache
        for p in $missing; do
            if ! apt-cache show "$p" >/dev/null 2>&1; then apt_update_once; break; fi
        done
        log "installing:$missing"
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2 \
          || { apt_update_once; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2; } \
          || log "apt-get install failed for:$missing"
    fi
fi
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
    log "SKIP: qemu-system-x86_64 is not available after the install attempt"
    exit 77
fi
for t in busybox cpio dpkg-deb gzip python3 depmod timeout; do
    command -v "$t" >/dev/null 2>&1 || { log "required tool missing: $t"; exit 1; }
done
[ -x /bin/busybox ] || { log "/bin/busybox missing (busybox-static)"; exit 1; }

mkdir -p "$CACHE"

# Pick the kernel: an explicit $PASSDECK_KERNEL_PKG, else the newest linux-image-6.1.0-N-amd64 that
# apt-cache can show with a candidate version (a local look-up), else the cached one.
newest_pkg() {
    apt-cache pkgnames linux-image-6.1.0- 2>/dev/null \
        | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -t- -k4,4nr \
        | while read -r p; do
            if apt-cache show "$p" 2>/dev/null | grep -q '^Version:'; then echo "$p"; break; fi
          done
}

PKG=${PASSDECK_KERNEL_PKG:-}
[ -n "$PKG" ] || PKG=$(newest_pkg)
if [ -z "$PKG" ] && [ -f "$CACHE/current" ]; then
    # apt lists unavailable: keep using what is already cached
    PKG=$(cat "$CACHE/current")
    [ -f "$CACHE/$PKG/.extracted" ] || PKG=
fi
if [ -z "$PKG" ]; then
    apt_update_once; PKG=$(newest_pkg)
    # fall back to the -unsigned variant only if no signed one exists
    if [ -z "$PKG" ]; then
        PKG=$(apt-cache pkgnames linux-image-6.1.0- | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | sort -t- -k4,4nr | head -n1)
    fi
    [ -n "$PKG" ] || { log "no linux-image-6.1.0-*-amd64 package known to apt"; exit 1; }
fi

TREE="$CACHE/$PKG"
if [ ! -f "$TREE/.extracted" ]; then
    log "downloading $PKG (download only, not installed)"
    dl="$CACHE/dl.$$"
    rm -rf "$dl"; mkdir -p "$dl"
    ( cd "$dl" && apt-get download "$PKG" >&2 ) || { apt_update_once; ( cd "$dl" && apt-get download "$PKG" >&2 ); }
    deb=$(ls "$dl"/*.deb | head -n1)
    rm -rf "$TREE.tmp"; mkdir -p "$TREE.tmp"
    log "extracting $(basename "$deb")"
    dpkg-deb -x "$deb" "$TREE.tmp"
    ls "$TREE.tmp"/boot/vmlinuz-* >/dev/null 2>&1 || { log "no vmlinuz in $deb"; exit 1; }
    rm -rf "$dl" "$TREE"
    # modules.dep is made by depmod at install time, which we skip: make it for the extracted tree
    kver=$(ls "$TREE.tmp/lib/modules" | head -n1)
    depmod -b "$TREE.tmp" "$kver" || { log "depmod failed"; exit 1; }
    mv "$TREE.tmp" "$TREE"
    touch "$TREE/.extracted"
    # keep only the kernel in use
    for old in "$CACHE"/linux-image-*; do
        [ "$old" = "$TREE" ] || rm -rf "$old"
    done
fi
echo "$PKG" > "$CACHE/current"
echo "KERNEL_TREE=$TREE"
