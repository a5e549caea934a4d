// LocalNode's central-side calls (core/Node.h): each one whole operation, run here by the
// binder, the planner, the impact check and the restore over this node's HostAccess.
#include "node/LocalNode.h"
#include "node/ReadinessProbe.h"

#include "node/bind/BindPlanner.h"
#include "node/bind/Binder.h"
#include "node/bind/DriverRestore.h"
#include "node/bind/ImpactCheck.h"
#include "sim/SimKernel.h"

#include <QCoreApplication>
#include <QSet>

#ifndef PASSDECK_VERSION
#define PASSDECK_VERSION "unknown"
#endif

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("LocalNode", text);
}

// The blockers of a plan as comparable keys (code + device), whatever --force lifts.
QSet<QString> blockerKeys(const QList<Finding> &findings)
{
    QSet<QString> keys;
    for (const Finding &f : findings)
        if (f.severity == Severity::Blocker)
            keys.insert(f.code + QLatin1Char('@') + f.device);
    return keys;
}

} // namespace

Result<NodeIdentity> LocalNode::identity()
{
    if (!m_openStatus)
        return m_openStatus.error();
    NodeIdentity id;
    id.address = m_root.root();
    id.simulated = m_simulated;
    id.agentVersion = QStringLiteral(PASSDECK_VERSION);
    // Missing files are not an error: a simulated root may not carry them.
    if (Result<QString> r = readAttribute(QStringLiteral("proc/sys/kernel/hostname")))
        id.hostName = r->trimmed();
    if (Result<QString> r = readAttribute(QStringLiteral("proc/sys/kernel/osrelease")))
        id.kernel = r->trimmed();
    if (Result<QString> r = readAttribute(QStringLiteral("etc/machine-id")))
        id.machineId = r->section(u'\n', 0, 0).trimmed().toLower();
    return id;
}

Result<InventorySnapshot> LocalNode::inventory()
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Inventory::scan(m_root, m_options);
}

Result<HostMounts> LocalNode::hostMounts()
{
    if (!m_openStatus)
        return m_openStatus.error();
    // Unreadable: empty, as before the boundary; the impact check reads them itself and fails
    // closed, this copy only words a disk's host use.
    HostMounts m;
    if (Result<QString> r = readAttribute(QStringLiteral("proc/mounts")))
        m.mounts = *r;
    if (Result<QString> r = readAttribute(QStringLiteral("proc/swaps")))
        m.swaps = *r;
    return m;
}

Result<NodeCapabilities> LocalNode::capabilities(int recordedIommuGroup)
{
    if (!m_openStatus)
        return m_openStatus.error();
    NodeCapabilities c;
    c.iommu = exists(QStringLiteral("sys/kernel/iommu_groups")) && recordedIommuGroup >= 0
              && exists(QStringLiteral("sys/kernel/iommu_groups/%1").arg(recordedIommuGroup));
    c.vfioPci = ImpactCheck::isVfioLoaded(*this);
    c.facts = ReadinessProbe::read(m_root, *this);
    return c;
}

Result<BindPlan> LocalNode::plan(const QStringList &addresses, BindTarget target)
{
    return Binder(*this).plan(addresses, target);
}

Result<ApplyResult> LocalNode::apply(const BindPlan &plan, const ApplyOptions &options, const NodeProgress &progress)
{
    ApplyOptions run = options;
    if (progress)
        run.progress = progress;
    // The plan came from the other side of the boundary and may be old: plan again on the
    // state now. A plan that fails here is left to the binder, which refuses it with the
    // precise reason (bad address, device gone...).
    const QStringList asked = plan.requested.isEmpty() ? plan.devices : plan.requested;
    if (!asked.isEmpty()) {
        Result<BindPlan> fresh = Binder(*this).plan(asked, plan.target);
        if (fresh) {
            QStringList planned = plan.devices;
            QStringList now = fresh->devices;
            planned.sort();
            now.sort();
            const bool sameDevices = planned == now;
            const bool sameBlockers = blockerKeys(plan.findings) == blockerKeys(fresh->findings);
            if (!sameDevices || !sameBlockers) {
                Error e = Error::make(ErrorCode::StalePlan, tr("Applying a plan on %1").arg(m_root.root()),
                                      !sameDevices
                                          ? tr("the node changed since the plan was made: it now moves %1 instead of %2")
                                                .arg(now.join(QLatin1String(", ")), planned.join(QLatin1String(", ")))
                                          : tr("the node changed since the plan was made: its blockers are now: %1")
                                                .arg(fresh->blockers(false).isEmpty() ? tr("none")
                                                                                      : joinFindingMessages(fresh->blockers(false))),
                                      tr("Plan again and check the new plan before applying it."));
                e.step = QStringLiteral("impact-check");
                return e;
            }
        }
    }
    return Binder(*this).apply(plan, run);
}

