#include "service/GroupService.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "service/JournaledApply.h"
#include "service/MakeResourceImpact.h"
#include "core/Node.h"
#include "core/PciAddress.h"
#include "store/Store.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("DomainService", text, disambiguation, n);
}

QString groupSubject(const ServiceContext &ctx, qint64 groupId)
{
    auto g = DomainServiceQueries::group(ctx.db(), groupId);
    return g ? QCoreApplication::translate("DomainService", "group '%1'").arg(g->name)
             : QCoreApplication::translate("DomainService", "group #%1").arg(groupId);
}

Error duplicateGroup(const QString &what, const QString &name)
{
    return ServiceContext::refusal(ErrorCode::Duplicate, what,
                                   tr("a resource group named '%1' already exists").arg(name),
                                   tr("Choose another name, or use the existing group."));
}

} // namespace

Result<ResourceGroup> GroupService::create(const GroupSpec &spec)
{
    return m_ctx.change(QStringLiteral("group.create"), tr("group '%1'").arg(spec.name), ServiceContext::Groups,
                        [&] { return ServiceContext::checkName(spec.name, tr("group")); },
                        [&](StoreTransaction &tx) { return createImpl(tx, spec); });
}

Result<ResourceGroup> GroupService::createImpl(StoreTransaction &tx, const GroupSpec &spec)
{
    const QString what = tr("Creating resource group '%1'").arg(spec.name);
    auto exists = StoreQuery::scalar(m_ctx.db(), QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE owner_scope = 0 AND name = ?"),
                                     {spec.name}, what);
    if (!exists)
        return exists.error();
    if (exists->toInt() > 0)
        return duplicateGroup(what, spec.name);
    StoreQuery q(m_ctx.db(), QStringLiteral("INSERT INTO resource_groups (name, description, class) VALUES (?, ?, ?) RETURNING id"));
    q.bind(spec.name).bind(spec.description).bind(groupClassName(spec.groupClass));
    if (Status s = q.exec(what); !s)
        return s.error().code == ErrorCode::Constraint ? duplicateGroup(what, spec.name) : s.error();
    const qint64 id = q.returnedId();
    if (Status s = m_ctx.commit(tx); !s)
        return s.error();
    return DomainServiceQueries::group(m_ctx.db(), id);
}

Result<ResourceGroup> GroupService::edit(qint64 groupId, const GroupSpec &spec)
{
    auto check = [&] { return ServiceContext::checkName(spec.name, tr("group")); };
    auto run = [&](StoreTransaction &tx) -> Result<ResourceGroup> {
        const QString what = tr("Editing resource group '%1'").arg(spec.name);
        auto g = DomainServiceQueries::group(m_ctx.db(), groupId);
        if (!g)
            return g.error();
        StoreQuery q(m_ctx.db(), QStringLiteral("UPDATE resource_groups SET name = ?, description = ?, class = ? WHERE id = ?"));
        q.bind(spec.name).bind(spec.description).bind(groupClassName(spec.groupClass)).bind(groupId);
        if (Status s = q.exec(what); !s)
            return s.error().code == ErrorCode::Constraint ? duplicateGroup(what, spec.name) : s.error();
        if (Status s = m_ctx.commit(tx); !s)
            return s.error();
        return DomainServiceQueries::group(m_ctx.db(), groupId);
    };
    return m_ctx.change(QStringLiteral("group.edit"), groupSubject(m_ctx, groupId), ServiceContext::Groups, check, run);
}

Status GroupService::remove(qint64 groupId)
{
    const QString subject = groupSubject(m_ctx, groupId);
    auto run = [&](StoreTransaction &) -> Status {
        auto g = DomainServiceQueries::group(m_ctx.db(), groupId);
        if (!g)
            return g.error();
        const QString what = tr("Deleting resource group '%1'").arg(g->name);
        if (Status s = deletable(m_ctx.db(), *g); !s)
            return s;
        if (g->owner == GroupOwner::Tenant) {
            // A tenant group gives its reserved devices back to the host group.
            if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM tenant_pool WHERE group_id = ?"), {groupId}, what); !s)
                return s;
            if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
                    "DELETE FROM device_holds WHERE holder_scope = ? AND device_id NOT IN (SELECT device_id FROM tenant_pool)"),
                    {g->tenantId}, what); !s)
                return s;
        }
        return StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM resource_groups WHERE id = ?"), {groupId}, what);
    };
    return m_ctx.change(QStringLiteral("group.delete"), subject, ServiceContext::Groups | ServiceContext::Tenants, run);
}

