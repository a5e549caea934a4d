#include "ImpactCheck.h"

#include "BindPlanner.h"
#include "NodeHost.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ImpactCheck", text);
}

Finding finding(Severity severity, const char *code, const QString &device, const QString &message, bool forcible = false)
{
    return Finding{severity, QString::fromLatin1(code), device, message, forcible};
}

// /proc/mounts escapes blanks in paths as octal (\040).
QString unescapeMountField(const QString &field)
{
    if (!field.contains(u'\\'))
        return field;
    QString out;
    for (qsizetype i = 0; i < field.size(); ++i) {
        if (field[i] == u'\\' && i + 3 < field.size()) {
            bool ok = false;
            const int code = field.mid(i + 1, 3).toInt(&ok, 8);
            if (ok) {
                out += QChar(code);
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

bool isOnBlockDevice(const QString &source, const QStringList &blockDevices)
{
    static const QString dev = QStringLiteral("/dev/");
    if (!source.startsWith(dev))
        return false;
    const QStringView name = QStringView(source).mid(dev.size());
    for (const QString &bd : blockDevices) {
        if (bd.isEmpty() || !name.startsWith(bd))
            continue;
        QStringView rest = name.mid(bd.size());
        if (rest.isEmpty())
            return true;
        // nvme0n1 -> nvme0n1p2 (a name ending in a digit takes "p"), sda -> sda1.
        if (bd.back().isDigit()) {
            if (!rest.startsWith(u'p'))
                continue;
            rest = rest.mid(1);
        }
        if (!rest.isEmpty() && std::all_of(rest.begin(), rest.end(), [](QChar c) { return c.isDigit(); }))
            return true;
    }
    return false;
}

QString driverShown(const QString &driver)
{
    return driver.isEmpty() ? tr("no driver") : tr("driver %1").arg(driver);
}
} // namespace

QStringList ImpactCheck::mountsOn(const QStringList &blockDevices, const QString &procMounts, const QString &procSwaps)
{
    QStringList found;
    if (blockDevices.isEmpty())
        return found;
    for (QStringView line : QStringView(procMounts).split(u'\n')) {
        const QList<QStringView> fields = line.split(u' ', Qt::SkipEmptyParts);
        if (fields.size() < 2)
            continue;
        const QString source = unescapeMountField(fields[0].toString());
        if (isOnBlockDevice(source, blockDevices))
            found.append(tr("%1 on %2").arg(source, unescapeMountField(fields[1].toString())));
    }
    for (QStringView line : QStringView(procSwaps).split(u'\n')) {
        const QList<QStringView> fields = line.split(u' ', Qt::SkipEmptyParts);
        if (fields.isEmpty())
            continue;
        const QString source = unescapeMountField(fields[0].toString());
        if (isOnBlockDevice(source, blockDevices))
            found.append(tr("%1 as swap").arg(source));
    }
    return found;
}

QList<Finding> ImpactCheck::vfRemoval(const InventorySnapshot &snapshot, const NodeHost &node,
                                      const QString &pfAddress, const QStringList &removedVfs)
{
    QList<Finding> findings;
    QString mounts, swaps;
    bool mountsRead = false;
    for (const QString &addr : removedVfs) {
        const PciDevice *vf = snapshot.find(addr);
        if (!vf)
            continue;
        if (vf->driver == kVfioPci)
            findings.append(finding(Severity::Blocker, "vf-in-use", addr,
                                    tr("%1, a VF of %2, is on vfio-pci: a VM may be using it, and changing the VF count removes "
                                       "it from under the VM. Stop the VM (or move %1 back to the host) first.").arg(addr, pfAddress), true));
        QStringList upInterfaces;
        for (const NetInterface &n : vf->netInterfaces)
            if (n.isUp())
                upInterfaces.append(n.name);
        if (!upInterfaces.isEmpty())
            findings.append(finding(Severity::Blocker, "net-up", addr,
                                    tr("%1, a VF of %2, carries the network interface %3, which is up: changing the VF count "
                                       "removes it from the host at once. Bring it down first (ip link set %4 down).")
                                        .arg(addr, pfAddress, upInterfaces.join(QLatin1String(", ")), upInterfaces.first()), true));
        if (!vf->blockDevices.isEmpty()) {
            if (!mountsRead) {
                if (Result<QString> m = node.readAttribute(QStringLiteral("proc/mounts")))
                    mounts = m.value();
                if (Result<QString> sw = node.readAttribute(QStringLiteral("proc/swaps")))
                    swaps = sw.value();
                mountsRead = true;
            }
            const QStringList used = mountsOn(vf->blockDevices, mounts, swaps);
            if (!used.isEmpty())
                findings.append(finding(Severity::Blocker, "mounted", addr,
                                        tr("%1, a VF of %2, holds %3, in use by the host (%4): changing the VF count pulls the "
                                           "disk from under the file system. Unmount it first.")
                                            .arg(addr, pfAddress, vf->blockDevices.join(QLatin1String(", ")),
                                                 used.join(QLatin1String("; "))), true));
        }
    }
    return findings;
}

bool ImpactCheck::isVfioLoaded(const NodeHost &node)
{
    return node.exists(QStringLiteral("sys/bus/pci/drivers/vfio-pci")) || node.exists(QStringLiteral("sys/module/vfio_pci"));
}

QList<Finding> ImpactCheck::run(const InventorySnapshot &snapshot, const NodeHost &node, const QStringList &requested,
                                const QStringList &devices, BindTarget target)
{
    QList<Finding> findings;
    const bool toVfio = target == BindTarget::VfioPci;
    const QSet<QString> requestedSet(requested.cbegin(), requested.cend());
    const QSet<QString> planSet(devices.cbegin(), devices.cend());

    bool anyMove = false;
    for (const QString &addr : devices)
        if (const PciDevice *d = snapshot.find(addr); d && !BindPlanner::isOnTarget(d->driver, d->driverOverride, target))
            anyMove = true;
    if (toVfio && anyMove && !isVfioLoaded(node))
        findings.append(finding(Severity::Blocker, "vfio-not-loaded", QString(),
                                tr("The vfio-pci driver is not loaded on this node, so no device can be bound to it. "
                                   "Load it with `modprobe vfio-pci` (and list vfio-pci in /etc/modules-load.d/ to load it at every boot).")));

    // Read once for the whole plan, and only when some device has block devices.
    QString mounts, swaps;
    bool mountsRead = false;

    for (const QString &addr : devices) {
        const PciDevice *dev = snapshot.find(addr);
        if (!dev)
            continue;
        const bool requestedDevice = requestedSet.contains(addr);
        const bool moves = !BindPlanner::isOnTarget(dev->driver, dev->driverOverride, target);

        if (dev->isBridge) {
            findings.append(finding(Severity::Blocker, "bridge", addr,
                                    tr("%1 is a PCI bridge; bridges are never passed through, because every device behind "
                                       "it would lose its path to the host. Pick the devices behind the bridge instead.").arg(addr)));
            continue;
        }
        if (toVfio && dev->iommuGroup < 0)
            findings.append(finding(Severity::Blocker, "no-iommu", addr,
                                    tr("%1 has no IOMMU group: the IOMMU is off (or does not cover this device), so vfio-pci "
                                       "cannot isolate it. Enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup, add "
                                       "intel_iommu=on or amd_iommu=on to the kernel command line, and reboot.").arg(addr)));
        const bool driverOnTarget = toVfio ? dev->driver == kVfioPci : (!dev->driver.isEmpty() && dev->driver != kVfioPci);
        if (driverOnTarget)
            findings.append(finding(Severity::Info, "already-on-target", addr,
                                    toVfio ? tr("%1 is already on vfio-pci; nothing to do for it.").arg(addr)
                                           : tr("%1 is already on its host driver %2; nothing to do for it.").arg(addr, dev->driver)));
        if (!requestedDevice) {
            QStringList why;
            for (const QString &r : requested)
                if (const PciDevice *rd = snapshot.find(r); rd && rd->iommuGroup == dev->iommuGroup)
                    why.append(r);
            const QString destination = toVfio ? tr("vfio-pci") : tr("its host driver");
            if (moves)
                findings.append(finding(Severity::Warning, "group-member", addr,
                                        tr("%1 (%2) shares IOMMU group %3 with %4 and must come along: it will be moved to %5 "
                                           "too, because a group is usable only as a whole.")
                                            .arg(addr, driverShown(dev->driver), QString::number(dev->iommuGroup),
                                                 why.join(QLatin1String(", ")), destination)));
            else
                findings.append(finding(Severity::Info, "group-member", addr,
                                        tr("%1 (%2) shares IOMMU group %3 with %4 and is part of the plan; it is already on "
                                           "%5, so nothing changes for it.")
                                            .arg(addr, driverShown(dev->driver), QString::number(dev->iommuGroup),
                                                 why.join(QLatin1String(", ")), destination)));
        }
        if (!toVfio || !moves)
            continue;

        if (dev->isVirtualFunction()) {
            const PciDevice *pf = snapshot.find(dev->physfn);
            const bool pfMoves = pf && planSet.contains(dev->physfn)
                                 && !BindPlanner::isOnTarget(pf->driver, pf->driverOverride, target);
            if (pfMoves)
                findings.append(finding(Severity::Blocker, "vf-pf", addr,
                                        tr("%1 is a VF of %2, which is selected too: unbinding the PF from its driver removes "
                                           "its VFs. Move the VFs and leave the PF on its host driver, or set the VF count to 0 "
                                           "and move the PF alone.").arg(addr, dev->physfn)));
            else if (!pf || pf->driver.isEmpty())
                findings.append(finding(Severity::Warning, "vf-pf", addr,
                                        tr("%1 is a VF of %2, which has no driver: most VFs need their PF's driver for link "
                                           "and configuration, so the VF may not work in the VM.").arg(addr, dev->physfn)));
            else if (pf->driver == kVfioPci)
                findings.append(finding(Severity::Warning, "vf-pf", addr,
                                        tr("%1 is a VF of %2, which is itself on vfio-pci: the VF works only while the PF's "
                                           "user keeps SR-IOV set up (and shares the VF token with it).").arg(addr, dev->physfn)));
            else
                findings.append(finding(Severity::Info, "vf-pf", addr,
                                        tr("%1 is a VF of %2, which stays on its host driver %3 and manages the VF; do not "
                                           "unbind %3 from %2 while the VF is in use.").arg(addr, dev->physfn, pf->driver)));
        }
        if (dev->sriovNumVfs > 0)
            findings.append(finding(Severity::Blocker, "vf-pf", addr,
                                    tr("%1 has %2 VFs enabled; unbinding its driver removes them, and any VM using one loses "
                                       "it. Set its VF count to 0 first: select %1 in PCI Devices and click SR-IOV VFs… (from a "
                                       "shell: passdeck-cli sriov %1 --vfs 0).")
                                        .arg(addr, QString::number(dev->sriovNumVfs)), true));

        QStringList upInterfaces;
        for (const NetInterface &n : dev->netInterfaces)
            if (n.isUp())
                upInterfaces.append(n.name);
        if (!upInterfaces.isEmpty())
            findings.append(finding(Severity::Blocker, "net-up", addr,
                                    tr("%1 carries the network interface %2, which is up: binding it to vfio-pci takes it away "
                                       "from the host at once. Make sure it is not how you reach this node and bring it down "
                                       "first (ip link set %3 down).")
                                        .arg(addr, upInterfaces.join(QLatin1String(", ")), upInterfaces.first()), true));

        if (!dev->blockDevices.isEmpty()) {
            if (!mountsRead) {
                // Unreadable means nothing mounted we could know of (e.g. a bare simulated root).
                if (Result<QString> m = node.readAttribute(QStringLiteral("proc/mounts")))
                    mounts = m.value();
                if (Result<QString> s = node.readAttribute(QStringLiteral("proc/swaps")))
                    swaps = s.value();
                mountsRead = true;
            }
            const QStringList used = mountsOn(dev->blockDevices, mounts, swaps);
            if (!used.isEmpty())
                findings.append(finding(Severity::Blocker, "mounted", addr,
                                        tr("%1 holds %2, in use by the host (%3): binding it to vfio-pci pulls the disk from "
                                           "under the file system. Unmount it (and remove it from /etc/fstab) first.")
                                            .arg(addr, dev->blockDevices.join(QLatin1String(", ")), used.join(QLatin1String("; "))),
                                        true));
        }
        if (dev->bootVga)
            findings.append(finding(Severity::Blocker, "boot-vga", addr,
                                    tr("%1 is the boot VGA device, the host's console display: passing it through leaves the "
                                       "host without a local console. Prefer another GPU, and keep out-of-band access (IPMI, "
                                       "serial) to this node.").arg(addr), true));
    }
    return findings;
}

} // namespace passdeck