Status LocalNode::restore(const RestoreRequest &request)
{
    // Live drivers first (what matters now), then what the next boot would do.
    Status drivers = DriverRestore::restore(*this, request.originalDrivers, request.originalOverrides);
    Status persisted = DriverRestore::restorePersistence(*this, request.originalDrivers);
    return drivers ? persisted : drivers;
}

Result<QMap<QString, DriverState>> LocalNode::driverStates(const QStringList &addresses)
{
    QMap<QString, DriverState> states;
    for (const QString &addr : addresses) {
        // Addresses are request data: none becomes a path unvalidated.
        Result<PciAddress> a = PciAddress::parse(addr);
        if (!a) {
            Error e = a.error();
            e.device = addr.left(64);
            return e;
        }
        DriverState s;
        s.driver = readLinkName(bindpaths::driverLink(*a));
        Result<QString> o = readAttribute(bindpaths::driverOverride(*a));
        s.present = o.ok() || exists(bindpaths::device(*a));
        if (o.ok() && o->trimmed() != QLatin1String("(null)"))
            s.override = o->trimmed();
        states.insert(addr, s);
    }
    return states;
}

Result<SriovState> LocalNode::sriovState(const QString &pfAddress)
{
    const QString what = tr("Reading the VFs of %1").arg(pfAddress.left(64));
    Result<PciAddress> pf = PciAddress::parse(pfAddress);
    if (!pf) {
        Error e = pf.error();
        e.device = pfAddress.left(64);
        return e;
    }
    auto fail = [&](ErrorCode code, const QString &why) {
        Error e = Error::make(code, what, why);
        e.device = pfAddress;
        return e;
    };
    if (!exists(bindpaths::device(*pf)))
        return fail(ErrorCode::UnknownDevice, tr("there is no PCI device %1").arg(pfAddress));
    Result<QString> total = readAttribute(bindpaths::sriovTotalVfs(*pf));
    if (!total)
        return fail(ErrorCode::NotSriov, tr("%1 is not SR-IOV capable (no sriov_totalvfs)").arg(pfAddress));
    SriovState state;
    state.address = pfAddress;
    state.total = total->trimmed().toInt();
    Result<QString> current = readAttribute(bindpaths::sriovNumVfs(*pf));
    state.current = current ? current->trimmed().toInt() : 0;
    Result<QStringList> vfs = Binder(*this).virtualFunctions(pfAddress);
    if (!vfs)
        return vfs.error();
    state.vfs = *vfs;
    return state;
}

Result<QList<Finding>> LocalNode::vfCountImpact(const QString &pfAddress, int count)
{
    return Binder(*this).vfCountImpact(pfAddress, count);
}

Result<QStringList> LocalNode::setVfCount(const QString &pfAddress, int count, const VfCountOptions &options)
{
    return Binder(*this).setVfCount(pfAddress, count, options.autoprobeToHost, options.force);
}

Status LocalNode::reboot()
{
    if (m_sim)
        return m_sim->reboot();
    return Error::make(ErrorCode::RebootRefused, tr("Rebooting %1").arg(m_root.root()),
                       tr("Passdeck never reboots a real machine"),
                       tr("Put the node in maintenance mode, move its VMs away, then reboot it yourself "
                          "(e.g. `systemctl reboot`); the persistent configuration under /etc applies at boot."));
}

} // namespace passdeck