Status GroupService::deletable(const QSqlDatabase &db, const ResourceGroup &g)
{
    const QString what = tr("Deleting resource group '%1'").arg(g.name);
    if (g.machineDevices > 0)
        return ServiceContext::refusal(ErrorCode::InUse, what,
                                       tr("%n machine device(s) of VMs draw from it", nullptr, g.machineDevices),
                                       tr("Detach those machine devices from their VMs first (group dashboard, View Machine Devices)."));
    if (g.owner != GroupOwner::Host)
        return {};
    if (g.functions > 0)
        return ServiceContext::refusal(ErrorCode::InUse, what,
                                       tr("it still has resource rules for %n device(s)", nullptr, g.functions),
                                       tr("Remove the devices from the group first (Remove Resource returns them to the host driver)."));
    auto derived = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE source_group_id = ?"), {g.id}, what);
    if (!derived)
        return derived.error();
    if (derived->toInt() > 0)
        return ServiceContext::refusal(ErrorCode::InUse, what, tr("tenant groups were drawn from it"),
                                       tr("Delete those tenant groups first."));
    return {};
}

QString GroupService::inJournalCondition()
{
    return QStringLiteral("EXISTS (SELECT 1 FROM journal_devices jd WHERE jd.node_id = d.node_id AND jd.address = d.address)");
}

Result<ResourceChange> GroupService::makeResource(qint64 groupId, qint64 nodeId, const QStringList &addresses, const ApplyOptions &options)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = tr("%1 on %2 into %3").arg(addresses.join(QLatin1String(", ")),
                                                        n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId),
                                                        groupSubject(m_ctx, groupId));
    return m_ctx.run(QStringLiteral("resource.make"), subject, [&] { return makeResourceImpl(groupId, nodeId, addresses, options); },
                     ServiceContext::Groups | ServiceContext::Nodes);
}

// The addresses a make or remove names, read by the one address parser (core/PciAddress):
// trimmed, lower-cased, duplicates collapsed; refused with the service's wording.
static Result<QStringList> wantedAddresses(const QStringList &addresses, const QString &what)
{
    QString invalid;
    auto parsed = PciAddress::parseList(addresses, PciAddress::Spelling::Normalized, &invalid);
    if (!parsed) {
        if (parsed.error().code == ErrorCode::NoDevices)
            return ServiceContext::refusal(ErrorCode::NoDevices, what, tr("no device was selected"),
                                           tr("Select one or more devices."));
        return ServiceContext::refusal(ErrorCode::BadAddress, what,
                                       tr("'%1' is not a PCI address of the form DDDD:BB:DD.F").arg(invalid),
                                       tr("Copy the address from the device list, e.g. 0000:01:00.0."));
    }
    QStringList out;
    for (const PciAddress &a : *parsed)
        out << a.toString();
    return out;
}

