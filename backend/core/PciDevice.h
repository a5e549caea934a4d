#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace passdeck {

struct NetInterface
{
    QString name;
    QString operstate; // "up", "down", "unknown", ... as sysfs says
    // "unknown" is what an administratively up interface shows when its driver does not report
    // an operational state; the kernel says to consider it up for user data
    // (Documentation/networking/operstates.rst), so the guards do.
    bool isUp() const { return operstate == QLatin1String("up") || operstate == QLatin1String("unknown"); }
};

// One PCI function as observed on a node. Plain data: the inventory fills it, the store keeps it,
// the models show it. Unknown numeric fields are -1; absent strings are empty.
struct PciDevice
{
    QString address; // "0000:01:00.0", always valid (PciAddress::isValid)

    int vendorId = -1;
    int deviceId = -1;
    int subsystemVendorId = -1;
    int subsystemDeviceId = -1;
    int revision = -1;
    int classId = -1; // 24-bit: base class, subclass, prog-if

    QString vendorName;
    QString deviceName;
    QString className;

    QString driver;          // bound driver, empty when none
    QString driverOverride;  // empty when "(null)"
    int iommuGroup = -1;     // -1: no IOMMU group (IOMMU off or device not translated)
    int numaNode = -1;       // -1: no NUMA information

    QStringList resetMethods; // e.g. {"flr", "bus"}; empty: none (or the kernel has no reset_method)

    // PCIe link as sysfs reports it (current_link_speed, max_link_speed, *_link_width), e.g.
    // "8.0 GT/s PCIe" and 16. Empty / -1 when the device has no such file (conventional PCI).
    QString linkSpeed;
    QString maxLinkSpeed;
    int linkWidth = -1;
    int maxLinkWidth = -1;
    // Access Control Services, from the extended capability (id 0x000d) in config space:
    // acsCapability/acsControl are its capability and control registers; -1 when the device has
    // no ACS capability or its config space could not be read that far (acsKnown false).
    bool acsKnown = false;
    int acsCapability = -1;
    int acsControl = -1;
    // Where the card sits and who it is, to follow it when addresses renumber: the physical slot
    // (the name of the sys/bus/pci/slots/<slot> whose address is this device's bus and slot) and
    // the PCIe Device Serial Number capability (id 0x0003) as "xx-xx-xx-xx-xx-xx-xx-xx". Empty
    // when the device has none.
    QString physicalSlot;
    QString serialNumber;
    // The bridge directly above this function in the sysfs device tree (sys/devices/pci0000:00/
    // 0000:00:1c.0/0000:03:00.0 has parent 0000:00:1c.0); empty when it sits on a root bus
    // (docs/topology.md).
    QString parent;
    bool bootVga = false;
    bool isBridge = false;    // base class 0x06 (host, PCI-PCI, ISA... bridges)

    int sriovTotalVfs = -1;   // -1: not SR-IOV capable
    int sriovNumVfs = -1;
    QString physfn;           // for a VF: its PF's address
    QStringList virtfns;      // for a PF: its VFs' addresses, in virtfn index order

    QList<NetInterface> netInterfaces;
    QStringList blockDevices; // e.g. {"nvme0n1"} (block devices, incl. NVMe namespaces)
    QStringList nvmeControllers; // e.g. {"nvme0"}
    QStringList drmCards;     // e.g. {"card0", "renderD128"}
    // What the host-use guards need but the inventory could not read (root-relative paths with
    // the reason, e.g. "net/eno1/operstate: not a regular file"): the impact check then blocks
    // instead of assuming the host does not use the device (docs/binding.md, "Fail closed").
    QStringList unreadable;

    int baseClass() const { return classId < 0 ? -1 : (classId >> 16) & 0xff; }
    int subClass() const { return classId < 0 ? -1 : (classId >> 8) & 0xff; }
    bool isVirtualFunction() const { return !physfn.isEmpty(); }
};

// The result of one inventory pass over a host root.
struct InventorySnapshot
{
    QString hostRoot;
    QList<PciDevice> devices;             // sorted by address
    QMap<int, QStringList> iommuGroups;   // group number -> member addresses, sorted
    QStringList warnings;                 // one clear sentence each; the rest still came back
    // Node-wide reads the guards need that failed (sys/class/net, sys/class/block,
    // sys/kernel/iommu_groups): every change towards vfio-pci is then blocked until forced.
    QStringList unreadable;

    const PciDevice *find(const QString &address) const;
};

} // namespace passdeck
