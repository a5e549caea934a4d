#pragma once

#include "core/BindTypes.h"
#include "core/PciDevice.h"

#include <QString>
#include <QStringList>

namespace passdeck {

class HostAccess;

// The impact check of a plan (docs/binding.md): what the change would take away from the host, in
// sentences an administrator understands. Deterministic order: node-wide findings first, then
// per device in address order, each device's checks in a fixed order (bridge, no-iommu,
// already-on-target, group-member, vf-pf, net-up, mounted or mounts-unknown, boot-vga,
// host-use-unknown). Fail closed: what a guard cannot read (proc/mounts, proc/swaps, an
// interface's operstate, boot_vga, an IOMMU group's members: PciDevice::unreadable,
// InventorySnapshot::unreadable) gives a forcible blocker, never a pass.
class ImpactCheck
{
public:
    // devices: the whole plan (requested + group members that come along), sorted.
    static QList<Finding> run(const InventorySnapshot &snapshot, const HostAccess &node,
                              const QStringList &requested, const QStringList &devices, BindTarget target);

    // Changing a PF's VF count removes VFs (all of them when a non-zero count changes, since it
    // goes through 0): what that takes away. A VF on vfio-pci (a VM may hold it), a VF carrying
    // an interface that is up, a VF holding a mounted disk: forcible blockers.
    static QList<Finding> vfRemoval(const InventorySnapshot &snapshot, const HostAccess &node,
                                    const QString &pfAddress, const QStringList &removedVfs);

    // The mounts and swap areas of /proc/mounts / /proc/swaps content that live on one of the
    // given block devices (nvme0n1 matches /dev/nvme0n1 and /dev/nvme0n1p2, sda matches
    // /dev/sda1, not /dev/sdab). Each entry reads "/dev/nvme0n1p2 on /".
    static QStringList mountsOn(const QStringList &blockDevices, const QString &procMounts,
                                const QString &procSwaps = {});

    // vfio-pci is there when its driver directory or its module directory exists.
    static bool isVfioLoaded(const HostAccess &node);
};

} // namespace passdeck