Result<ResourceChange> GroupService::makeResourceImpl(qint64 groupId, qint64 nodeId, const QStringList &addresses, const ApplyOptions &options)
{
    const QSqlDatabase db = m_ctx.db();
    auto g = DomainServiceQueries::group(db, groupId);
    if (!g)
        return g.error();
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return n.error();
    const QString what = tr("Making devices of node '%1' a resource of group '%2'").arg(n->name, g->name);
    if (g->owner != GroupOwner::Host)
        return ServiceContext::refusal(ErrorCode::TenantGroup, what,
                                       tr("'%1' is a tenant's group; resource rules belong to host groups").arg(g->name),
                                       tr("Pick a host resource group; tenants get devices with Pass to Tenant."));
    auto wanted = wantedAddresses(addresses, what);
    if (!wanted)
        return wanted.error();
    for (const QString &addr : *wanted) {
        // The rule the impact check reports before asking (service/MakeResourceImpact).
        auto problem = MakeResourceCheck::membershipProblem(db, nodeId, addr, groupId);
        if (!problem)
            return problem.error();
        if (!problem->why.isEmpty()) {
            Error e = ServiceContext::refusal(ErrorCode::DeviceUnavailable, what, problem->why, problem->hint);
            e.device = addr;
            return e;
        }
    }
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    auto plan = (*host)->plan(*wanted, BindTarget::VfioPci);
    if (!plan)
        return plan.error();
    const QList<Finding> blockers = plan->blockers(options.force);
    if (!blockers.isEmpty()) {
        QStringList why;
        bool forcible = true;
        for (const Finding &f : blockers) {
            why << f.message;
            forcible = forcible && f.forcible;
        }
        Error e = ServiceContext::refusal(ErrorCode::Blocked, what, why.join(QLatin1String("; ")),
                                          forcible ? tr("Resolve the findings above (or leave those devices out), then try again.")
                                                   : tr("Choose other devices."));
        e.device = blockers.first().device;
        return e;
    }
    for (const QString &addr : plan->added) {
        auto problem = MakeResourceCheck::membershipProblem(db, nodeId, addr, groupId);
        if (!problem)
            return problem.error();
        if (!problem->why.isEmpty()) {
            const MembershipProblem companion = MakeResourceCheck::asCompanion(addr, *problem);
            Error e = ServiceContext::refusal(ErrorCode::DeviceUnavailable, what, companion.why, companion.hint);
            e.device = addr;
            return e;
        }
    }
    ResourceChange change;
    change.groupId = groupId;
    change.nodeName = n->name;
    change.devices = plan->devices;
    change.added = plan->added;
    for (const Finding &f : plan->findings)
        if (f.severity == Severity::Warning || (f.severity == Severity::Blocker && options.force))
            change.warnings << f.message;
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    auto record = [&](const ApplyResult &r) -> Status {
        for (const DeviceOutcome &o : r.devices) {
            if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET driver = ? WHERE node_id = ? AND address = ?"),
                                           {o.driver, nodeId, o.address}, what); !s)
                return s;
        }
        for (const QString &addr : plan->devices) {
            StoreQuery q(db, QStringLiteral(
                "INSERT INTO resource_rules (group_id, device_id, node_id, address, vendor_id, pci_device_id, subsys_vendor_id,"
                " subsys_device_id, created_at)"
                " SELECT ?, d.id, d.node_id, d.address, d.vendor_id, d.pci_device_id, d.subsys_vendor_id, d.subsys_device_id, ?"
                " FROM devices d WHERE d.node_id = ? AND d.address = ?"
                " AND NOT EXISTS (SELECT 1 FROM resource_rules r WHERE r.device_id = d.id AND r.group_id = ?)"));
            q.bind(groupId).bind(now).bind(nodeId).bind(addr).bind(groupId);
            if (Status s = q.exec(what); !s) {
                Error e = s.error();
                e.device = addr;
                if (e.code == ErrorCode::Constraint)
                    e.why = tr("%1 was put into another group meanwhile, or is a bridge (%2)").arg(addr, e.why);
                return e;
            }
            if (q.rowsAffected() > 0)
                change.rulesCreated << addr;
        }
        if (r.rebootRequired) {
            change.rebootRequired = true;
            change.rebootDevices = r.rebootDevices;
            if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE nodes SET reboot_required = 1 WHERE id = ?"), {nodeId}, what); !s)
                return s;
            for (const QString &addr : r.rebootDevices) {
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET reboot_pending = 1 WHERE node_id = ? AND address = ?"),
                                               {nodeId, addr}, what); !s)
                    return s;
            }
        }
        return {};
    };
    auto recheck = [&]() -> Status {
        for (const QString &addr : plan->devices) {
            auto problem = MakeResourceCheck::membershipProblem(db, nodeId, addr, groupId);
            if (!problem)
                return problem.error();
            if (!problem->why.isEmpty()) {
                Error e = ServiceContext::refusal(ErrorCode::DeviceUnavailable, what, problem->why, problem->hint);
                e.device = addr;
                return e;
            }
        }
        return {};
    };
    auto applied = JournaledApply::run(m_ctx, *n, **host, *plan, QStringLiteral("make-resource"), groupId, options, record, recheck);
    if (!applied)
        return applied.error();
    return change;
}

