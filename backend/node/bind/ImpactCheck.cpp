#include "node/bind/ImpactCheck.h"

#include "node/bind/BindPlanner.h"
#include "core/MountTable.h"
#include "node/host/HostAccess.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>
#include <utility>

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

// /proc/mounts and /proc/swaps, read once per check. A file that cannot be read (missing, a
// directory, a FIFO, over the cap) is never taken as "nothing mounted": *problem says which,
// and the caller blocks.
struct MountFiles
{
    bool read = false;
    QString mounts, swaps;
    QString problem;

    void load(const HostAccess &node)
    {
        if (read)
            return;
        read = true;
        QStringList problems;
        for (const auto &[file, target] : {std::pair{"proc/mounts", &mounts}, std::pair{"proc/swaps", &swaps}}) {
            Result<QString> r = node.readAttribute(QLatin1String(file));
            if (r)
                *target = r.value();
            else
                problems.append(tr("%1 (%2)").arg(QLatin1String(file), r.error().why));
        }
        problem = problems.join(QLatin1String("; "));
    }
};

Finding mountsUnknown(const QString &addr, const QStringList &blockDevices, const QString &problem, const QString &context)
{
    return finding(Severity::Blocker, "mounts-unknown", addr,
                   tr("%1%2 holds %3, but Passdeck cannot read %4, so it cannot tell whether the host has it mounted or "
                      "uses it as swap. Fix the file (on a real host /proc must be mounted) and plan again, or force the "
                      "change after checking by hand (findmnt, swapon --show).")
                       .arg(addr, context, blockDevices.join(QLatin1String(", ")), problem), true);
}

Finding hostUseUnknown(const QString &addr, const QStringList &unreadable, const QString &context)
{
    return finding(Severity::Blocker, "host-use-unknown", addr,
                   tr("%1%2: Passdeck cannot read %3, so it cannot tell whether the host uses the device (a network "
                      "interface that is up, a mounted disk, the boot display, its IOMMU group). Fix the files under the "
                      "device's sysfs directory and plan again, or force the change after checking by hand.")
                       .arg(addr, context, unreadable.join(QLatin1String("; "))), true);
}

QString driverShown(const QString &driver)
{
    return driver.isEmpty() ? tr("no driver") : tr("driver %1").arg(driver);
}
} // namespace

QStringList ImpactCheck::mountsOn(const QStringList &blockDevices, const QString &procMounts, const QString &procSwaps)
{
    return mounttable::mountsOn(blockDevices, procMounts, procSwaps);
}

QList<Finding> ImpactCheck::vfRemoval(const InventorySnapshot &snapshot, const HostAccess &node,
                                      const QString &pfAddress, const QStringList &removedVfs)
{
    QList<Finding> findings;
    MountFiles host;
    const QString context = tr(", a VF of %1,").arg(pfAddress);
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
            host.load(node);
            const QStringList used = mountsOn(vf->blockDevices, host.mounts, host.swaps);
            if (!used.isEmpty())
                findings.append(finding(Severity::Blocker, "mounted", addr,
                                        tr("%1, a VF of %2, holds %3, in use by the host (%4): changing the VF count pulls the "
                                           "disk from under the file system. Unmount it first.")
                                            .arg(addr, pfAddress, vf->blockDevices.join(QLatin1String(", ")),
                                                 used.join(QLatin1String("; "))), true));
            else if (!host.problem.isEmpty())
                findings.append(mountsUnknown(addr, vf->blockDevices, host.problem, context));
        }
        if (!vf->unreadable.isEmpty())
            findings.append(hostUseUnknown(addr, vf->unreadable, context));
    }
    return findings;
}

bool ImpactCheck::isVfioLoaded(const HostAccess &node)
{
    return node.exists(QStringLiteral("sys/bus/pci/drivers/vfio-pci")) || node.exists(QStringLiteral("sys/module/vfio_pci"));
}

QList<Finding> ImpactCheck::run(const InventorySnapshot &snapshot, const HostAccess &node, const QStringList &requested,
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
    if (toVfio && anyMove && !snapshot.unreadable.isEmpty())
        findings.append(finding(Severity::Blocker, "host-use-unknown", QString(),
                                tr("Passdeck cannot read %1 on this node, so it cannot tell which network interfaces and disks "
                                   "below other controllers the host uses. Fix sysfs (on a real host it is mounted at /sys) "
                                   "and plan again, or force the change after checking by hand.")
                                    .arg(snapshot.unreadable.join(QLatin1String("; "))), true));

    // Read once for the whole plan, and only when some device has block devices.
    MountFiles host;

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
            host.load(node);
            const QStringList used = mountsOn(dev->blockDevices, host.mounts, host.swaps);
            if (!used.isEmpty())
                findings.append(finding(Severity::Blocker, "mounted", addr,
                                        tr("%1 holds %2, in use by the host (%3): binding it to vfio-pci pulls the disk from "
                                           "under the file system. Unmount it (and remove it from /etc/fstab) first.")
                                            .arg(addr, dev->blockDevices.join(QLatin1String(", ")), used.join(QLatin1String("; "))),
                                        true));
            else if (!host.problem.isEmpty())
                findings.append(mountsUnknown(addr, dev->blockDevices, host.problem, QString()));
        }
        if (dev->bootVga)
            findings.append(finding(Severity::Blocker, "boot-vga", addr,
                                    tr("%1 is the boot VGA device, the host's console display: passing it through leaves the "
                                       "host without a local console. Prefer another GPU, and keep out-of-band access (IPMI, "
                                       "serial) to this node.").arg(addr), true));
        if (!dev->unreadable.isEmpty())
            findings.append(hostUseUnknown(addr, dev->unreadable, QString()));
    }
    return findings;
}

} // namespace passdeck
