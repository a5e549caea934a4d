#include "node/bind/BindPlanner.h"

#include "node/bind/ImpactCheck.h"
#include "node/host/HostAccess.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("BindPlanner", text);
}
const QString kDevices = QStringLiteral("sys/bus/pci/devices/");
} // namespace

namespace bindpaths {
QString device(const PciAddress &a) { return kDevices + a.toString(); }
QString driverLink(const PciAddress &a) { return device(a) + QLatin1String("/driver"); }
QString driverOverride(const PciAddress &a) { return device(a) + QLatin1String("/driver_override"); }
QString unbind(const PciAddress &a) { return device(a) + QLatin1String("/driver/unbind"); }
QString driversProbe() { return QStringLiteral("sys/bus/pci/drivers_probe"); }
QString driverBind(const QString &driver)
{
    if (!isValidDriverName(driver))
        return {};
    return QLatin1String("sys/bus/pci/drivers/") + driver + QLatin1String("/bind");
}
QString sriovNumVfs(const PciAddress &a) { return device(a) + QLatin1String("/sriov_numvfs"); }
QString sriovTotalVfs(const PciAddress &a) { return device(a) + QLatin1String("/sriov_totalvfs"); }
QString sriovAutoprobe(const PciAddress &a) { return device(a) + QLatin1String("/sriov_drivers_autoprobe"); }
QString virtfn(const PciAddress &a, int index) { return device(a) + QLatin1String("/virtfn") + QString::number(index); }
} // namespace bindpaths

QString BindPlanner::targetName(BindTarget target)
{
    return target == BindTarget::VfioPci ? QString(kVfioPci) : QStringLiteral("host");
}

QList<PlannedWrite> BindPlanner::writesFor(const PciAddress &address, const QString &driver,
                                           const QString &override, BindTarget target)
{
    QList<PlannedWrite> writes;
    const QString addr = address.toString();
    const QByteArray addrBytes = addr.toLatin1();
    auto add = [&](const QString &path, const QByteArray &value, const char *step) {
        writes.append(PlannedWrite{addr, path, value, QString::fromLatin1(step)});
    };
    if (target == BindTarget::VfioPci) {
        // The override first: once the device is unbound, anything that probes it (udev, a
        // hotplug event, our drivers_probe) must only ever pick vfio-pci.
        if (override != kVfioPci)
            add(bindpaths::driverOverride(address), QByteArray("vfio-pci"), "override");
        if (driver == kVfioPci)
            return writes;
        if (!driver.isEmpty())
            add(bindpaths::unbind(address), addrBytes, "unbind");
        add(bindpaths::driversProbe(), addrBytes, "probe");
    } else {
        if (!override.isEmpty())
            add(bindpaths::driverOverride(address), QByteArray("\n"), "override");
        if (driver == kVfioPci) {
            add(bindpaths::unbind(address), addrBytes, "unbind");
            add(bindpaths::driversProbe(), addrBytes, "probe");
        } else if (driver.isEmpty()) {
            add(bindpaths::driversProbe(), addrBytes, "probe");
        }
    }
    return writes;
}

bool BindPlanner::isOnTarget(const QString &driver, const QString &override, BindTarget target)
{
    if (target == BindTarget::VfioPci)
        return driver == kVfioPci;
    return !driver.isEmpty() && driver != kVfioPci && (override.isEmpty() || override == driver);
}

Result<QList<PciAddress>> BindPlanner::parseAddresses(const QStringList &addresses)
{
    return PciAddress::parseList(addresses);
}

Result<BindPlan> BindPlanner::plan(const InventorySnapshot &snapshot, const HostAccess &node,
                                   const QStringList &addresses, BindTarget target)
{
    Result<QList<PciAddress>> parsed = parseAddresses(addresses);
    if (!parsed)
        return parsed.error();

    BindPlan plan;
    plan.target = target;
    QSet<QString> inPlan;
    for (const PciAddress &a : parsed.value()) {
        const QString addr = a.toString();
        if (!snapshot.find(addr)) {
            Error e = Error::make(ErrorCode::UnknownDevice,
                                  tr("Cannot plan a driver change for %1").arg(addr),
                                  tr("there is no PCI device %1 on this node (host root %2)").arg(addr, snapshot.hostRoot),
                                  tr("Check the address in PCI Devices after Refresh Inventory (or with `passdeck-cli devices`); the device may have been removed."));
            e.device = addr;
            return e;
        }
        plan.requested.append(addr);
        inPlan.insert(addr);
    }
    std::sort(plan.requested.begin(), plan.requested.end());

    // IOMMU group endpoints must move together: a group is usable by a VM only when every
    // endpoint in it is on vfio-pci (or has no driver), and a group split between the host and
    // vfio-pci is not usable at all. Bridges in a group do not count.
    for (const QString &addr : std::as_const(plan.requested)) {
        const PciDevice *dev = snapshot.find(addr);
        if (dev->iommuGroup < 0 || dev->isBridge)
            continue;
        for (const QString &member : snapshot.iommuGroups.value(dev->iommuGroup)) {
            const PciDevice *m = snapshot.find(member);
            if (!m || m->isBridge || inPlan.contains(member))
                continue;
            inPlan.insert(member);
            plan.added.append(member);
        }
    }
    std::sort(plan.added.begin(), plan.added.end());
    plan.devices = plan.requested + plan.added;
    std::sort(plan.devices.begin(), plan.devices.end());

    for (const QString &addr : std::as_const(plan.devices)) {
        const PciDevice *dev = snapshot.find(addr);
        for (const QString &name : {dev->driver, dev->driverOverride}) {
            if (!name.isEmpty() && !isValidDriverName(name)) {
                Error e = Error::make(ErrorCode::BadDriver,
                                      tr("Cannot plan a driver change for %1").arg(addr),
                                      tr("the driver name \"%1\" read from sysfs is not a valid driver name").arg(name.left(64)),
                                      tr("Inspect sys/bus/pci/devices/%1 by hand; Passdeck will not build paths from it.").arg(addr));
                e.device = addr;
                return e;
            }
        }
        plan.originalDrivers.insert(addr, dev->driver);
        plan.originalOverrides.insert(addr, dev->driverOverride);
        if (dev->isBridge)
            continue; // never a write for a bridge, forced or not
        plan.writes += writesFor(PciAddress::parse(addr).value(), dev->driver, dev->driverOverride, target);
    }

    plan.findings = ImpactCheck::run(snapshot, node, plan.requested, plan.devices, target);
    return plan;
}

} // namespace passdeck
