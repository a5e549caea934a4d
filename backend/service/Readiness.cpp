#include "service/Readiness.h"

#include "core/Node.h"
#include "service/Topology.h"

#include <QMap>
#include <QSet>

#include <algorithm>

namespace passdeck {

namespace {

bool hasWord(const QString &cmdline, const QString &word)
{
    return cmdline.split(u' ', Qt::SkipEmptyParts).contains(word);
}

// The device a function belongs to: its domain, bus and slot; a VF belongs to its PF's.
QString deviceKey(const PciDevice &d)
{
    const QString &a = d.isVirtualFunction() ? d.physfn : d.address;
    return a.left(a.lastIndexOf(u'.'));
}

int codeRank(const QString &code)
{
    static const QStringList order = {QStringLiteral("readiness-unknown"), QStringLiteral("iommu-off"),
                                      QStringLiteral("vfio-missing"), QStringLiteral("interrupt-remapping-off"),
                                      QStringLiteral("interrupt-remapping-unknown"), QStringLiteral("acs-missing"),
                                      QStringLiteral("group-mixed"), QStringLiteral("boot-vga"),
                                      QStringLiteral("no-reset"), QStringLiteral("link-degraded")};
    const qsizetype i = order.indexOf(code);
    return i < 0 ? int(order.size()) : int(i);
}

ReadinessFinding finding(const char *code, Severity severity, const QString &device, const QString &message,
                         const QString &action)
{
    return ReadinessFinding{QString::fromLatin1(code), severity, device, message, action};
}

} // namespace

int ReadinessReport::count(Severity severity) const
{
    return int(std::count_if(findings.cbegin(), findings.cend(),
                             [severity](const ReadinessFinding &f) { return f.severity == severity; }));
}

QString ReadinessReport::summary() const
{
    const int blockers = count(Severity::Blocker);
    const int warnings = count(Severity::Warning);
    // Written out per number: without a translation loaded, tr()'s %n plural keeps its "(s)".
    const QString w = warnings == 1 ? Readiness::tr("1 warning") : Readiness::tr("%1 warnings").arg(warnings);
    if (blockers == 0 && warnings == 0)
        return Readiness::tr("Ready for passthrough");
    if (blockers == 0)
        return Readiness::tr("Ready for passthrough, with %1").arg(w);
    const QString b = blockers == 1 ? Readiness::tr("1 blocker") : Readiness::tr("%1 blockers").arg(blockers);
    return warnings == 0 ? b : Readiness::tr("%1, %2").arg(b, w);
}

QString Readiness::severityName(Severity severity)
{
    switch (severity) {
    case Severity::Blocker: return QStringLiteral("blocker");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Info: break;
    }
    return QStringLiteral("info");
}

Result<ReadinessReport> Readiness::check(Node &node, const QString &nodeName)
{
    Result<NodeCapabilities> caps = node.capabilities(-1);
    if (!caps)
        return caps.error();
    Result<InventorySnapshot> inventory = node.inventory();
    if (!inventory)
        return inventory.error();
    return assess(nodeName.isEmpty() ? node.address() : nodeName, caps->facts, *inventory);
}

ReadinessReport Readiness::assess(const QString &nodeName, const ReadinessFacts &facts, const InventorySnapshot &inventory)
{
    ReadinessReport report;
    report.node = nodeName;
    QList<ReadinessFinding> &out = report.findings;

    if (!facts.known) {
        // Fail closed on the wording: nothing host-wide is said to be fine when it was not read.
        out << finding("readiness-unknown", Severity::Warning, {},
                       tr("Node %1 does not report its IOMMU, kernel command line, vfio modules or interrupt remapping "
                          "(its agent is older than the readiness check), so none of them could be checked.").arg(nodeName),
                       tr("Update passdeckd on the node, then check again."));
    }

    const bool amd = facts.cpuVendor == QLatin1String("AuthenticAMD");
    const bool iommuOff = facts.known && facts.iommuGroups == 0;
    if (iommuOff) {
        const QString param = amd ? QStringLiteral("amd_iommu=on") : QStringLiteral("intel_iommu=on");
        const QString firmware = amd ? tr("AMD-Vi (IOMMU)") : tr("VT-d");
        QString why;
        if (!facts.cmdlineRead)
            why = tr("proc/cmdline could not be read, so whether the kernel was asked to turn it on is not known");
        else if (hasWord(facts.cmdline, QStringLiteral("intel_iommu=off")) || hasWord(facts.cmdline, QStringLiteral("amd_iommu=off")))
            why = tr("the kernel command line turns it off (%1)").arg(facts.cmdline);
        else if (!hasWord(facts.cmdline, QStringLiteral("intel_iommu=on")) && !hasWord(facts.cmdline, QStringLiteral("amd_iommu=on")))
            why = tr("the kernel command line lacks intel_iommu=on / amd_iommu=on (it is: %1)").arg(facts.cmdline);
        else
            why = tr("the kernel command line asks for it, so the firmware has it off or the machine has none");
        out << finding("iommu-off", Severity::Blocker, {},
                       tr("No IOMMU groups (sys/kernel/iommu_groups is empty): the IOMMU is off; %1. No device can be "
                          "isolated for a VM.").arg(why),
                       tr("Enable %1 in the firmware setup, add %2 iommu=pt to the kernel command line "
                          "(GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub), reboot the node and check again.")
                           .arg(firmware, param));
    }

    if (facts.known) {
        QStringList missing;
        for (const QString &m : vfioModuleNames())
            if (!facts.vfioModules.contains(m))
                missing << m;
        if (!missing.isEmpty())
            out << finding("vfio-missing", Severity::Blocker, {},
                           tr("The vfio modules %1 are not loaded (no sys/module/%2): no device can be bound to vfio-pci "
                              "or handed to a VM.").arg(missing.join(QStringLiteral(", ")), missing.first()),
                           tr("Load them with `modprobe vfio-pci vfio_iommu_type1` and list vfio-pci in "
                              "/etc/modules-load.d/vfio.conf so that they load at every boot."));
    }

    // Without an IOMMU there is nothing to remap; iommu-off says what to fix first.
    if (facts.known && !iommuOff) {
        switch (facts.interruptRemapping) {
        case ReadinessFacts::Remapping::On:
            break;
        case ReadinessFacts::Remapping::Off:
            out << finding("interrupt-remapping-off",
                           facts.unsafeInterruptsAllowed ? Severity::Warning : Severity::Blocker, {},
                           facts.unsafeInterruptsAllowed
                               ? tr("Interrupt remapping is off (%1), and vfio_iommu_type1 allows unsafe interrupts: a VM "
                                    "can get a device, but that device can inject interrupts into the host.")
                                     .arg(facts.interruptRemappingBasis)
                               : tr("Interrupt remapping is off (%1): vfio refuses to give a VM a device, since the "
                                    "device could inject interrupts into the host.").arg(facts.interruptRemappingBasis),
                           tr("Enable interrupt remapping in the firmware (with %1) and remove intremap=off from the kernel "
                              "command line. Only on a trusted host: allow_unsafe_interrupts=1 for vfio_iommu_type1.")
                               .arg(amd ? tr("AMD-Vi") : tr("VT-d")));
            break;
        case ReadinessFacts::Remapping::Unknown:
            out << finding("interrupt-remapping-unknown", Severity::Warning, {},
                           tr("Whether interrupt remapping is on could not be checked (proc/interrupts names no MSI or "
                              "IO-APIC interrupt chip, and the IOMMU units do not say). Without it vfio refuses devices to VMs."),
                           tr("On the node, run `dmesg | grep -i remapping`: \"Enabled IRQ remapping\" means it is on."));
            break;
        }
    }

    // IOMMU groups joining functions of different devices. Bridges are left out: a PCIe-to-PCI
    // bridge shares its group with the devices behind it by design, and a bridge is never
    // passed through (docs/readiness.md).
    QMap<int, QList<const PciDevice *>> groups;
    for (const PciDevice &d : inventory.devices)
        if (d.iommuGroup >= 0 && !d.isBridge)
            groups[d.iommuGroup] << &d;
    QSet<int> mixedGroups;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        QStringList keys, members;
        for (const PciDevice *d : it.value()) {
            members << d->address;
            if (!keys.contains(deviceKey(*d)))
                keys << deviceKey(*d);
        }
        if (keys.size() < 2)
            continue;
        mixedGroups.insert(it.key());
        out << finding("group-mixed", Severity::Warning, members.first(),
                       tr("IOMMU group %1 joins functions of %2 different devices (%3): passing one of them to a VM "
                          "takes all of them off the host.").arg(it.key()).arg(keys.size()).arg(members.join(QStringLiteral(", "))),
                       tr("Pass them through together, or move a card to a slot whose root port has ACS (see acs-missing), "
                          "so that it gets a group of its own."));
    }

