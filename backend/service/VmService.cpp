#include "service/VmService.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "service/GroupService.h"
#include "store/Journal.h"
#include "service/JournaledApply.h"
#include "core/Node.h"
#include "service/PassthroughUnits.h"
#include "core/PciAddress.h"
#include "store/Store.h"
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

} // namespace

QString VmService::machineDeviceSubject(qint64 machineDeviceId) const
{
    auto name = StoreQuery::scalar(m_ctx.db(), QStringLiteral("SELECT name FROM machine_devices WHERE id = ?"), {machineDeviceId},
                                   tr("Naming a machine device"));
    return name && !name->isNull() ? tr("'%1'").arg(name->toString()) : tr("#%1").arg(machineDeviceId);
}

QString VmService::vmSubject(qint64 vmId) const
{
    auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
    return v ? tr("VM '%1'").arg(v->name) : tr("VM #%1").arg(vmId);
}

Result<Vm> VmService::create(const VmSpec &spec)
{
    // The domain is defined (or looked up to adopt) before the write lock is taken; when the
    // store then refuses the VM, a domain defined here is undefined again.
    DomainInfo domain;
    bool defined = false;
    auto prepare = [&]() -> Status {
        if (Status s = ServiceContext::checkName(spec.name, tr("VM")); !s)
            return s;
        auto d = prepareDomain(spec, &defined);
        if (!d)
            return d.error();
        domain = *d;
        return {};
    };
    auto created = m_ctx.change(spec.adopt ? QStringLiteral("vm.adopt") : QStringLiteral("vm.create"), tr("VM '%1'").arg(spec.name),
                                ServiceContext::Vms, prepare,
                                [&](StoreTransaction &tx) { return createImpl(tx, spec, domain.uuid.isEmpty() ? nullptr : &domain); });
    if (!created && defined) {
        qint64 nodeId = spec.nodeId;
        if (spec.tenantNodeId > 0)
            if (auto tn = DomainServiceQueries::tenantNode(m_ctx.db(), spec.tenantNodeId))
                nodeId = tn->nodeId;
        if (auto node = DomainServiceQueries::node(m_ctx.db(), nodeId))
            if (auto host = m_ctx.node(*node))
                (void)(*host)->undefineDomain(spec.name);
    }
    return created;
}

Result<Vm> VmService::createImpl(StoreTransaction &tx, const VmSpec &spec, const DomainInfo *domain)
{
    const QSqlDatabase db = m_ctx.db();
    const QString what = tr("Creating VM '%1'").arg(spec.name);
    qint64 nodeId = spec.nodeId;
    if (spec.tenantId > 0 || spec.tenantNodeId > 0) {
        auto t = DomainServiceQueries::tenant(db, spec.tenantId);
        if (!t)
            return t.error();
        if (spec.tenantNodeId <= 0)
            return ServiceContext::refusal(ErrorCode::TenantNodeRequired, what,
                                           tr("a VM of tenant '%1' must run on one of the tenant's nodes").arg(t->name),
                                           tr("Choose the tenant node the VM runs on."));
        auto tn = DomainServiceQueries::tenantNode(db, spec.tenantNodeId);
        if (!tn)
            return tn.error();
        if (tn->tenantId != spec.tenantId)
            return ServiceContext::refusal(ErrorCode::WrongTenantNode, what,
                                           tr("tenant node '%1' belongs to tenant '%2', not '%3'").arg(tn->name, tn->tenantName, t->name),
                                           tr("Choose a node of tenant '%1'.").arg(t->name));
        if (nodeId > 0 && nodeId != tn->nodeId)
            return ServiceContext::refusal(ErrorCode::WrongNode, what,
                                           tr("tenant node '%1' runs on node '%2'; a tenant VM runs where its tenant node runs").arg(tn->name, tn->nodeName),
                                           tr("Create the VM on node '%1'.").arg(tn->nodeName));
        nodeId = tn->nodeId;
    }
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return n.error();
    auto dup = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM vms WHERE name = ?"), {spec.name}, what);
    if (!dup)
        return dup.error();
    if (dup->toInt() > 0)
        return ServiceContext::refusal(ErrorCode::Duplicate, what, tr("a VM named '%1' already exists").arg(spec.name),
                                       tr("Choose another name."));
    StoreQuery q(db, QStringLiteral("INSERT INTO vms (name, description, node_id, owner_scope, tenant_id, tenant_node_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"));
    const QVariant nullId(QMetaType(QMetaType::LongLong));
    q.bind(spec.name).bind(spec.description).bind(nodeId).bind(spec.tenantId > 0 ? spec.tenantId : 0)
        .bind(spec.tenantId > 0 ? QVariant(spec.tenantId) : nullId)
        .bind(spec.tenantId > 0 ? QVariant(spec.tenantNodeId) : nullId);
    if (Status s = q.exec(what); !s)
        return s.error();
    const qint64 id = q.returnedId();
    if (domain) {
        if (Status s = recordDomain(id, *domain, what); !s)
            return s.error();
        // An adopted domain's own hostdevs are assigned outside Passdeck: their devices are taken.
        for (const DomainHostdev &h : domain->hostdevs)
            if (!h.passdeck)
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET foreign_domain = ? WHERE node_id = ? AND address = ?"),
                                               {domain->name, nodeId, h.address}, what); !s)
                    return s.error();
    }
    if (Status s = m_ctx.commit(tx); !s)
        return s.error();
    return DomainServiceQueries::vm(db, id);
}

