#pragma once

#include "core/PciDevice.h"
#include "node/host/SysfsReader.h"

#include <QList>
#include <QStringList>

#include <vector>

namespace passdeck {

// The per-device sysfs attributes libpci does not know: driver_override, reset_method,
// boot_vga, SR-IOV (sriov_totalvfs, sriov_numvfs, physfn, virtfn*), net/ with operstate, NVMe
// controllers and namespaces, block devices, DRM cards. Reads only what the directory listing
// shows to exist, so absent attributes cost no failed open().
class SysfsDeviceExtras
{
public:
    // dir: the device's open sysfs directory; entries: its listing; path: for messages.
    // An attribute that exists but cannot be read or parsed gives one warning in warnings and
    // leaves its field at the default; everything else is still read. When a guard of the
    // impact check needs it, it is also listed in device.unreadable.
    static void read(const QString &path, const SysfsReader::Dir &dir, const std::vector<SysfsReader::Entry> &entries,
                     PciDevice &device, QStringList &warnings);

    // Network interfaces and disks that sit deeper below a PCI function than net/ and nvme/:
    // virtio (0000:00:03.0/virtio2/net/eth0), AHCI and SAS disks (.../ata1/host0/.../block/sda),
    // USB storage behind an xHCI controller. Found from <sys>/class/net and <sys>/class/block, one
    // readlink per entry not already known, and added to the device the link passes through
    // (the deepest PCI address in its target). Whole disks only; partitions stay with their disk.
    // A directory that cannot be listed is added to *unreadable (InventorySnapshot::unreadable).
    static void readNestedHostUse(const QString &sysPath, QList<PciDevice> &devices, QStringList &warnings,
                                  QStringList *unreadable = nullptr);
};

} // namespace passdeck
