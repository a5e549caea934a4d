#!/bin/sh
# placeholder-cli.sh — NOT Passdeck.  A stand-in used only to develop the harness before
# passdeck-cli exists (build-initramfs.sh ... none).  It implements just enough to exercise the
# kernel: `sysfs-write PATH VALUE --json` (one dd write, errno from dd's message) and
# `sriov ADDR --vfs N --json`; every other command exits 3 ("not implemented").
root=/
while [ $# -gt 0 ]; do
    case $1 in
        --host-root) root=$2; shift 2 ;;
        --db) shift 2 ;;
        --simulate|--json) shift ;;
        *) break ;;
    esac
done
cmd=$1; shift
errname() {
    case $1 in
        *"No such device"*) echo ENODEV ;; *"Device or resource busy"*) echo EBUSY ;;
        *"Invalid argument"*) echo EINVAL ;; *"No such file"*) echo ENOENT ;;
        *"Permission denied"*) echo EACCES ;; *"Operation not permitted"*) echo EPERM ;;
        *"Bad address"*) echo EFAULT ;; *"Resource temporarily"*) echo EAGAIN ;;
        *) echo EIO ;;
    esac
}
num() { case $1 in ENODEV) echo 19 ;; EBUSY) echo 16 ;; EINVAL) echo 22 ;; ENOENT) echo 2 ;; EACCES) echo 13 ;; EPERM) echo 1 ;; EFAULT) echo 14 ;; EAGAIN) echo 11 ;; *) echo 5 ;; esac; }
case $cmd in
    sysfs-write)
        p=$1; v=$2
        msg=$(printf '%s' "$v" | dd of="$root/$p" bs=65536 iflag=fullblock 2>&1 >/dev/null | grep -i error)
        if [ -z "$msg" ]; then echo "{\"path\":\"$p\",\"value\":\"(placeholder)\",\"errno\":0,\"errno_name\":null}"
        else e=$(errname "$msg"); echo "{\"path\":\"$p\",\"value\":\"(placeholder)\",\"errno\":$(num $e),\"errno_name\":\"$e\"}"; fi
        exit 0 ;;
    sriov)
        a=$1; n=$3
        msg=$(printf '%s' "$n" | dd of="$root/sys/bus/pci/devices/$a/sriov_numvfs" 2>&1 >/dev/null | grep -i error)
        [ -z "$msg" ] && ok=true || ok=false
        echo "{\"ok\":$ok,\"address\":\"$a\",\"numvfs\":$n,\"error\":null}"
        exit 0 ;;
    *) echo "passdeck-cli placeholder: '$cmd' not implemented" >&2; exit 3 ;;
esac