Status VmService::release(qint64 vmId, const QString &what)
{
    const QSqlDatabase db = m_ctx.db();
    // Machine devices removed while the VM ran go now that it stops (their allocations cascade).
    if (Status s = StoreQuery::run(db, QStringLiteral("DELETE FROM machine_devices WHERE vm_id = ? AND removal_pending = 1"), {vmId}, what); !s)
        return s;
    if (Status s = StoreQuery::run(db, QStringLiteral("DELETE FROM allocations WHERE vm_id = ?"), {vmId}, what); !s)
        return s;
    // Host VMs hold their devices themselves (scope 0); a tenant VM's devices stay the tenant's.
    return StoreQuery::run(db, QStringLiteral(
        "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id NOT IN (SELECT device_id FROM allocations)"), {}, what);
}

Status VmService::remove(qint64 vmId)
{
    const QString subject = vmSubject(vmId);
    auto run = [&](StoreTransaction &) -> Status {
        auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
        if (!v)
            return v.error();
        if (Status s = release(vmId, tr("Deleting VM '%1'").arg(v->name)); !s)
            return s;
        return StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM vms WHERE id = ?"), {vmId}, tr("Deleting VM '%1'").arg(v->name));
    };
    // A VM with a domain: the domain goes too (shut down without Passdeck's hostdevs first when
    // it runs), before the store forgets the VM; otherwise the next refresh would import it again.
    auto prepare = [&]() -> Status {
        auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
        if (!v || v->domainUuid.isEmpty())
            return {};
        return undefineDomainOf(*v);
    };
    return m_ctx.change(QStringLiteral("vm.delete"), subject, allChanges, prepare, run);
}

Result<MachineDevice> VmService::attach(const AttachSpec &spec)
{
    auto g = DomainServiceQueries::group(m_ctx.db(), spec.groupId);
    const QString subject = tr("%1, %2 x group '%3'").arg(vmSubject(spec.vmId)).arg(spec.count)
                                .arg(g ? g->name : QStringLiteral("#%1").arg(spec.groupId));
    auto check = [&]() -> Status {
        if (Status s = ServiceContext::checkCount(spec.count); !s)
            return s;
        // Blank (empty or only spaces) asks for a generated name.
        return spec.name.trimmed().isEmpty() ? Status() : ServiceContext::checkName(spec.name, tr("machine device"));
    };
    return m_ctx.change(QStringLiteral("vm.attach"), subject, allChanges, check,
                        [&](StoreTransaction &tx) { return attachImpl(tx, spec); });
}

