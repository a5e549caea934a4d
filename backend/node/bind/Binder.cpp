#include "node/bind/Binder.h"

#include "node/bind/BindPlanner.h"
#include "node/host/HostAccess.h"
#include "node/bind/DriverRestore.h"
#include "node/host/RealSysfsWriter.h"
#include "node/host/SysfsWriter.h"

#include <QCoreApplication>
#include <QThread>

#include <cerrno>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("Binder", text);
}
} // namespace

Binder::Binder(HostAccess &node)
    : m_node(node)
{
}

Result<BindPlan> Binder::plan(const QStringList &addresses, BindTarget target) const
{
    // Validate before the (comparatively expensive) scan, so bad input fails fast and clearly.
    if (Result<QList<PciAddress>> parsed = BindPlanner::parseAddresses(addresses); !parsed)
        return parsed.error();
    Result<InventorySnapshot> snapshot = m_node.inventory();
    if (!snapshot)
        return snapshot.error();
    return BindPlanner::plan(snapshot.value(), m_node, addresses, target);
}

Result<BindPlan> Binder::plan(const InventorySnapshot &snapshot, const QStringList &addresses, BindTarget target) const
{
    return BindPlanner::plan(snapshot, m_node, addresses, target);
}

bool Binder::isBridgeNow(const PciAddress &address) const
{
    // The class attribute ("0x060400"): base class 0x06 is every kind of bridge (host, ISA,
    // PCI-PCI...), as Inventory's isBridge.
    const Result<QString> cls = m_node.readAttribute(bindpaths::device(address) + QStringLiteral("/class"));
    if (!cls)
        return false;
    bool ok = false;
    const uint value = cls.value().trimmed().toUInt(&ok, 16);
    return ok && (value >> 16) == 0x06;
}

Binder::DeviceState Binder::readState(const PciAddress &address) const
{
    DeviceState s;
    s.driver = m_node.readLinkName(bindpaths::driverLink(address));
    Result<QString> o = m_node.readAttribute(bindpaths::driverOverride(address));
    s.present = o.ok() || m_node.exists(bindpaths::device(address));
    if (o.ok() && o.value() != QLatin1String("(null)"))
        s.override = o.value().trimmed();
    return s;
}

int Binder::writeOnce(const QString &path, const QByteArray &value)
{
    return m_node.write(path, value);
}

int Binder::writeRetryingBusy(const QString &path, const QByteArray &value)
{
    int e = writeOnce(path, value);
    if (e == EBUSY) {
        // A real device can be briefly busy (a probe or a runtime-PM resume under way).
        if (!m_node.isSimulated())
            QThread::msleep(100);
        e = writeOnce(path, value);
    }
    return e;
}

QStringList Binder::rollback(const BindPlan &plan, const QMap<QString, DeviceState> &original)
{
    QStringList failures;
    // Reverse order: the last device touched is the one most likely half-moved.
    for (qsizetype i = plan.devices.size() - 1; i >= 0; --i) {
        const QString &addr = plan.devices.at(i);
        const DeviceState o = original.value(addr);
        if (Status s = DriverRestore::restoreDevice(m_node, addr, o.driver, o.override); !s)
            failures.append(s.error().message());
    }
    return failures;
}

Status Binder::persist(const QStringList &devices, BindTarget target)
{
    QMap<QString, QString> set;
    if (target == BindTarget::VfioPci)
        for (const QString &addr : devices)
            set.insert(addr, QString(kVfioPci));
    Status s = m_node.updatePersistence(set, target == BindTarget::Host ? devices : QStringList());
    if (!s) {
        Error e = s.error();
        if (e.device.isEmpty() && devices.size() == 1)
            e.device = devices.first();
        return e;
    }
    return {};
}

