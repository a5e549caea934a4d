#include "service/TenantService.h"

#include "service/GroupService.h"
#include "service/PassthroughUnits.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
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

QString tenantSubject(const ServiceContext &ctx, qint64 tenantId)
{
    auto t = DomainServiceQueries::tenant(ctx.db(), tenantId);
    return t ? tr("tenant '%1'").arg(t->name) : tr("tenant #%1").arg(tenantId);
}

} // namespace

Result<Tenant> TenantService::create(const QString &name, const QString &description)
{
    auto check = [&] { return ServiceContext::checkName(name, tr("tenant")); };
    auto run = [&](StoreTransaction &tx) -> Result<Tenant> {
        const QString what = tr("Creating tenant '%1'").arg(name);
        auto dup = StoreQuery::scalar(m_ctx.db(), QStringLiteral("SELECT COUNT(*) FROM tenants WHERE name = ?"), {name}, what);
        if (!dup)
            return dup.error();
        if (dup->toInt() > 0)
            return ServiceContext::refusal(ErrorCode::Duplicate, what, tr("a tenant named '%1' already exists").arg(name),
                                           tr("Choose another name."));
        StoreQuery q(m_ctx.db(), QStringLiteral("INSERT INTO tenants (name, description) VALUES (?, ?) RETURNING id"));
        q.bind(name).bind(description);
        if (Status s = q.exec(what); !s)
            return s.error();
        const qint64 id = q.returnedId();
        if (Status s = m_ctx.commit(tx); !s)
            return s.error();
        return DomainServiceQueries::tenant(m_ctx.db(), id);
    };
    return m_ctx.change(QStringLiteral("tenant.create"), tr("tenant '%1'").arg(name), ServiceContext::Tenants, check, run);
}

Status TenantService::remove(qint64 tenantId)
{
    const QString subject = tenantSubject(m_ctx, tenantId);
    auto run = [&](StoreTransaction &) -> Status {
        const QSqlDatabase db = m_ctx.db();
        auto t = DomainServiceQueries::tenant(db, tenantId);
        if (!t)
            return t.error();
        const QString what = tr("Deleting tenant '%1'").arg(t->name);
        if (Status s = deletable(*t); !s)
            return s;
        // Its reserved devices go back to their host groups; then its groups and nodes.
        const QStringList statements = {
            QStringLiteral("DELETE FROM tenant_pool WHERE tenant_id = ?"),
            QStringLiteral("DELETE FROM device_holds WHERE holder_scope = ?"),
            QStringLiteral("DELETE FROM resource_groups WHERE tenant_id = ?"),
            QStringLiteral("DELETE FROM tenant_nodes WHERE tenant_id = ?"),
            QStringLiteral("DELETE FROM tenants WHERE id = ?"),
        };
        for (const QString &sql : statements)
            if (Status s = StoreQuery::run(db, sql, {tenantId}, what); !s)
                return s;
        return {};
    };
    return m_ctx.change(QStringLiteral("tenant.delete"), subject, ServiceContext::Tenants | ServiceContext::Groups, run);
}

Status TenantService::deletable(const Tenant &t)
{
    if (t.vmCount > 0)
        return ServiceContext::refusal(ErrorCode::InUse, tr("Deleting tenant '%1'").arg(t.name),
                                       tr("the tenant still has %n VM(s)", nullptr, t.vmCount), tr("Delete the tenant's VMs first."));
    return {};
}

Result<TenantNode> TenantService::addNode(qint64 tenantId, const QString &name, qint64 nodeId)
{
    return m_ctx.change(QStringLiteral("tenant.node-add"), tr("%1, tenant node '%2'").arg(tenantSubject(m_ctx, tenantId), name),
                        ServiceContext::Tenants, [&] { return ServiceContext::checkName(name, tr("tenant node")); },
                        [&](StoreTransaction &tx) { return addNodeImpl(tx, tenantId, name, nodeId); });
}