Result<MachineDevice> VmService::attachImpl(StoreTransaction &tx, const AttachSpec &spec)
{
    const QSqlDatabase db = m_ctx.db();
    const bool generateName = spec.name.trimmed().isEmpty();
    auto v = DomainServiceQueries::vm(db, spec.vmId);
    if (!v)
        return v.error();
    auto g = DomainServiceQueries::group(db, spec.groupId);
    if (!g)
        return g.error();
    const QString what = tr("Attaching devices of group '%1' to VM '%2'").arg(g->name, v->name);
    if (v->owner == GroupOwner::Host) {
        if (g->owner != GroupOwner::Host)
            return ServiceContext::refusal(ErrorCode::TenantGroup, what,
                                           tr("group '%1' belongs to tenant '%2'; its devices are reserved to that tenant").arg(g->name, g->tenantName),
                                           tr("Pick a host resource group for a host VM."));
    } else {
        if (g->owner != GroupOwner::Tenant || g->tenantId != v->tenantId)
            return ServiceContext::refusal(ErrorCode::ForeignGroup, what,
                                           tr("VM '%1' belongs to tenant '%2' and may use only that tenant's groups; '%3' is not one of them")
                                               .arg(v->name, v->tenantName, g->name),
                                           tr("Pick a resource group of tenant '%1'.").arg(v->tenantName));
        if (g->tenantNodeId != v->tenantNodeId) {
            auto tn = DomainServiceQueries::tenantNode(db, g->tenantNodeId);
            const QString where = tn ? tr("tenant node '%1' (on node '%2')").arg(tn->name, tn->nodeName) : QString();
            return ServiceContext::refusal(ErrorCode::WrongTenantNode, what,
                                           tr("the devices of group '%1' are attached to %2, but VM '%3' runs on tenant node '%4'")
                                               .arg(g->name, where, v->name, v->tenantNodeName),
                                           tr("Run the VM on %1, or pass devices to tenant node '%2'.").arg(where, v->tenantNodeName));
        }
    }
    // Counted in passthrough units, as a start allocates them (backend/PassthroughUnits).
    auto available = PassthroughUnits::forVm(db, *v, *g);
    if (!available)
        return available.error();
    const int capacity = available->total - available->reserved;
    // The VM's other machine devices of this group compete for the same units at its start.
    if (const int other = available->claimed; other > 0 && spec.count + other > capacity)
        return ServiceContext::refusal(ErrorCode::NotEnoughDevices, what,
                                       tr("VM '%1' already has %2 of group '%3' and group '%3' has only %4 it could get on node '%5'; "
                                          "Count %6 more could never be allocated")
                                           .arg(v->name, PassthroughUnits::describe(other, 0, g->groupClass), g->name,
                                                PassthroughUnits::describe(capacity, 0, g->groupClass), v->nodeName)
                                           .arg(spec.count),
                                       tr("Lower the Count, raise the Count of the existing machine device instead, or make more devices of "
                                          "node '%1' a resource of the group.").arg(v->nodeName));
    if (spec.count > capacity)
        return ServiceContext::refusal(ErrorCode::NotEnoughDevices, what,
                                       tr("Count is %1 but group '%2' has only %3 VM '%4' could get on node '%5' (a unit is a whole IOMMU group)")
                                           .arg(spec.count).arg(g->name, PassthroughUnits::describe(capacity, 0, g->groupClass), v->name, v->nodeName),
                                       tr("Lower the Count, or make more devices of node '%1' a resource of the group.").arg(v->nodeName));
    QString name = generateName ? QString() : spec.name;
    if (name.isEmpty()) {
        // "<group>-<n>": unique among the VM's machine devices, within 128 characters.
        const QString base = g->name.left(110);
        for (int i = 1; name.isEmpty(); ++i) {
            const QString candidate = QStringLiteral("%1-%2").arg(base).arg(i);
            auto used = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM machine_devices WHERE vm_id = ? AND name = ?"),
                                           {v->id, candidate}, what);
            if (!used)
                return used.error();
            if (used->toInt() == 0)
                name = candidate;
        }
    }
    auto dup = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM machine_devices WHERE vm_id = ? AND name = ?"), {v->id, name}, what);
    if (!dup)
        return dup.error();
    if (dup->toInt() > 0)
        return ServiceContext::refusal(ErrorCode::Duplicate, what,
                                       tr("VM '%1' already has a machine device named '%2'").arg(v->name, name),
                                       tr("Choose another name, or leave it blank for a generated one."));
    const QVariant nullId(QMetaType(QMetaType::LongLong));
    StoreQuery q(db, QStringLiteral("INSERT INTO machine_devices (vm_id, name, description, group_id, count, owner_scope, tenant_node_id)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    q.bind(v->id).bind(name).bind(spec.description).bind(g->id).bind(spec.count).bind(v->tenantId)
        .bind(v->tenantNodeId > 0 ? QVariant(v->tenantNodeId) : nullId);
    if (Status s = q.exec(what); !s)
        return s.error();
    const qint64 id = q.returnedId();
    if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET restart_needed = 1 WHERE id = ?"), {v->id}, what); !s)
        return s.error();
    if (Status s = m_ctx.commit(tx); !s)
        return s.error();
    auto list = DomainServiceQueries::machineDevices(db, v->id, 0);
    if (!list)
        return list.error();
    for (const MachineDevice &m : *list)
        if (m.id == id)
            return m;
    return ServiceContext::notFound(tr("machine device"), id);
}

Status VmService::detach(qint64 vmId, qint64 machineDeviceId, RunningVmPolicy policy)
{
    const QString subject = tr("%1, machine device %2").arg(vmSubject(vmId), machineDeviceSubject(machineDeviceId));
    auto run = [&](StoreTransaction &tx) -> Status {
        const QSqlDatabase db = m_ctx.db();
        auto v = DomainServiceQueries::vm(db, vmId);
        if (!v)
            return v.error();
        const QString what = tr("Detaching a device from VM '%1'").arg(v->name);
        auto held = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM machine_devices m WHERE m.id = ? AND m.vm_id = ?"
                                                          " AND EXISTS (SELECT 1 FROM allocations a WHERE a.machine_device_id = m.id)"),
                                       {machineDeviceId, vmId}, what);
        if (!held)
            return held.error();
        if (v->power == PowerState::On && held->toInt() > 0) {
            if (policy == RunningVmPolicy::KeepUntilStop) {
                // A running VM keeps its devices until it stops: mark the machine device; its
                // restart or power off removes it (release()).
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE machine_devices SET removal_pending = 1 WHERE id = ? AND vm_id = ?"),
                                               {machineDeviceId, vmId}, what); !s)
                    return s;
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET restart_needed = 1 WHERE id = ?"), {vmId}, what); !s)
                    return s;
                return tx.commit();
            }
            // Stop the VM first: all its devices are released, then the machine device goes.
            if (Status s = release(vmId, what); !s)
                return s;
            if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET power = 'off' WHERE id = ?"), {vmId}, what); !s)
                return s;
        }
        StoreQuery q(db, QStringLiteral("DELETE FROM machine_devices WHERE id = ? AND vm_id = ?"));
        q.bind(machineDeviceId).bind(vmId);
        if (Status s = q.exec(what); !s)
            return s;
        if (q.rowsAffected() == 0 && !(v->power == PowerState::On && held->toInt() > 0))
            return ServiceContext::refusal(ErrorCode::NotFound, what,
                                           tr("VM '%1' has no machine device #%2").arg(v->name).arg(machineDeviceId),
                                           tr("Reload the VM's device list."));
        // Its allocations went with it (cascade); free the holds they had.
        return StoreQuery::run(db, QStringLiteral(
            "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id NOT IN (SELECT device_id FROM allocations)"), {}, what);
    };
    return m_ctx.change(policy == RunningVmPolicy::StopVmFirst ? QStringLiteral("vm.detach-stop") : QStringLiteral("vm.detach"), subject,
                        allChanges, run);
}

