#pragma once

#include "core/BindTypes.h"
#include "core/Error.h"
#include "core/PciAddress.h"
#include "core/PciDevice.h"

#include <QString>
#include <QStringList>

namespace passdeck {

class HostAccess;

// Sysfs paths of the binding protocol, relative to the host root. They take a PciAddress (only
// ever made by PciAddress::parse/fromParts) so an unvalidated string cannot become a path.
namespace bindpaths {
QString device(const PciAddress &address);          // sys/bus/pci/devices/X
QString driverLink(const PciAddress &address);      // sys/bus/pci/devices/X/driver
QString driverOverride(const PciAddress &address);  // sys/bus/pci/devices/X/driver_override
QString unbind(const PciAddress &address);          // sys/bus/pci/devices/X/driver/unbind
QString driversProbe();                             // sys/bus/pci/drivers_probe
// sys/bus/pci/drivers/<driver>/bind; empty when the driver name is not valid.
QString driverBind(const QString &driver);
QString sriovNumVfs(const PciAddress &address);
QString sriovTotalVfs(const PciAddress &address);
QString sriovAutoprobe(const PciAddress &address);  // sriov_drivers_autoprobe
QString virtfn(const PciAddress &address, int index); // sys/bus/pci/devices/X/virtfnN
} // namespace bindpaths

// Builds a BindPlan: validates the addresses, adds the IOMMU group endpoints that must come
// along, lists the exact writes and runs the impact check. Pure over a snapshot plus a few small
// reads through the node (proc/mounts, whether vfio-pci is loaded); it never writes.
class BindPlanner
{
public:
    // Duplicates in addresses are collapsed (the same device asked for twice is one device);
    // the first malformed address is an Error "bad-address", the first one not on the node an
    // Error "unknown-device"; an empty list an Error "no-devices".
    static Result<BindPlan> plan(const InventorySnapshot &snapshot, const HostAccess &node,
                                 const QStringList &addresses, BindTarget target);

    // The writes that move one device to the target from the given state, in protocol order
    // (docs/binding.md). Empty when the device is already there. Used by the plan and, with the
    // state read again at apply time, by the apply (that is what makes a re-run complete an
    // interrupted apply instead of repeating writes the kernel would refuse).
    static QList<PlannedWrite> writesFor(const PciAddress &address, const QString &currentDriver,
                                         const QString &currentOverride, BindTarget target);

    // True when a device with this driver/override needs no write for the target.
    static bool isOnTarget(const QString &driver, const QString &override, BindTarget target);

    // Validates and de-duplicates, keeping the first occurrence's order.
    static Result<QList<PciAddress>> parseAddresses(const QStringList &addresses);

    static QString targetName(BindTarget target); // "vfio-pci" / "host"
};

} // namespace passdeck