Result<TenantNode> TenantService::addNodeImpl(StoreTransaction &tx, qint64 tenantId, const QString &name, qint64 nodeId)
{
    const QSqlDatabase db = m_ctx.db();
    auto t = DomainServiceQueries::tenant(db, tenantId);
    if (!t)
        return t.error();
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return n.error();
    const QString what = tr("Adding tenant node '%1' to tenant '%2'").arg(name, t->name);
    auto dup = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM tenant_nodes WHERE tenant_id = ? AND name = ?"), {tenantId, name}, what);
    if (!dup)
        return dup.error();
    if (dup->toInt() > 0)
        return ServiceContext::refusal(ErrorCode::Duplicate, what,
                                       tr("tenant '%1' already has a node named '%2'").arg(t->name, name), tr("Choose another name."));
    StoreQuery q(db, QStringLiteral("INSERT INTO tenant_nodes (tenant_id, name, node_id) VALUES (?, ?, ?) RETURNING id"));
    q.bind(tenantId).bind(name).bind(nodeId);
    if (Status s = q.exec(what); !s)
        return s.error();
    const qint64 id = q.returnedId();
    if (Status s = m_ctx.commit(tx); !s)
        return s.error();
    return DomainServiceQueries::tenantNode(db, id);
}

Status TenantService::removeNode(qint64 tenantNodeId)
{
    auto tn = DomainServiceQueries::tenantNode(m_ctx.db(), tenantNodeId);
    const QString subject = tn ? tr("tenant node '%1' of '%2'").arg(tn->name, tn->tenantName) : tr("tenant node #%1").arg(tenantNodeId);
    auto found = [&] { return tn ? Status() : Status(tn.error()); };
    auto run = [&](StoreTransaction &) -> Status {
        const QString what = tr("Removing tenant node '%1'").arg(tn->name);
        auto uses = StoreQuery::scalar(m_ctx.db(), QStringLiteral(
            "SELECT (SELECT COUNT(*) FROM resource_groups WHERE tenant_node_id = ?) + (SELECT COUNT(*) FROM vms WHERE tenant_node_id = ?)"),
            {tenantNodeId, tenantNodeId}, what);
        if (!uses)
            return uses.error();
        if (uses->toInt() > 0)
            return ServiceContext::refusal(ErrorCode::InUse, what, tr("the tenant node still holds devices or runs VMs"),
                                           tr("Delete its VMs and the tenant groups attached to it first."));
        return StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM tenant_nodes WHERE id = ?"), {tenantNodeId}, what);
    };
    return m_ctx.change(QStringLiteral("tenant.node-remove"), subject, ServiceContext::Tenants, found, run);
}

Result<ResourceGroup> TenantService::pass(const PassSpec &spec)
{
    auto tn = DomainServiceQueries::tenantNode(m_ctx.db(), spec.tenantNodeId);
    auto g = DomainServiceQueries::group(m_ctx.db(), spec.hostGroupId);
    const QString subject = tr("%1 x group '%2' to tenant node '%3'")
                                .arg(spec.count)
                                .arg(g ? g->name : QStringLiteral("#%1").arg(spec.hostGroupId),
                                     tn ? tn->tenantName + u'/' + tn->name : QStringLiteral("#%1").arg(spec.tenantNodeId));
    auto check = [&]() -> Status {
        if (Status s = ServiceContext::checkCount(spec.count); !s)
            return s;
        // The tenant gets devices of its node as last seen: not of a node that does not answer.
        if (tn) {
            auto n = DomainServiceQueries::node(m_ctx.db(), tn->nodeId);
            if (!n)
                return n.error();
            if (Status s = m_ctx.checkReachable(*n); !s)
                return s;
        }
        // Blank asks for a generated name.
        return spec.name.trimmed().isEmpty() ? Status() : ServiceContext::checkName(spec.name, tr("group"));
    };
    return m_ctx.change(QStringLiteral("tenant.pass"), subject, ServiceContext::Tenants | ServiceContext::Groups, check,
                        [&](StoreTransaction &tx) { return passImpl(tx, spec); });
}

