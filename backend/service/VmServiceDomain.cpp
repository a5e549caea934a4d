// VmService, the VM's libvirt domain (docs/libvirt.md, "VMs in Passdeck"): restart, power on,
// attach now and power off of a VM that has a domain, its XML and its shutdown timeout.
#include "service/VmService.h"

#include "core/Node.h"
#include "core/PciAddress.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "service/JournaledApply.h"
#include "service/PassthroughUnits.h"
#include "store/Journal.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>

#include <optional>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

constexpr int allChanges = ServiceContext::Vms | ServiceContext::Groups;

// What a start changes in the store, taken before it: when the node refuses the domain change,
// the store goes back to exactly this (the node puts the domain and the drivers back itself).
struct VmSnapshot
{
    QString power;
    int restartNeeded = 0;
    QList<QVariantList> allocations; // the allocations row's columns, in kAllocationColumns order
};

const char kAllocationColumns[] = "machine_device_id, vm_id, group_id, device_id, node_id, vm_scope, tenant_node_id, rule_group_id, pool_group_id";

Result<VmSnapshot> takeSnapshot(const QSqlDatabase &db, qint64 vmId, const QString &what)
{
    VmSnapshot snap;
    StoreQuery v(db, QStringLiteral("SELECT power, restart_needed FROM vms WHERE id = ?"));
    v.bind(vmId);
    if (Status s = v.exec(what); !s)
        return s.error();
    if (!v.next())
        return ServiceContext::notFound(tr("VM"), vmId);
    snap.power = v.value(0).toString();
    snap.restartNeeded = v.value(1).toInt();
    StoreQuery a(db, QStringLiteral("SELECT %1 FROM allocations WHERE vm_id = ? ORDER BY id").arg(QLatin1String(kAllocationColumns)));
    a.bind(vmId);
    if (Status s = a.exec(what); !s)
        return s.error();
    // Every column is an integer id or NULL. SQLite hands NULL back as a null QString, which
    // StoreQuery binds as '' (for NOT NULL text columns): put it back as an integer NULL.
    const QVariant nullId(QMetaType(QMetaType::LongLong));
    while (a.next()) {
        QVariantList row;
        for (int i = 0; i < 9; ++i)
            row << (a.value(i).isNull() ? nullId : a.value(i));
        snap.allocations << row;
    }
    return snap;
}

// Inside a transaction: the VM's allocations, holds, power and restart-needed as in snap.
Status restoreSnapshot(const QSqlDatabase &db, qint64 vmId, const VmSnapshot &snap, const QString &what)
{
    if (Status s = StoreQuery::run(db, QStringLiteral("DELETE FROM allocations WHERE vm_id = ?"), {vmId}, what); !s)
        return s;
    for (const QVariantList &row : snap.allocations) {
        // A host VM's allocation stands on its own hold (scope 0); a tenant VM's on the tenant's.
        if (row.at(5).toLongLong() == 0) {
            if (Status s = StoreQuery::run(db, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) SELECT ?, 0 WHERE NOT EXISTS"
                                                              " (SELECT 1 FROM device_holds WHERE device_id = ? AND holder_scope = 0)"),
                                           {row.at(3), row.at(3)}, what); !s)
                return s;
        }
        StoreQuery ins(db, QStringLiteral("INSERT INTO allocations (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(QLatin1String(kAllocationColumns)));
        for (const QVariant &value : row)
            ins.bind(value);
        if (Status s = ins.exec(what); !s)
            return s;
    }
    if (Status s = StoreQuery::run(db, QStringLiteral(
            "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id NOT IN (SELECT device_id FROM allocations)"), {}, what); !s)
        return s;
    return StoreQuery::run(db, QStringLiteral("UPDATE vms SET power = ?, restart_needed = ? WHERE id = ?"),
                           {snap.power, snap.restartNeeded, vmId}, what);
}

// The node's error, named after the VM and the step (libvirt's own words stay in `why`).
Error nameVm(Error error, const QString &what, const QStringList &devices)
{
    error.what = error.what.isEmpty() ? what : what + QStringLiteral(": ") + error.what;
    if (error.device.isEmpty() && !devices.isEmpty())
        error.device = devices.join(QLatin1String(", "));
    return error;
}

} // namespace

Status VmService::recordDomain(qint64 vmId, const DomainInfo &info, const QString &what)
{
    StoreQuery q(m_ctx.db(), QStringLiteral("UPDATE vms SET domain_uuid = ?, libvirt_state = ?, vcpus = ?, memory_mib = ?,"
                                            " domain_hostdevs = ?, vanished_since = '' WHERE id = ?"));
    q.bind(info.uuid).bind(domainStateName(info.state)).bind(info.vcpus).bind(info.memoryMiB)
        .bind(DomainServiceQueries::encodeHostdevs(info.hostdevs)).bind(vmId);
    return q.exec(what);
}

