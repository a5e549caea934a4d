#pragma once

#include <QString>
#include <QStringList>

namespace passdeck {

// What a node reads about itself for the readiness check (docs/readiness.md): raw facts, never
// worded findings; the service (service/Readiness.h) words them. Part of NodeCapabilities, so
// it travels with GET /api/v1/capabilities and every Node implementation forwards it as is.
struct ReadinessFacts
{
    // Whether the node reported these facts at all (false: an agent older than them). Every
    // other field is then at its default and the service says the host could not be checked.
    bool known = false;

    int iommuGroups = 0;       // entries under sys/kernel/iommu_groups
    QStringList iommuUnits;    // entries under sys/class/iommu ("dmar0", "ivhd0"), sorted

    bool cmdlineRead = false;  // proc/cmdline could be read
    QString cmdline;           // its first line
    QString cpuVendor;         // vendor_id of proc/cpuinfo ("GenuineIntel", "AuthenticAMD"); "" unknown

    // Of vfio, vfio_pci and vfio_iommu_type1: those loaded (or built in), each named as in
    // sys/module. vfio_pci also counts when sys/bus/pci/drivers/vfio-pci exists (the impact
    // check's own rule).
    QStringList vfioModules;
    // vfio_iommu_type1's allow_unsafe_interrupts is Y: the administrator let VMs have devices
    // without interrupt remapping.
    bool unsafeInterruptsAllowed = false;

    // Interrupt remapping: On / Off / Unknown, and the file the answer came from (a host root
    // relative path, "" when Unknown). The rule is node/ReadinessProbe.cpp's.
    enum class Remapping { Unknown, On, Off };
    Remapping interruptRemapping = Remapping::Unknown;
    QString interruptRemappingBasis;
};

// The modules the readiness check looks for, in the order they are loaded.
inline QStringList vfioModuleNames()
{
    return {QStringLiteral("vfio"), QStringLiteral("vfio_pci"), QStringLiteral("vfio_iommu_type1")};
}

} // namespace passdeck