Result<ResourceGroup> TenantService::passImpl(StoreTransaction &tx, const PassSpec &spec)
{
    const bool generateName = spec.name.trimmed().isEmpty();
    const QSqlDatabase db = m_ctx.db();
    auto tn = DomainServiceQueries::tenantNode(db, spec.tenantNodeId);
    if (!tn)
        return tn.error();
    auto g = DomainServiceQueries::group(db, spec.hostGroupId);
    if (!g)
        return g.error();
    const QString what = tr("Passing devices of group '%1' to tenant '%2'").arg(g->name, tn->tenantName);
    if (g->owner != GroupOwner::Host)
        return ServiceContext::refusal(ErrorCode::TenantGroup, what,
                                       tr("'%1' is already a tenant's group; devices are passed from host groups").arg(g->name),
                                       tr("Pick a host resource group."));
    // Whole passthrough units: the tenant owns every endpoint of each IOMMU group it gets.
    auto free = PassthroughUnits::freeForHost(db, g->id, tn->nodeId, what);
    if (!free)
        return free.error();
    if (free->size() < spec.count)
        return ServiceContext::refusal(ErrorCode::NotEnoughDevices, what,
                                       tr("Count is %1 but group '%2' has only %3 free on node '%4', where tenant node '%5' runs "
                                          "(a unit is a whole IOMMU group)")
                                           .arg(spec.count).arg(g->name, PassthroughUnits::describe(int(free->size()), 0, g->groupClass),
                                                                tn->nodeName, tn->name),
                                       tr("Lower the Count, free devices of the group, or make more devices of node '%1' a resource.").arg(tn->nodeName));
    QList<qint64> devices;
    for (qsizetype i = 0; i < spec.count; ++i)
        devices << free->at(i).deviceIds;
    QString name = generateName ? QString() : spec.name;
    for (int i = 1; name.isEmpty(); ++i) {
        const QString candidate = QStringLiteral("%1-%2").arg(g->name.left(110)).arg(i);
        auto used = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE owner_scope = ? AND name = ?"),
                                       {tn->tenantId, candidate}, what);
        if (!used)
            return used.error();
        if (used->toInt() == 0)
            name = candidate;
    }
    auto dup = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE owner_scope = ? AND name = ?"),
                                  {tn->tenantId, name}, what);
    if (!dup)
        return dup.error();
    if (dup->toInt() > 0)
        return ServiceContext::refusal(ErrorCode::Duplicate, what,
                                       tr("tenant '%1' already has a resource group named '%2'").arg(tn->tenantName, name),
                                       tr("Choose another name, or leave it blank for a generated one."));
    StoreQuery q(db, QStringLiteral("INSERT INTO resource_groups (name, description, class, owner_scope, tenant_id, tenant_node_id, source_group_id)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    q.bind(name).bind(spec.description).bind(groupClassName(g->groupClass)).bind(tn->tenantId).bind(tn->tenantId)
        .bind(tn->id).bind(g->id);
    if (Status s = q.exec(what); !s)
        return s.error();
    const qint64 groupId = q.returnedId();
    for (qint64 deviceId : devices) {
        if (Status s = StoreQuery::run(db, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, ?)"),
                                       {deviceId, tn->tenantId}, what); !s)
            return s.error();
        if (Status s = StoreQuery::run(db, QStringLiteral("INSERT INTO tenant_pool (device_id, tenant_id, group_id, tenant_node_id, node_id)"
                                                          " VALUES (?, ?, ?, ?, ?)"),
                                       {deviceId, tn->tenantId, groupId, tn->id, tn->nodeId}, what); !s)
            return s.error();
    }
    if (Status s = m_ctx.commit(tx); !s)
        return s.error();
    return DomainServiceQueries::group(db, groupId);
}

} // namespace passdeck