Result<RestartResult> VmService::attachNow(qint64 vmId, const ProgressFn &progress)
{
    return m_ctx.run(QStringLiteral("vm.attach-now"), vmSubject(vmId), [&]() -> Result<RestartResult> {
        if (Status s = canStart(vmId); !s)
            return s.error();
        auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
        if (!v)
            return v.error();
        const QString what = tr("Attaching devices to running VM '%1' now").arg(v->name);
        if (v->domainUuid.isEmpty())
            return ServiceContext::refusal(ErrorCode::HypervisorUnavailable, what,
                                           tr("VM '%1' has no libvirt domain on node '%2'%3").arg(v->name, v->nodeName,
                                               v->hypervisorError.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(v->hypervisorError)),
                                           tr("Restart the VM to give it its devices."));
        if (v->power != PowerState::On)
            return ServiceContext::refusal(ErrorCode::BadUsage, what, tr("VM '%1' is not running").arg(v->name),
                                           tr("Power the VM on: it gets its devices as it starts."));
        return startDomainImpl(vmId, progress, DomainStep::AttachLive);
    }, allChanges);
}

Result<RestartResult> VmService::startDomainImpl(qint64 vmId, const ProgressFn &progress, DomainStep step)
{
    const QSqlDatabase db = m_ctx.db();
    const bool live = step == DomainStep::AttachLive;
    std::optional<NodeInfo> node;
    std::unique_ptr<Node> nodeHost;
    std::optional<BindPlan> plan;
    JournalEntry entry;
    VmSnapshot snapshot;
    Vm vm;
    QStringList allocated; // every device the VM holds after the start
    QStringList added;     // those new at this step
    QStringList toBind;
    QString what;
    // 1. The allocation (and the journal row when devices must be bound) commits on its own, so
    //    that the bind and the domain change run outside the write lock where they can.
    Status allocatedAll = m_ctx.write([&](StoreTransaction &tx) -> Status {
        auto v = DomainServiceQueries::vm(db, vmId);
        if (!v)
            return v.error();
        vm = *v;
        what = live ? tr("Attaching devices to running VM '%1' now").arg(v->name) : tr("Restarting VM '%1'").arg(v->name);
        auto snap = takeSnapshot(db, vmId, what);
        if (!snap)
            return snap.error();
        snapshot = *snap;
        if (!live) {
            // Removal-pending machine devices stay until the domain change succeeded.
            if (Status s = StoreQuery::run(db, QStringLiteral("DELETE FROM allocations WHERE vm_id = ?"), {vmId}, what); !s)
                return s;
            if (Status s = StoreQuery::run(db, QStringLiteral(
                    "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id NOT IN (SELECT device_id FROM allocations)"), {}, what); !s)
                return s;
        }
        auto mds = DomainServiceQueries::machineDevices(db, vmId, 0);
        if (!mds)
            return mds.error();
        const bool host = v->owner == GroupOwner::Host;
        const QVariant nullId(QMetaType(QMetaType::LongLong));
        for (const MachineDevice &m : *mds) {
            if (m.removalPending)
                continue;
            if (live && !m.allocated.isEmpty()) {
                for (const AllocatedDevice &a : m.allocated)
                    allocated << a.address;
                continue;
            }
            auto picked = PassthroughUnits::pickForMachineDevice(db, *v, m, what);
            if (!picked)
                return picked.error();
            for (const auto &[deviceId, address] : *picked) {
                if (host) {
                    if (Status s = StoreQuery::run(db, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"),
                                                   {deviceId}, what); !s)
                        return s;
                }
                StoreQuery ins(db, QStringLiteral(
                    "INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope, tenant_node_id,"
                    " rule_group_id, pool_group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                ins.bind(m.id).bind(vmId).bind(m.groupId).bind(deviceId).bind(v->nodeId).bind(v->tenantId)
                    .bind(host ? nullId : QVariant(v->tenantNodeId))
                    .bind(host ? QVariant(m.groupId) : nullId).bind(host ? nullId : QVariant(m.groupId));
                if (Status s = ins.exec(what); !s)
                    return s;
                allocated << address;
                added << address;
            }
        }
        if (live && added.isEmpty())
            return ServiceContext::refusal(ErrorCode::BadUsage, what, tr("every machine device of VM '%1' already has its devices").arg(v->name),
                                           tr("Attach a device first (Devices → New)."));
        if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET power = 'on', restart_needed = 0 WHERE id = ?"), {vmId}, what); !s)
            return s;
        auto n = DomainServiceQueries::node(db, v->nodeId);
        if (!n)
            return n.error();
        auto opened = m_ctx.node(*n);
        if (!opened)
            return opened.error();
        node = *n;
        nodeHost = std::move(opened.value());
        if (!added.isEmpty()) {
            auto unbound = notOnVfio(*nodeHost, added);
            if (!unbound)
                return unbound.error();
            toBind = *unbound;
        }
        if (!toBind.isEmpty()) {
            auto planned = nodeHost->plan(toBind, BindTarget::VfioPci);
            if (!planned)
                return planned.error();
            auto journaled = JournaledApply::journal(m_ctx, *node, *planned, QStringLiteral("vm-restart"), 0, vmId);
            if (!journaled)
                return journaled.error();
            plan = *planned;
            entry = *journaled;
        }
        return tx.commit(); // not the operation's last commit: its audit entry goes with the domain change
    });
    if (!allocatedAll)
        return allocatedAll.error();

    // 2. The domain: Passdeck's hostdevs become exactly the allocation, shut down, start (or,
    //    live, the new devices into the running domain). Outside the write lock (a shutdown may
    //    take its whole timeout), then recorded in a transaction of its own.
    const QString undoWhat = tr("Undoing the start of VM '%1'").arg(vm.name);
    // The domain as it was, so that a failure after its change (the record, the audit entry)
    // puts it back too: Passdeck's hostdevs and the run state of before.
    std::optional<DomainChange> domainBefore;
    if (auto domains = nodeHost->domains()) {
        for (const DomainInfo &d : *domains) {
            if (d.name != vm.name)
                continue;
            DomainChange back{vm.name, {}, domainStateIsActive(d.state), vm.shutdownTimeoutSec};
            for (const DomainHostdev &h : d.hostdevs)
                if (h.passdeck)
                    back.hostdevs << h.address;
            domainBefore = back;
        }
    }
    bool domainChanged = false;
    auto revertDomain = [&](Error e) -> Error {
        if (!domainChanged)
            return e;
        domainChanged = false;
        if (!domainBefore) {
            e.addHint(tr("VM '%1' was changed on its node and its state before could not be read: "
                         "check it with passdeck-cli vm xml.").arg(vm.name));
            return e;
        }
        if (auto back = nodeHost->changeDomain(*domainBefore); !back)
            e.addHint(tr("Putting VM '%1' back on its node failed too: %2")
                      .arg(vm.name, back.error().message()));
        return e;
    };
    auto domainStep = [&]() -> Result<DomainInfo> {
        Result<DomainInfo> info = live ? nodeHost->attachLive(vm.name, added)
                                       : nodeHost->changeDomain(DomainChange{vm.name, allocated, true, vm.shutdownTimeoutSec});
        if (info)
            domainChanged = true;
        if (!info) {
            Error e = nameVm(info.error(), what, live ? added : allocated);
            if (live && e.code == ErrorCode::LiveAttachRefused)
                e.hint = tr("The VM keeps running without them and needs a Restart to get them (VM dashboard → Restart).");
            return e;
        }
        return info;
    };
    auto recordSuccess = [&](const DomainInfo &info) -> Status {
        if (Status s = recordDomain(vmId, info, what); !s)
            return s;
        // Machine devices removed while the VM ran go now that the domain no longer has them.
        if (!live) {
            if (Status s = StoreQuery::run(db, QStringLiteral("DELETE FROM machine_devices WHERE vm_id = ? AND removal_pending = 1"), {vmId}, what); !s)
                return s;
            return StoreQuery::run(db, QStringLiteral(
                "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id NOT IN (SELECT device_id FROM allocations)"), {}, what);
        }
        return {};
    };
    auto undoStore = [&]() -> Status {
        if (Status s = restoreSnapshot(db, vmId, snapshot, undoWhat); !s)
            return s;
        // A refused live attach leaves the VM running and still waiting for a restart.
        return live ? StoreQuery::run(db, QStringLiteral("UPDATE vms SET restart_needed = 1 WHERE id = ?"), {vmId}, undoWhat) : Status();
    };

    RestartResult result;
    if (plan) {
        ApplyOptions options;
        options.progress = progress;
        // The domain changes between the bind and the record, outside the write lock (its
        // shutdown may take the whole timeout). A refused change: the devices go back (journal),
        // the store too (undoStore). A failed record: the domain goes back first, then both.
        std::optional<DomainInfo> changed;
        JournaledApply::AfterApply domain;
        domain.run = [&](const ApplyResult &) -> Status {
            auto info = domainStep();
            if (!info)
                return info.error();
            changed = *info;
            return {};
        };
        domain.undo = revertDomain;
        auto record = [&](const ApplyResult &r) -> Status {
            for (const DeviceOutcome &o : r.devices)
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET driver = ? WHERE node_id = ? AND address = ?"),
                                               {o.driver, node->id, o.address}, what); !s)
                    return s;
            return recordSuccess(*changed);
        };
        // complete() put the domain back itself when the record failed after the change.
        auto applied = JournaledApply::complete(m_ctx, *nodeHost, entry, *plan, options, record, undoStore, domain);
        if (!applied)
            return applied.error();
        result.bound = toBind;
    } else {
        // Nothing to bind: the store goes back in a transaction of its own (the failure is
        // audited on its own), and says so when it cannot.
        auto storeBack = [&](Error e) -> Error {
            Status undone = m_ctx.write([&](StoreTransaction &tx) -> Status {
                if (Status s = undoStore(); !s)
                    return s;
                return tx.commit();
            });
            if (!undone)
                e.addHint(tr("Putting the store back failed too: %1").arg(undone.error().message()));
            return e;
        };
        auto info = domainStep();
        if (!info)
            return storeBack(info.error());
        Status recorded = m_ctx.write([&](StoreTransaction &) -> Status { return recordSuccess(*info); });
        if (!recorded) // not recorded (the store, or its audit entry): the domain and the store go back
            return storeBack(revertDomain(recorded.error()));
    }
    auto mds = DomainServiceQueries::machineDevices(db, vmId, 0);
    if (!mds)
        return mds.error();
    for (const MachineDevice &m : *mds)
        result.allocated << m.allocated;
    auto after = DomainServiceQueries::vm(db, vmId);
    if (!after)
        return after.error();
    result.vm = *after;
    return result;
}