Result<ResourceChange> GroupService::removeResource(qint64 nodeId, const QStringList &addresses, const ApplyOptions &options)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = tr("%1 on %2").arg(addresses.join(QLatin1String(", ")),
                                               n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId));
    return m_ctx.run(QStringLiteral("resource.remove"), subject, [&] { return removeResourceImpl(nodeId, addresses, options); },
                     ServiceContext::Groups | ServiceContext::Nodes);
}

Result<ResourceChange> GroupService::removeResourceImpl(qint64 nodeId, const QStringList &addresses, const ApplyOptions &options)
{
    const QSqlDatabase db = m_ctx.db();
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return n.error();
    const QString what = tr("Returning devices of node '%1' to the host").arg(n->name);
    auto wanted = wantedAddresses(addresses, what);
    if (!wanted)
        return wanted.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    auto plan = (*host)->plan(*wanted, BindTarget::Host);
    if (!plan)
        return plan.error();
    qint64 groupId = 0;
    // Refused while a VM or a tenant holds one of them (checked again under the journal's lock).
    auto checkHolds = [&]() -> Status {
        for (const QString &addr : plan->devices) {
            StoreQuery q(db, QStringLiteral("SELECT r.group_id, h.holder_scope, v.name, t.name FROM devices d"
                                            " LEFT JOIN resource_rules r ON r.device_id = d.id"
                                            " LEFT JOIN device_holds h ON h.device_id = d.id"
                                            " LEFT JOIN allocations a ON a.device_id = d.id LEFT JOIN vms v ON v.id = a.vm_id"
                                            " LEFT JOIN tenants t ON t.id = h.holder_scope"
                                            " WHERE d.node_id = ? AND d.address = ?"));
            q.bind(nodeId).bind(addr);
            if (Status s = q.exec(what); !s)
                return s;
            if (!q.next())
                continue;
            if (!q.value(1).isNull()) {
                const QString holder = !q.value(2).isNull() ? tr("VM '%1'").arg(q.value(2).toString())
                                                            : tr("tenant '%1'").arg(q.value(3).toString());
                Error e = ServiceContext::refusal(ErrorCode::InUse, what, tr("%1 is held by %2").arg(addr, holder),
                                                  tr("Power the VM off or detach the device, or delete the tenant's group, first."));
                e.device = addr;
                return e;
            }
            if (!q.value(0).isNull() && !groupId)
                groupId = q.value(0).toLongLong();
        }
        return {};
    };
    if (Status s = checkHolds(); !s)
        return s.error();
    const QList<Finding> blockers = plan->blockers(options.force);
    if (!blockers.isEmpty()) {
        QStringList why;
        for (const Finding &f : blockers)
            why << f.message;
        return ServiceContext::refusal(ErrorCode::Blocked, what, why.join(QLatin1String("; ")),
                                       tr("Resolve the findings above, then try again."));
    }
    ResourceChange change;
    change.groupId = groupId;
    change.nodeName = n->name;
    change.devices = plan->devices;
    change.added = plan->added;
    auto record = [&](const ApplyResult &r) -> Status {
        for (const DeviceOutcome &o : r.devices) {
            if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET driver = ?, reboot_pending = ? WHERE node_id = ? AND address = ?"),
                                           {o.driver, r.rebootDevices.contains(o.address) ? 1 : 0, nodeId, o.address}, what); !s)
                return s;
        }
        for (const QString &addr : plan->devices) {
            StoreQuery q(db, QStringLiteral("DELETE FROM resource_rules WHERE node_id = ? AND address = ?"));
            q.bind(nodeId).bind(addr);
            if (Status s = q.exec(what); !s)
                return s;
            if (q.rowsAffected() > 0)
                change.rulesCreated << addr;
        }
        if (r.rebootRequired) {
            change.rebootRequired = true;
            change.rebootDevices = r.rebootDevices;
            return StoreQuery::run(db, QStringLiteral("UPDATE nodes SET reboot_required = 1 WHERE id = ?"), {nodeId}, what);
        }
        return {};
    };
    auto applied = JournaledApply::run(m_ctx, *n, **host, *plan, QStringLiteral("remove-resource"), groupId, options, record, checkHolds);
    if (!applied)
        return applied.error();
    return change;
}

} // namespace passdeck
