#include "core/PciDevice.h"

#include <algorithm>

namespace passdeck {

const PciDevice *InventorySnapshot::find(const QString &address) const
{
    // devices is sorted by address, which sorts like the string for valid addresses.
    auto it = std::lower_bound(devices.cbegin(), devices.cend(), address,
                               [](const PciDevice &d, const QString &a) { return d.address < a; });
    return (it != devices.cend() && it->address == address) ? &*it : nullptr;
}

} // namespace passdeck
