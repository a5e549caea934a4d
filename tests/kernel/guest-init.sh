#!/bin/sh
# /init of the test guest (busybox sh).  Loads the drivers the scenario needs, runs
# /pdk/scenario.sh against the real kernel (host root "/", no --simulate) and powers off.
# Results go to the second serial port (ttyS1), which nothing else writes to; the kernel's
# console stays on ttyS0 for diagnosis.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/root TMPDIR=/tmp LC_ALL=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /root
echo 3 > /proc/sys/kernel/printk        # keep the console quiet: errors and worse only

OUT=/dev/ttyS1
[ -c "$OUT" ] || { echo "pdk-init: no $OUT" >&2; OUT=/dev/console; }
stty -F "$OUT" raw -echo 2>/dev/null

t0=$(cut -d' ' -f1 /proc/uptime)
echo "pdk-guest: loading drivers" > /dev/console
# the drivers a distribution kernel would have autoloaded (no udev here), plus vfio
for m in e1000 e1000e nvme vfio vfio_iommu_type1 vfio_pci; do
    modprobe "$m" || echo "pdk-init: modprobe $m failed" >&2
done
ip link set lo up 2>/dev/null
# the nvme PF controller resets asynchronously; let it settle so the inventory is stable
i=0; while [ $i -lt 50 ] && ! ls /sys/class/nvme/ 2>/dev/null | grep -q nvme; do sleep 0.1; i=$((i+1)); done
sleep 1

{
    echo "PDK-BEGIN $(cat /pdk/kernel-version) init=$t0 uptime=$(cut -d' ' -f1 /proc/uptime)"
    sh /pdk/scenario.sh real / /usr/bin/passdeck-cli --host-root / --db /tmp/passdeck.db
    echo "PDK-INFO scenario-exit $?"
    echo "PDK-END uptime=$(cut -d' ' -f1 /proc/uptime)"
} > "$OUT" 2>/tmp/scenario.stderr
# stderr of the scenario (not results) goes to the console for diagnosis
if [ -s /tmp/scenario.stderr ]; then
    echo "pdk-init: scenario stderr:"; cat /tmp/scenario.stderr
fi
sync
poweroff -f