    for (const PciDevice &d : inventory.devices) {
        if (d.isBridge)
            continue;
        if (d.bootVga)
            out << finding("boot-vga", Severity::Warning, d.address,
                           tr("%1 is the boot VGA device: the firmware and the host console draw on it, and it may keep a "
                              "copy of its ROM shadowed that a VM cannot use.").arg(d.address),
                           tr("Give VMs another GPU. If it must be passed through: keep out-of-band access, make another "
                              "device the primary display in the firmware, or add video=efifb:off to the kernel command line."));
        if (d.resetMethods.isEmpty())
            out << finding("no-reset", Severity::Warning, d.address,
                           tr("%1 has no reset method (reset_method is empty or absent): it may not come back after a VM "
                              "restarts, and then the host must be rebooted.").arg(d.address),
                           tr("Prefer a device with FLR, or test a VM restart with it before relying on it."));
    }

    // Links and ACS: the facts come from service/Topology, the one place that decides what a
    // degraded link is and which ports above a device lack ACS; only the wording is here.
    const Topology topology = Topology::build(inventory);
    QMap<QString, QStringList> mergedBelow; // port without ACS -> devices below it in mixed groups
    for (const TopologyItem &item : topology.items) {
        const PciDevice &d = item.device;
        if (d.isBridge)
            continue;
        if (item.linkDegraded)
            out << finding("link-degraded", Severity::Warning, d.address,
                           tr("The PCIe link of %1 trains below what the device and its port can do (%2): a VM gets less "
                              "bandwidth than the card has.").arg(d.address, TopologyFacts::linkText(d)),
                           tr("Check it under load (a GPU lowers its link speed while idle). A narrower link than "
                              "capable: reseat the card or move it to a slot wired for its full width; a slower one: "
                              "check the slot's PCIe speed setting in the firmware."));
        if (d.iommuGroup >= 0 && mixedGroups.contains(d.iommuGroup))
            for (const QString &port : item.acsGapsAbove)
                mergedBelow[port] << d.address;
    }
    for (auto it = mergedBelow.cbegin(); it != mergedBelow.cend(); ++it) {
        const TopologyItem *port = topology.find(it.key());
        const AcsState state = port ? port->acs : AcsState::Unknown;
        out << finding("acs-missing", Severity::Warning, it.key(),
                       tr("%1 is a port without Access Control Services (ACS %2): devices below it can reach each "
                          "other without the IOMMU, so the kernel merges their IOMMU groups (%3).")
                           .arg(it.key(), TopologyFacts::acsText(state), it.value().join(QStringLiteral(", "))),
                       tr("Move the cards to slots on root ports with ACS (often the CPU's own slots), or enable ACS "
                          "in the firmware if it offers it. The kernel's pcie_acs_override patch only hides the risk."));
    }

    std::stable_sort(out.begin(), out.end(), [](const ReadinessFinding &a, const ReadinessFinding &b) {
        if (a.severity != b.severity)
            return int(a.severity) < int(b.severity);
        if (codeRank(a.code) != codeRank(b.code))
            return codeRank(a.code) < codeRank(b.code);
        return a.device < b.device;
    });
    return report;
}

} // namespace passdeck