Status VmService::powerOff(qint64 vmId)
{
    const QString subject = vmSubject(vmId);
    // A VM with a domain: the domain shuts down and loses Passdeck's hostdevs, then they are freed.
    if (auto v = DomainServiceQueries::vm(m_ctx.db(), vmId); v && !v->domainUuid.isEmpty())
        return m_ctx.run(QStringLiteral("vm.power-off"), subject, [&] { return powerOffDomain(vmId); }, allChanges);
    auto run = [&](StoreTransaction &) -> Status {
        auto v = DomainServiceQueries::vm(m_ctx.db(), vmId);
        if (!v)
            return v.error();
        const QString what = tr("Powering off VM '%1'").arg(v->name);
        if (Status s = release(vmId, what); !s)
            return s;
        return StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE vms SET power = 'off' WHERE id = ?"), {vmId}, what);
    };
    return m_ctx.change(QStringLiteral("vm.power-off"), subject, allChanges, run);
}

Result<QStringList> VmService::notOnVfio(Node &node, const QStringList &addresses)
{
    QStringList valid;
    for (const QString &a : addresses)
        if (PciAddress::isValid(a))
            valid << a;
    auto states = node.driverStates(valid);
    if (!states)
        return states.error();
    QStringList out;
    for (const QString &a : addresses)
        if (!states->contains(a) || states->value(a).driver != kVfioPci)
            out << a;
    return out;
}

