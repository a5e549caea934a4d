#!/bin/sh
# build-initramfs.sh — the guest's initramfs for the real-kernel test.
#
# usage: build-initramfs.sh KERNEL_TREE OUT.cpio.gz CLI [GUEST_DIR]
#   KERNEL_TREE  the dir fetch-deps.sh printed (holds lib/modules/<ver>/ and boot/vmlinuz-<ver>)
#   OUT          the gzip'd newc cpio to write
#   CLI          path of passdeck-cli
#   GUEST_DIR    dir with init.sh and scenario.sh (default: this script's dir)
#
# Contents: busybox-static (+ applet links), the modules below with their dependencies (resolved
# from modules.dep, which fetch-deps.sh generates with depmod -b), /init, the scenario script,
# passdeck-cli with every shared library ldd reports, the Qt sqlite driver plugin and pci.ids, and
# qemu-system-x86_64 with its libraries and firmware (the scenario's vfio-qemu step).
set -eu

[ $# -ge 3 ] || { echo "usage: $0 KERNEL_TREE OUT.cpio.gz CLI [GUEST_DIR]" >&2; exit 2; }
TREE=$1; OUT=$2; CLI=$3
HERE=$(cd "$(dirname "$0")" && pwd)
GUEST=${4:-$HERE}
MODULES="vfio vfio_iommu_type1 vfio_pci_core vfio_pci irqbypass e1000 e1000e nvme nvme_core crc64_rocksoft_generic crct10dif_generic"

KVER=$(ls "$TREE/lib/modules" | head -n1)
MODDIR="$TREE/lib/modules/$KVER"
[ -f "$MODDIR/modules.dep" ] || depmod -b "$TREE" "$KVER"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/pdk-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT INT TERM

mkdir -p "$STAGE"/bin "$STAGE"/sbin "$STAGE"/usr/bin "$STAGE"/usr/sbin "$STAGE"/dev "$STAGE"/proc \
         "$STAGE"/sys "$STAGE"/tmp "$STAGE"/root "$STAGE"/run "$STAGE"/etc "$STAGE/lib/modules/$KVER" \
         "$STAGE"/pdk
cp /bin/busybox "$STAGE/bin/busybox"
for applet in $(/bin/busybox --list-full); do
    [ -e "$STAGE/$applet" ] || ln -s /bin/busybox "$STAGE/$applet"
done

# --- modules + dependencies ---------------------------------------------------------------------
# modules.dep names files with '-' or '_'; modprobe treats them as equal.
find_mod() { # name -> relative path in modules.dep, or empty
    pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
    grep -E "(^|/)${pat}\.ko(\.[gx]z|\.zst)?:" "$MODDIR/modules.dep" | head -n1 | cut -d: -f1
}
want=
for m in $MODULES; do
    rel=$(find_mod "$m")
    if [ -z "$rel" ]; then
        if grep -qE "/$(echo "$m" | sed 's/[-_]/[-_]/g')\.ko$" "$MODDIR/modules.builtin" 2>/dev/null; then
            continue # built in
        fi
        case $m in crc64_rocksoft_generic|crct10dif_generic) continue ;; esac # optional helpers
        echo "build-initramfs: module $m not found in $MODDIR" >&2; exit 1
    fi
    deps=$(grep -E "^${rel}:" "$MODDIR/modules.dep" | cut -d: -f2)
    want="$want $rel $deps"
done
for rel in $(echo "$want" | tr ' ' '\n' | sort -u); do
    [ -n "$rel" ] || continue
    mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$rel")"
    case $rel in
        *.ko.xz)  xz -dc "$MODDIR/$rel" > "$STAGE/lib/modules/$KVER/${rel%.xz}" ;;
        *.ko.zst) zstd -qdc "$MODDIR/$rel" > "$STAGE/lib/modules/$KVER/${rel%.zst}" ;;
        *.ko.gz)  gzip -dc "$MODDIR/$rel" > "$STAGE/lib/modules/$KVER/${rel%.gz}" ;;
        *)        cp "$MODDIR/$rel" "$STAGE/lib/modules/$KVER/$rel" ;;
    esac
done
cp "$MODDIR/modules.builtin" "$MODDIR/modules.order" "$STAGE/lib/modules/$KVER/" 2>/dev/null || true
[ -f "$MODDIR/modules.builtin.modinfo" ] && cp "$MODDIR/modules.builtin.modinfo" "$STAGE/lib/modules/$KVER/"
depmod -b "$STAGE" "$KVER"

