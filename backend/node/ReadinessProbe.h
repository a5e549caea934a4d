#pragma once

#include "core/ReadinessFacts.h"
#include "node/host/HostAccess.h"
#include "node/host/HostRoot.h"

namespace passdeck {

// Reads a node's readiness facts (core/ReadinessFacts.h) under its host root: IOMMU groups and
// units, proc/cmdline, the CPU vendor, the vfio modules, interrupt remapping. Read-only; an
// unreadable file leaves its fact at "unknown", never at a guess (docs/readiness.md).
class ReadinessProbe
{
public:
    static ReadinessFacts read(const HostRoot &root, const HostAccess &host);

    // The interrupt remapping rule, on the texts already read ("" = unreadable):
    // 1. proc/interrupts names an "IR-" interrupt chip (IR-PCI-MSI, IR-IO-APIC, IR-PCI-MSIX-…):
    //    On. It names MSI or IO-APIC chips and none of them is "IR-": Off.
    // 2. Otherwise the kernel command line says intremap=off (or nointremap): Off.
    // 3. Otherwise every Intel DMAR unit's extended capability register (intel-iommu/ecap) has
    //    the IR bit (bit 3) clear: Off (the hardware cannot remap).
    // 4. Otherwise Unknown.
    static ReadinessFacts::Remapping interruptRemapping(const QString &interrupts, const QString &cmdline,
                                                        const QStringList &intelEcaps, QString *basis);
};

} // namespace passdeck