Status VmService::canStart(qint64 vmId) const
{
    const QSqlDatabase db = m_ctx.db();
    auto v = DomainServiceQueries::vm(db, vmId);
    if (!v)
        return v.error();
    auto n = DomainServiceQueries::node(db, v->nodeId);
    if (!n)
        return n.error();
    if (n->maintenance)
        return ServiceContext::refusal(ErrorCode::NodeMaintenance,
                                       v->power == PowerState::On ? tr("Restarting VM '%1'").arg(v->name) : tr("Powering on VM '%1'").arg(v->name),
                                       tr("its node '%1' is in maintenance mode; no VM starts there until maintenance ends").arg(n->name),
                                       tr("Turn maintenance mode off on node '%1' when the work on it is done, then start the VM.").arg(n->name));
    return {};
}

Result<RestartResult> VmService::start(qint64 vmId, const ProgressFn &progress, const QString &action)
{
    return m_ctx.run(action, vmSubject(vmId), [&]() -> Result<RestartResult> {
        // A node in maintenance starts nothing (a refusal: audited on its own, changes nothing).
        if (Status s = canStart(vmId); !s)
            return s.error();
        // A VM with a domain (docs/libvirt.md): allocate, bind, then the domain's hostdevs and
        // its restart through the node. Without one (no hypervisor on its node): Passdeck's own.
        if (auto v = DomainServiceQueries::vm(m_ctx.db(), vmId); v && !v->domainUuid.isEmpty())
            return startDomainImpl(vmId, progress, DomainStep::Change);
        return startImpl(vmId, progress);
    }, allChanges);
}