Error Binder::withRollback(Error error, const BindPlan &plan, const QMap<QString, DeviceState> &original)
{
    const QStringList failures = rollback(plan, original);
    if (failures.isEmpty()) {
        error.why += tr("; every device was put back on its original driver");
    } else {
        error.why += tr("; putting devices back failed too: %1").arg(failures.join(QLatin1String("; ")));
        error.hint = tr("See their drivers in PCI Devices after Refresh Inventory (or with `passdeck-cli devices`) and move them by hand (see docs/binding.md, "
                        "\"Undoing by hand\"). %1").arg(error.hint);
    }
    return error;
}

Result<ApplyResult> Binder::apply(const BindPlan &plan, const ApplyOptions &options)
{
    const QString targetName = plan.target == BindTarget::VfioPci ? QString(kVfioPci) : tr("a host driver");
    const bool toVfio = plan.target == BindTarget::VfioPci;
    const QString what = plan.devices.size() == 1
        ? (toVfio ? tr("Moving %1 to vfio-pci") : tr("Moving %1 back to its host driver")).arg(plan.devices.first())
        : (toVfio ? tr("Moving %1 devices to vfio-pci") : tr("Moving %1 devices back to their host drivers")).arg(plan.devices.size());
    // A plan is data a caller can build or edit: nothing in it becomes a path unvalidated.
    QList<PciAddress> addresses;
    for (const QString &addr : plan.devices) {
        Result<PciAddress> a = PciAddress::parse(addr);
        if (!a) {
            Error e = a.error();
            e.device = addr.left(64);
            return e;
        }
        addresses.append(a.value());
    }
    if (addresses.isEmpty())
        return Error::make(ErrorCode::NoDevices, what, tr("the plan has no devices"));

    const QList<Finding> blockers = plan.blockers(options.force);
    if (!blockers.isEmpty()) {
        bool allForcible = true;
        for (const Finding &f : blockers)
            allForcible = allForcible && f.forcible;
        Error e = Error::make(ErrorCode::Blocked, tr("Refused: %1").arg(what), joinFindingMessages(blockers),
                              allForcible ? tr("Resolve the findings above first.")
                                          : blockers.size() == 1 ? tr("Resolve the finding above; it cannot be forced.")
                                                                 : tr("Resolve the findings above; not all of them can be forced."));
        e.device = blockers.first().device;
        e.step = QStringLiteral("impact-check");
        return e;
    }

    // A plan is caller-editable (its findings too) and --force lifts blockers, so a bridge is
    // also checked here, on the device itself, whatever the plan says: never move one.
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        if (!isBridgeNow(addresses.at(i)))
            continue;
        const QString &addr = plan.devices.at(i);
        Error e = Error::make(ErrorCode::Bridge, tr("Refused: %1").arg(what),
                              tr("%1 is a PCI bridge (class 0x06); bridges are never moved, even with --force, because "
                                 "every device behind one would lose its path to the host").arg(addr),
                              tr("Take the bridge out of the list and pick the devices behind it instead."));
        e.device = addr;
        e.step = QStringLiteral("impact-check");
        return e;
    }

    ApplyResult result;
    result.target = plan.target;
    result.findings = plan.findings;

    // The original state is the plan's (taken before any write, even by an interrupted run);
    // devices the plan does not know are read now.
    QMap<QString, DeviceState> original;
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        const QString &addr = plan.devices.at(i);
        DeviceState s;
        if (plan.originalDrivers.contains(addr)) {
            s.driver = plan.originalDrivers.value(addr);
            s.override = plan.originalOverrides.value(addr);
        } else {
            s = readState(addresses.at(i));
        }
        original.insert(addr, s);
    }

    auto outcomes = [&]() {
        result.devices.clear();
        for (qsizetype i = 0; i < addresses.size(); ++i)
            result.devices.append(DeviceOutcome{plan.devices.at(i), original.value(plan.devices.at(i)).driver,
                                                m_node.readLinkName(bindpaths::driverLink(addresses.at(i)))});
    };
    auto pendingDevices = [&]() {
        QStringList pending;
        for (qsizetype i = 0; i < addresses.size(); ++i) {
            const DeviceState s = readState(addresses.at(i));
            if (!BindPlanner::isOnTarget(s.driver, s.override, plan.target))
                pending.append(plan.devices.at(i));
        }
        return pending;
    };
    auto waitForReboot = [&](const QStringList &devices) -> Result<ApplyResult> {
        if (Status s = persist(plan.devices, plan.target); !s) {
            Error e = s.error();
            e.what = what;
            return e;
        }
        result.rebootDevices = devices;
        result.rebootRequired = !devices.isEmpty();
        outcomes();
        return result;
    };

    if (options.nextBoot)
        return waitForReboot(pendingDevices());

    const int total = int(plan.writes.size());
    int done = 0;
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        const PciAddress &address = addresses.at(i);
        const QString &addr = plan.devices.at(i);
        // The state now, not the plan's: an interrupted run may already have done part of it.
        const DeviceState now = readState(address);
        if (!now.present) {
            Error e = Error::make(ErrorCode::DeviceGone, what,
                                  tr("%1 is no longer on the node").arg(addr),
                                  tr("Rescan the devices; the device may have been removed or its PF's VFs disabled."));
            e.device = addr;
            return withRollback(e, plan, original);
        }
        const QList<PlannedWrite> writes = BindPlanner::writesFor(address, now.driver, now.override, plan.target);
        for (const PlannedWrite &w : writes) {
            if (options.progress)
                options.progress(std::min(done, total), total, tr("%1: %2 (%3)").arg(addr, w.step, w.path));
            const int e = writeRetryingBusy(w.path, w.value);
            if (e == EBUSY) {
                // Busy after a retry: this device cannot move while the host uses it. Nothing stays
                // half-moved; the persistent configuration makes the move at the next boot.
                const QStringList failures = rollback(plan, original);
                if (!failures.isEmpty()) {
                    Error err = RealSysfsWriter::writeError(w.path, w.value, e, addr, what);
                    err.why += tr("; putting devices back failed too: %1").arg(failures.join(QLatin1String("; ")));
                    return err;
                }
                result.findings.append(Finding{Severity::Warning, QStringLiteral("busy"), addr,
                                               tr("%1 stayed busy (EBUSY on %2 after a retry), so the change waits for the "
                                                  "next boot: the persistent configuration is written and the node needs a "
                                                  "reboot (use maintenance mode first).").arg(addr, w.path),
                                               false});
                return waitForReboot(pendingDevices());
            }
            if (e != 0)
                return withRollback(RealSysfsWriter::writeError(w.path, w.value, e, addr, what), plan, original);
            ++done;
        }
        const QString driver = m_node.readLinkName(bindpaths::driverLink(address));
        const bool ok = plan.target == BindTarget::VfioPci ? driver == kVfioPci : driver != kVfioPci;
        if (!ok) {
            Error e = Error::make(ErrorCode::VerifyFailed, what,
                                  tr("after the writes, %1 is on %2 instead of %3")
                                      .arg(addr, driver.isEmpty() ? tr("no driver") : driver, targetName),
                                  plan.target == BindTarget::VfioPci
                                      ? tr("Is vfio-pci loaded (modprobe vfio-pci), and does dmesg say why it refused the device?")
                                      : tr("Check dmesg for the host driver's probe error."));
            e.device = addr;
            e.step = bindpaths::driverLink(address);
            return withRollback(e, plan, original);
        }
    }

    // Live move done: make it survive a reboot (vfio-pci), or stop forcing it (host).
    if (Status s = persist(plan.devices, plan.target); !s) {
        Error e = s.error();
        e.what = what;
        return withRollback(e, plan, original);
    }
    if (options.progress)
        options.progress(total, total, tr("done"));
    outcomes();
    return result;
}

Result<ApplyResult> Binder::run(const QStringList &addresses, BindTarget target, const ApplyOptions &options)
{
    Result<BindPlan> p = plan(addresses, target);
    if (!p)
        return p.error();
    return apply(p.value(), options);
}

} // namespace passdeck