# --- passdeck-cli and what it loads --------------------------------------------------------------
copy_with_libs() { # file [dest] : copy file and (recursively, via ldd) its shared libraries
    src=$1; dst=${2:-$1}
    mkdir -p "$STAGE/$(dirname "$dst")"
    cp -L "$src" "$STAGE/$dst"
    ldd "$src" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}' | while read -r lib; do
        [ -e "$STAGE/$lib" ] && continue
        mkdir -p "$STAGE/$(dirname "$lib")"
        cp -L "$lib" "$STAGE/$lib"
    done
}
[ -x "$CLI" ] || { echo "build-initramfs: $CLI is not an executable" >&2; exit 1; }
if ldd "$CLI" | grep -q 'not found'; then
    echo "build-initramfs: $CLI has unresolved libraries:" >&2; ldd "$CLI" | grep 'not found' >&2; exit 1
fi
if ldd "$CLI" | grep -qE 'libQt6(Widgets|Gui)'; then
    echo "build-initramfs: warning: $CLI links Qt Gui/Widgets (the CLI should not)" >&2
fi
copy_with_libs "$CLI" /usr/bin/passdeck-cli
# debug info only makes the image (and the guest's unpacking under TCG) slower
if command -v strip >/dev/null 2>&1; then strip --strip-debug "$STAGE/usr/bin/passdeck-cli" || true; fi
# Qt plugins: only the sqlite sql driver (Qt Core + Qt Sql at most)
qtplugins=$(qtpaths6 --query QT_INSTALL_PLUGINS 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt6/plugins)
[ -d "$qtplugins" ] || qtplugins=/usr/lib/x86_64-linux-gnu/qt6/plugins
if [ -f "$qtplugins/sqldrivers/libqsqlite.so" ]; then
    copy_with_libs "$qtplugins/sqldrivers/libqsqlite.so"
else
    echo "build-initramfs: warning: no Qt sqlite driver under $qtplugins/sqldrivers" >&2
fi
if [ -f /usr/share/misc/pci.ids ]; then
    mkdir -p "$STAGE/usr/share/misc"; cp /usr/share/misc/pci.ids "$STAGE/usr/share/misc/pci.ids"
fi

# --- the guest's own QEMU: opens the vfio-pci device the scenario bound (step vfio-qemu) ----------
# The same qemu-system-x86_64 as the host's (Debian's), its libraries, its TCG accelerator module
# and the firmware it loads even when started paused (-S): SeaBIOS and kvmvapic.bin.  QEMU looks
# for firmware in <bindir>/../share/qemu and Debian's build adds ../share/seabios, so the files
# keep their host paths.
QEMU_BIN=$(command -v qemu-system-x86_64) || { echo "build-initramfs: no qemu-system-x86_64" >&2; exit 1; }
if ldd "$QEMU_BIN" | grep -q 'not found'; then
    echo "build-initramfs: $QEMU_BIN has unresolved libraries:" >&2; ldd "$QEMU_BIN" | grep 'not found' >&2; exit 1
fi
copy_with_libs "$QEMU_BIN" /usr/bin/qemu-system-x86_64
for f in accel-tcg-x86_64.so; do
    m=/usr/lib/x86_64-linux-gnu/qemu/$f
    [ -f "$m" ] && copy_with_libs "$m"
done
for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin; do
    [ -f "$f" ] || { echo "build-initramfs: the guest's QEMU needs $f (packages seabios, qemu-system-data)" >&2; exit 1; }
    mkdir -p "$STAGE/$(dirname "$f")"; cp -L "$f" "$STAGE/$f"
done

# --- init + scenario -----------------------------------------------------------------------------
cp "$GUEST/guest-init.sh" "$STAGE/init"
cp "$GUEST/scenario.sh" "$STAGE/pdk/scenario.sh"
chmod +x "$STAGE/init" "$STAGE/pdk/scenario.sh"
echo "$KVER" > "$STAGE/pdk/kernel-version"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$STAGE/etc/passwd"
printf 'root:x:0:\n' > "$STAGE/etc/group"

mkdir -p "$(dirname "$OUT")"
( cd "$STAGE" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0 ) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build-initramfs: wrote $OUT ($(du -h "$OUT" | cut -f1), kernel $KVER)" >&2