Result<RestartResult> VmService::startImpl(qint64 vmId, const ProgressFn &progress)
{
    const QSqlDatabase db = m_ctx.db();
    RestartResult result;
    QStringList allocated;
    // Devices not on vfio-pci yet (e.g. their group was filled with --next-boot and the node
    // rebooted without the configuration) are bound. Their journal row is written in the
    // allocation's own transaction: the store never says "on" without either the devices on
    // vfio-pci or a row from which recovery turns the VM off and puts them back.
    std::optional<NodeInfo> node;
    std::unique_ptr<Node> nodeHost;
    std::optional<BindPlan> plan;
    JournalEntry entry;
    QStringList toBind;
    Status allocatedAll = m_ctx.write([&](StoreTransaction &tx) -> Status {
        auto v = DomainServiceQueries::vm(db, vmId);
        if (!v)
            return v.error();
        const QString what = tr("Restarting VM '%1'").arg(v->name);
        if (Status s = release(vmId, what); !s)
            return s.error();
        auto mds = DomainServiceQueries::machineDevices(db, vmId, 0);
        if (!mds)
            return mds.error();
        const bool host = v->owner == GroupOwner::Host;
        for (const MachineDevice &m : *mds) {
            // Whole passthrough units (all the group's endpoints of an IOMMU group), free for this VM.
            auto picked = PassthroughUnits::pickForMachineDevice(db, *v, m, what);
            if (!picked)
                return picked.error();
            const QVariant nullId(QMetaType(QMetaType::LongLong));
            for (const auto &[deviceId, address] : *picked) {
                if (host) {
                    if (Status s = StoreQuery::run(db, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"),
                                                   {deviceId}, what); !s)
                        return s.error();
                }
                StoreQuery ins(db, QStringLiteral(
                    "INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope, tenant_node_id,"
                    " rule_group_id, pool_group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                ins.bind(m.id).bind(vmId).bind(m.groupId).bind(deviceId).bind(v->nodeId).bind(v->tenantId)
                    .bind(host ? nullId : QVariant(v->tenantNodeId))
                    .bind(host ? QVariant(m.groupId) : nullId).bind(host ? nullId : QVariant(m.groupId));
                if (Status s = ins.exec(what); !s)
                    return s.error();
                allocated << address;
            }
        }
        if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET power = 'on', restart_needed = 0 WHERE id = ?"), {vmId}, what); !s)
            return s.error();
        if (!allocated.isEmpty()) {
            auto n = DomainServiceQueries::node(db, v->nodeId);
            if (!n)
                return n.error();
            auto opened = m_ctx.node(*n);
            if (!opened)
                return opened.error();
            node = *n;
            nodeHost = std::move(opened.value());
            auto unbound = notOnVfio(*nodeHost, allocated);
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
            // Not the operation's last commit: its audit entry goes with the recorded bind.
            return tx.commit();
        }
        return {}; // the operation's last commit, with its audit entry
    });
    if (!allocatedAll)
        return allocatedAll.error();
    if (plan) {
        const QString what = tr("Binding the devices of %1").arg(vmSubject(vmId));
        ApplyOptions options;
        options.progress = progress;
        auto record = [&](const ApplyResult &r) -> Status {
            for (const DeviceOutcome &o : r.devices)
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET driver = ? WHERE node_id = ? AND address = ?"),
                                               {o.driver, node->id, o.address}, what); !s)
                    return s;
            return {};
        };
        // The VM does not run on devices that could not be bound: off, restart needed. Done
        // while the journal row still claims the devices, before they are put back.
        auto turnOff = [&]() -> Status {
            if (Status s = release(vmId, what); !s)
                return s;
            return StoreQuery::run(db, QStringLiteral("UPDATE vms SET power = 'off', restart_needed = 1 WHERE id = ?"), {vmId}, what);
        };
        auto applied = JournaledApply::complete(m_ctx, *nodeHost, entry, *plan, options, record, turnOff);
        if (!applied)
            return applied.error();
        result.bound = toBind;
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

Status VmService::moveToNode(qint64 vmId, qint64 nodeId)
{
    const QString subject = vmSubject(vmId);
    auto run = [&](StoreTransaction &) -> Status {
        const QSqlDatabase db = m_ctx.db();
        auto v = DomainServiceQueries::vm(db, vmId);
        if (!v)
            return v.error();
        auto n = DomainServiceQueries::node(db, nodeId);
        if (!n)
            return n.error();
        const QString what = tr("Moving VM '%1' to node '%2'").arg(v->name, n->name);
        if (v->nodeId == nodeId)
            return ServiceContext::refusal(ErrorCode::SameNode, what, tr("VM '%1' already runs on node '%2'").arg(v->name, n->name),
                                           tr("Choose another node."));
        // A running VM holds devices of its node: it keeps its node until it stops.
        if (v->power == PowerState::On)
            return ServiceContext::refusal(ErrorCode::Running, what,
                                           tr("VM '%1' is running on node '%2' with its devices").arg(v->name, v->nodeName),
                                           tr("Power the VM off first (VM dashboard → Power Off), then move it."));
        qint64 tenantNodeId = 0;
        if (v->owner == GroupOwner::Tenant) {
            auto tn = StoreQuery::scalar(db, QStringLiteral("SELECT MIN(id) FROM tenant_nodes WHERE tenant_id = ? AND node_id = ?"),
                                         {v->tenantId, nodeId}, what);
            if (!tn)
                return tn.error();
            if (tn->isNull())
                return ServiceContext::refusal(ErrorCode::NoTenantNode, what,
                                               tr("VM '%1' belongs to tenant '%2', which has no tenant node on node '%3'; a tenant VM "
                                                  "runs on one of its tenant's nodes").arg(v->name, v->tenantName, n->name),
                                               tr("Add a tenant node on '%1' first (the tenant's dashboard → Add Tenant Node…), "
                                                  "or choose a node where tenant '%2' runs.").arg(n->name, v->tenantName));
            tenantNodeId = tn->toLongLong();
            // Its machine devices draw from groups attached to its current tenant node.
            if (v->machineDeviceCount > 0)
                return ServiceContext::refusal(ErrorCode::TenantDevices, what,
                                               tr("the machine devices of VM '%1' draw from the devices of tenant '%2' attached to tenant "
                                                  "node '%3' (node '%4'), which a VM on node '%5' cannot use")
                                                   .arg(v->name, v->tenantName, v->tenantNodeName, v->nodeName, n->name),
                                               tr("Delete the VM's machine devices first, move it, then add devices from the tenant's "
                                                  "groups on the new tenant node."));
        } else {
            // Every machine device's Count must still be possible on the new node, counted as
            // attach counts it (PassthroughUnits::forVm: units with a vanished or changed device
            // and tenants' reservations left out, the VM's machine devices of a group together).
            auto mds = DomainServiceQueries::machineDevices(db, vmId, 0);
            if (!mds)
                return mds.error();
            Vm there = *v;
            there.nodeId = nodeId;
            there.nodeName = n->name;
            QList<qint64> checked;
            for (const MachineDevice &m : *mds) {
                if (checked.contains(m.groupId))
                    continue;
                checked << m.groupId;
                auto g = DomainServiceQueries::group(db, m.groupId);
                if (!g)
                    return g.error();
                auto available = PassthroughUnits::forVm(db, there, *g);
                if (!available)
                    return available.error();
                const int capacity = available->total - available->reserved;
                if (available->claimed > capacity)
                    return ServiceContext::refusal(ErrorCode::NotEnoughDevices, what,
                                                   tr("VM '%1' asks for %2 device(s) of group '%3', which has %4 on node '%5'")
                                                       .arg(v->name).arg(available->claimed).arg(g->name).arg(capacity).arg(n->name),
                                                   tr("Make devices of node '%1' a resource of group '%2' (PCI Devices → Make Resource), "
                                                      "or lower the Count first.").arg(n->name, g->name));
            }
        }
        // Stopped: nothing allocated. Any leftover is released rather than carried across nodes.
        if (Status s = release(vmId, what); !s)
            return s;
        if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET node_id = ?, tenant_node_id = ? WHERE id = ?"),
                                       {nodeId, tenantNodeId > 0 ? QVariant(tenantNodeId) : QVariant(), vmId}, what); !s)
            return s;
        // Its domain moves with it (docs/libvirt.md): defined on the new node, then undefined on
        // the old one; when that fails, the new definition goes again and nothing moved.
        if (!v->domainUuid.isEmpty()) {
            auto target = m_ctx.node(*n);
            if (!target)
                return target.error();
            auto defined = (*target)->defineDomain(DomainDefinition{v->name, v->vcpus > 0 ? v->vcpus : 1,
                                                                    v->memoryMiB > 0 ? v->memoryMiB : 1024});
            if (!defined) {
                Error e = defined.error();
                e.what = what + QStringLiteral(": ") + e.what;
                return e;
            }
            if (Status s = undefineDomainOf(*v); !s) {
                (void)(*target)->undefineDomain(v->name);
                return s;
            }
            return recordDomain(vmId, *defined, what);
        }
        return {};
    };
    return m_ctx.change(QStringLiteral("vm.move"), subject, allChanges, run);
}

} // namespace passdeck
