#pragma once

#include "core/Error.h"
#include "node/host/HostRoot.h"
#include "core/PciDevice.h"

#include <QString>

namespace passdeck {

struct InventoryOptions
{
    // The pci.ids file for names; empty: the system's (/usr/share/misc/pci.ids). hwdb is always
    // off so names depend only on this file (deterministic in tests).
    QString pciIdsPath;
    bool resolveNames = true;
};

// Reads the PCI tree of a host root through libpci (sysfs.path = <root>/sys/bus/pci) plus the
// sysfs attributes libpci does not know. O(number of devices): one directory walk, each IOMMU
// group read once. A broken device gives a warning in the snapshot; the others still come back.
class Inventory
{
public:
    static Result<InventorySnapshot> scan(const HostRoot &root, const InventoryOptions &options = {});
    // Re-reads a single device (after a rebind), without a full scan.
    static Result<PciDevice> scanDevice(const HostRoot &root, const QString &address,
                                        const InventoryOptions &options = {});
};

} // namespace passdeck