Status VmService::powerOffDomain(qint64 vmId)
{
    auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
    if (!v)
        return v.error();
    const QString what = tr("Powering off VM '%1'").arg(v->name);
    auto n = DomainServiceQueries::node(m_ctx.db(), v->nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    // The domain first: it shuts down and loses Passdeck's hostdevs; only then are they freed.
    QStringList held;
    for (const DomainHostdev &h : v->hostdevs)
        if (h.passdeck)
            held << h.address;
    auto info = (*host)->changeDomain(DomainChange{v->name, {}, false, v->shutdownTimeoutSec});
    if (!info)
        return nameVm(info.error(), what, held);
    return m_ctx.write([&](StoreTransaction &) -> Status {
        if (Status s = release(vmId, what); !s)
            return s;
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE vms SET power = 'off' WHERE id = ?"), {vmId}, what); !s)
            return s;
        return recordDomain(vmId, *info, what);
    });
}

Status VmService::undefineDomainOf(const Vm &v)
{
    const QString what = tr("Deleting VM '%1'").arg(v.name);
    auto n = DomainServiceQueries::node(m_ctx.db(), v.nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    auto domains = (*host)->domains();
    if (!domains)
        return nameVm(domains.error(), what, {});
    for (const DomainInfo &d : *domains) {
        if (d.uuid != v.domainUuid)
            continue;
        if (domainStateIsActive(d.state)) {
            auto stopped = (*host)->changeDomain(DomainChange{v.name, {}, false, v.shutdownTimeoutSec});
            if (!stopped)
                return nameVm(stopped.error(), what, {});
        }
        if (Status s = (*host)->undefineDomain(v.name); !s && s.error().code != ErrorCode::DomainNotFound)
            return nameVm(s.error(), what, {});
    }
    return {};
}

Result<QString> VmService::domainXml(qint64 vmId)
{
    auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
    if (!v)
        return v.error();
    auto n = DomainServiceQueries::node(m_ctx.db(), v->nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    auto xml = (*host)->domainXml(v->name);
    if (!xml)
        return nameVm(xml.error(), tr("Reading the domain XML of VM '%1'").arg(v->name), {});
    return xml;
}

Status VmService::setShutdownTimeout(qint64 vmId, int seconds)
{
    return m_ctx.change(QStringLiteral("vm.shutdown-timeout"), tr("%1, %2 s").arg(vmSubject(vmId)).arg(seconds), ServiceContext::Vms,
                        [&](StoreTransaction &) -> Status {
        auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
        if (!v)
            return v.error();
        const QString what = tr("Setting the shutdown timeout of VM '%1'").arg(v->name);
        if (seconds < 0 || seconds > 3600)
            return ServiceContext::refusal(ErrorCode::BadUsage, what, tr("%1 seconds is not between 0 and 3600").arg(seconds),
                                           tr("Give the seconds libvirt waits for the guest to shut down before it is destroyed (0-3600)."));
        return StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE vms SET shutdown_timeout = ? WHERE id = ?"), {seconds, vmId}, what);
    });
}

} // namespace passdeck
