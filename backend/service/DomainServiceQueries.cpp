#include "service/DomainServiceQueries.h"

#include "service/DeviceListing.h"
#include "service/PassthroughUnits.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QHash>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

Error missing(const QString &kind, const QString &key)
{
    return Error::make(ErrorCode::NotFound, tr("Looking up %1 %2").arg(kind, key),
                       tr("there is no %1 %2 in the store").arg(kind, key),
                       tr("Check the spelling, or list them to see what exists."));
}

template<typename T>
Result<T> single(Result<QList<T>> list, const QString &kind, const QString &key)
{
    if (!list)
        return list.error();
    if (list->isEmpty())
        return missing(kind, key);
    return list->first();
}

// Appends "AND col = ?" for the filters that are set.
struct Filter
{
    QStringList where;
    QVariantList values;
    void add(const QString &condition, const QVariant &value)
    {
        where << condition;
        values << value;
    }
    QString sql() const { return where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QLatin1String(" AND ")); }
};

Result<StoreQuery *> run(StoreQuery &q, const Filter &f, const QString &what)
{
    for (const QVariant &v : f.values)
        q.bind(v);
    if (Status s = q.exec(what); !s)
        return s.error();
    return &q;
}

} // namespace

Result<QList<NodeInfo>> DomainServiceQueries::nodes(const QSqlDatabase &db, qint64 nodeId, const QString &name)
{
    Filter f;
    if (nodeId > 0)
        f.add(QStringLiteral("n.id = ?"), nodeId);
    if (!name.isNull())
        f.add(QStringLiteral("n.name = ?"), name);
    StoreQuery q(db, QStringLiteral(
        "SELECT n.id, n.name, n.host_root, n.simulated, n.maintenance, n.reboot_required, n.refreshed_at,"
        " (SELECT COUNT(*) FROM devices d WHERE d.node_id = n.id AND d.present = 1),"
        " (SELECT COUNT(*) FROM devices d WHERE d.node_id = n.id AND (d.present = 0 OR d.ids_changed = 1)),"
        " n.agent_fingerprint, n.agent_token, n.agent_version, n.unreachable_since, n.libvirt_uri"
        " FROM nodes n") + f.sql() + QStringLiteral(" ORDER BY n.name"));
    auto r = run(q, f, tr("Listing nodes"));
    if (!r)
        return r.error();
    QList<NodeInfo> out;
    while (q.next()) {
        NodeInfo n;
        n.id = q.value(0).toLongLong();
        n.name = q.value(1).toString();
        n.hostRoot = q.value(2).toString();
        n.simulated = q.value(3).toInt() != 0;
        n.maintenance = q.value(4).toInt() != 0;
        n.rebootRequired = q.value(5).toInt() != 0;
        n.refreshedAt = QDateTime::fromString(q.value(6).toString(), Qt::ISODateWithMs);
        n.deviceCount = q.value(7).toInt();
        n.flaggedDevices = q.value(8).toInt();
        n.agentFingerprint = q.value(9).toString();
        n.agentToken = q.value(10).toString();
        n.agentVersion = q.value(11).toString();
        const QString since = q.value(12).toString();
        if (!since.isEmpty())
            n.unreachableSince = QDateTime::fromString(since, Qt::ISODateWithMs);
        n.libvirtUri = q.value(13).toString();
        out << n;
    }
    for (NodeInfo &n : out) {
        if (!n.rebootRequired)
            continue;
        StoreQuery d(db, QStringLiteral("SELECT address FROM devices WHERE node_id = ? AND reboot_pending = 1 ORDER BY address"));
        d.bind(n.id);
        if (Status s = d.exec(tr("Listing devices waiting for a reboot")); !s)
            return s.error();
        while (d.next())
            n.rebootDevices << d.value(0).toString();
    }
    return out;
}

Result<NodeInfo> DomainServiceQueries::node(const QSqlDatabase &db, qint64 nodeId)
{
    return single(nodes(db, nodeId), tr("node"), QStringLiteral("#%1").arg(nodeId));
}

Result<NodeInfo> DomainServiceQueries::nodeByName(const QSqlDatabase &db, const QString &name)
{
    return single(nodes(db, 0, name), tr("node"), QStringLiteral("'%1'").arg(name));
}

Result<QList<DeviceRecord>> DomainServiceQueries::devices(const QSqlDatabase &db, qint64 nodeId, qint64 groupId, bool tenantGroup)
{
    return DeviceListing::read(db, nodeId, groupId, tenantGroup);
}

Result<QList<ResourceGroup>> DomainServiceQueries::groups(const QSqlDatabase &db, qint64 scope, qint64 groupId, const QString &name)
{
    Filter f;
    if (scope >= 0)
        f.add(QStringLiteral("g.owner_scope = ?"), scope);
    if (groupId > 0)
        f.add(QStringLiteral("g.id = ?"), groupId);
    if (!name.isNull())
        f.add(QStringLiteral("g.name = ?"), name);
    // Aggregates joined once per group (not correlated per row): stays fast at 2,000 groups.
    StoreQuery q(db, QStringLiteral(
        "SELECT g.id, g.name, g.description, g.class, g.owner_scope, g.tenant_id, t.name, g.tenant_node_id, tn.name,"
        " g.source_group_id, COALESCE(rc.total, 0), COALESCE(rc.used, 0), COALESCE(rc.reserved, 0),"
        " COALESCE(pc.total, 0), COALESCE(pc.used, 0), COALESCE(mc.c, 0), COALESCE(rc.functions, 0), COALESCE(pc.functions, 0),"
        " COALESCE(rc.waiting, 0), COALESCE(pc.waiting, 0)"
        " FROM resource_groups g"
        " LEFT JOIN tenants t ON t.id = g.tenant_id"
        " LEFT JOIN tenant_nodes tn ON tn.id = g.tenant_node_id"
        // "waiting": neither allocated nor reserved, but not free to take either: it waits for
        // its node's reboot, vanished or changed its ids (PassthroughUnits::unusableSql, the
        // condition the forms' and attach's count leaves out). Free counts what a restart gets.
        " LEFT JOIN (SELECT r.group_id AS group_id, COUNT(DISTINCT %UNIT%) AS total,"
        "   COUNT(DISTINCT CASE WHEN a.id IS NOT NULL THEN %UNIT% END) AS used,"
        "   COUNT(DISTINCT CASE WHEN p.device_id IS NOT NULL THEN %UNIT% END) AS reserved, COUNT(*) AS functions,"
        "   COUNT(DISTINCT CASE WHEN a.id IS NULL AND p.device_id IS NULL AND %UNUSABLE% THEN %UNIT% END) AS waiting"
        "   FROM resource_rules r JOIN devices d ON d.id = r.device_id"
        "   LEFT JOIN allocations a ON a.device_id = r.device_id AND a.vm_scope = 0"
        "   LEFT JOIN tenant_pool p ON p.device_id = r.device_id GROUP BY r.group_id) rc ON rc.group_id = g.id"
        " LEFT JOIN (SELECT p.group_id AS group_id, COUNT(DISTINCT %UNIT%) AS total,"
        "   COUNT(DISTINCT CASE WHEN a.id IS NOT NULL THEN %UNIT% END) AS used, COUNT(*) AS functions,"
        "   COUNT(DISTINCT CASE WHEN a.id IS NULL AND %UNUSABLE% THEN %UNIT% END) AS waiting"
        "   FROM tenant_pool p JOIN devices d ON d.id = p.device_id"
        "   LEFT JOIN allocations a ON a.device_id = p.device_id GROUP BY p.group_id) pc ON pc.group_id = g.id"
        " LEFT JOIN (SELECT group_id, COUNT(*) AS c FROM machine_devices GROUP BY group_id) mc ON mc.group_id = g.id")
        .replace(QLatin1String("%UNIT%"), PassthroughUnits::keySql())
        .replace(QLatin1String("%UNUSABLE%"), PassthroughUnits::unusableSql())
        + f.sql() + QStringLiteral(" ORDER BY g.owner_scope, g.name"));
    auto r = run(q, f, tr("Listing resource groups"));
    if (!r)
        return r.error();
    QList<ResourceGroup> out;
    while (q.next()) {
        ResourceGroup g;
        g.id = q.value(0).toLongLong();
        g.name = q.value(1).toString();
        g.description = q.value(2).toString();
        groupClassFromString(q.value(3).toString(), &g.groupClass);
        g.owner = q.value(4).toLongLong() == 0 ? GroupOwner::Host : GroupOwner::Tenant;
        g.tenantId = q.value(5).toLongLong();
        g.tenantName = q.value(6).toString();
        g.tenantNodeId = q.value(7).toLongLong();
        g.tenantNodeName = q.value(8).toString();
        g.sourceGroupId = q.value(9).toLongLong();
        if (g.owner == GroupOwner::Host) {
            g.total = q.value(10).toInt();
            g.inUse = q.value(11).toInt();
            g.tenantReserved = q.value(12).toInt();
            g.functions = q.value(16).toInt();
            // A unit split between consumers (an old store; see splitIommuGroups) is counted
            // in both: never show a negative free count.
            g.free = std::max(0, g.total - g.inUse - g.tenantReserved - q.value(18).toInt());
        } else {
            g.total = q.value(13).toInt();
            g.inUse = q.value(14).toInt();
            g.functions = q.value(17).toInt();
            g.free = std::max(0, g.total - g.inUse - q.value(19).toInt());
        }
        g.machineDevices = q.value(15).toInt();
        out << g;
    }
    return out;
}

Result<ResourceGroup> DomainServiceQueries::group(const QSqlDatabase &db, qint64 groupId)
{
    return single(groups(db, -1, groupId), tr("resource group"), QStringLiteral("#%1").arg(groupId));
}

Result<QList<Vm>> DomainServiceQueries::vms(const QSqlDatabase &db, qint64 tenantId, qint64 vmId, const QString &name)
{
    Filter f;
    if (tenantId >= 0)
        f.add(QStringLiteral("v.owner_scope = ?"), tenantId);
    if (vmId > 0)
        f.add(QStringLiteral("v.id = ?"), vmId);
    if (!name.isNull())
        f.add(QStringLiteral("v.name = ?"), name);
    StoreQuery q(db, QStringLiteral(
        "SELECT v.id, v.name, v.description, v.node_id, n.name, v.tenant_id, t.name, v.tenant_node_id, tn.name,"
        " v.power, v.restart_needed, COALESCE(mc.c, 0), COALESCE(ac.c, 0),"
        " v.domain_uuid, v.libvirt_state, v.vcpus, v.memory_mib, v.vanished_since, v.domain_hostdevs, v.shutdown_timeout,"
        " n.hypervisor_error"
        " FROM vms v JOIN nodes n ON n.id = v.node_id"
        " LEFT JOIN tenants t ON t.id = v.tenant_id"
        " LEFT JOIN tenant_nodes tn ON tn.id = v.tenant_node_id"
        " LEFT JOIN (SELECT vm_id, COUNT(*) AS c FROM machine_devices GROUP BY vm_id) mc ON mc.vm_id = v.id"
        " LEFT JOIN (SELECT vm_id, COUNT(*) AS c FROM allocations GROUP BY vm_id) ac ON ac.vm_id = v.id")
        + f.sql() + QStringLiteral(" ORDER BY v.name"));
    auto r = run(q, f, tr("Listing VMs"));
    if (!r)
        return r.error();
    QList<Vm> out;
    while (q.next()) {
        Vm v;
        v.id = q.value(0).toLongLong();
        v.name = q.value(1).toString();
        v.description = q.value(2).toString();
        v.nodeId = q.value(3).toLongLong();
        v.nodeName = q.value(4).toString();
        v.tenantId = q.value(5).toLongLong();
        v.owner = v.tenantId ? GroupOwner::Tenant : GroupOwner::Host;
        v.tenantName = q.value(6).toString();
        v.tenantNodeId = q.value(7).toLongLong();
        v.tenantNodeName = q.value(8).toString();
        v.power = q.value(9).toString() == QLatin1String("on") ? PowerState::On : PowerState::Off;
        v.restartNeeded = q.value(10).toInt() != 0;
        v.machineDeviceCount = q.value(11).toInt();
        v.allocatedDeviceCount = q.value(12).toInt();
        v.domainUuid = q.value(13).toString();
        v.libvirtState = q.value(14).toString();
        v.vcpus = q.value(15).toInt();
        v.memoryMiB = q.value(16).toLongLong();
        if (const QString since = q.value(17).toString(); !since.isEmpty())
            v.vanishedSince = QDateTime::fromString(since, Qt::ISODateWithMs);
        v.hostdevs = decodeHostdevs(q.value(18).toString());
        v.shutdownTimeoutSec = q.value(19).toInt();
        v.hypervisorError = q.value(20).toString();
        out << v;
    }
    return out;
}

QString DomainServiceQueries::encodeHostdevs(const QList<DomainHostdev> &hostdevs)
{
    QStringList parts;
    for (const DomainHostdev &h : hostdevs)
        parts << h.address + (h.passdeck ? QStringLiteral("=p") : QStringLiteral("=f"));
    return parts.join(u',');
}

QList<DomainHostdev> DomainServiceQueries::decodeHostdevs(const QString &text)
{
    QList<DomainHostdev> out;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        DomainHostdev h;
        h.address = part.section(u'=', 0, 0);
        h.passdeck = part.section(u'=', 1) == QLatin1String("p");
        out << h;
    }
    return out;
}

Result<Vm> DomainServiceQueries::vm(const QSqlDatabase &db, qint64 vmId)
{
    return single(vms(db, -1, vmId), tr("VM"), QStringLiteral("#%1").arg(vmId));
}

Result<QList<MachineDevice>> DomainServiceQueries::machineDevices(const QSqlDatabase &db, qint64 vmId, qint64 groupId)
{
    Filter f;
    if (vmId > 0)
        f.add(QStringLiteral("m.vm_id = ?"), vmId);
    if (groupId > 0)
        f.add(QStringLiteral("m.group_id = ?"), groupId);
    StoreQuery q(db, QStringLiteral(
        "SELECT m.id, m.vm_id, v.name, m.name, m.description, m.group_id, g.name, m.count, m.removal_pending"
        " FROM machine_devices m JOIN vms v ON v.id = m.vm_id JOIN resource_groups g ON g.id = m.group_id")
        + f.sql() + QStringLiteral(" ORDER BY v.name, m.name"));
    auto r = run(q, f, tr("Listing machine devices"));
    if (!r)
        return r.error();
    QList<MachineDevice> out;
    QHash<qint64, qsizetype> index;
    while (q.next()) {
        MachineDevice m;
        m.id = q.value(0).toLongLong();
        m.vmId = q.value(1).toLongLong();
        m.vmName = q.value(2).toString();
        m.name = q.value(3).toString();
        m.description = q.value(4).toString();
        m.groupId = q.value(5).toLongLong();
        m.groupName = q.value(6).toString();
        m.count = q.value(7).toInt();
        m.removalPending = q.value(8).toInt() != 0;
        index.insert(m.id, out.size());
        out << m;
    }
    if (out.isEmpty())
        return out;
    StoreQuery a(db, QStringLiteral(
        "SELECT a.machine_device_id, d.id, n.name, d.address, d.driver FROM allocations a"
        " JOIN machine_devices m ON m.id = a.machine_device_id"
        " JOIN devices d ON d.id = a.device_id JOIN nodes n ON n.id = d.node_id")
        + f.sql() + QStringLiteral(" ORDER BY d.address"));
    auto ra = run(a, f, tr("Listing allocated devices"));
    if (!ra)
        return ra.error();
    while (a.next()) {
        const auto it = index.constFind(a.value(0).toLongLong());
        if (it == index.cend())
            continue;
        out[*it].allocated << AllocatedDevice{a.value(1).toLongLong(), a.value(2).toString(), a.value(3).toString(),
                                              a.value(4).toString()};
    }
    return out;
}

Result<QList<Tenant>> DomainServiceQueries::tenants(const QSqlDatabase &db, qint64 tenantId, const QString &name)
{
    Filter f;
    if (tenantId > 0)
        f.add(QStringLiteral("t.id = ?"), tenantId);
    if (!name.isNull())
        f.add(QStringLiteral("t.name = ?"), name);
    StoreQuery q(db, QStringLiteral(
        "SELECT t.id, t.name, t.description,"
        " (SELECT COUNT(*) FROM tenant_nodes x WHERE x.tenant_id = t.id),"
        " (SELECT COUNT(*) FROM resource_groups x WHERE x.tenant_id = t.id),"
        " (SELECT COUNT(*) FROM vms x WHERE x.tenant_id = t.id),"
        " (SELECT COUNT(*) FROM tenant_pool x WHERE x.tenant_id = t.id)"
        " FROM tenants t") + f.sql() + QStringLiteral(" ORDER BY t.name"));
    auto r = run(q, f, tr("Listing tenants"));
    if (!r)
        return r.error();
    QList<Tenant> out;
    while (q.next())
        out << Tenant{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toInt(),
                      q.value(4).toInt(), q.value(5).toInt(), q.value(6).toInt()};
    return out;
}

Result<Tenant> DomainServiceQueries::tenant(const QSqlDatabase &db, qint64 tenantId)
{
    return single(tenants(db, tenantId), tr("tenant"), QStringLiteral("#%1").arg(tenantId));
}

Result<QList<TenantNode>> DomainServiceQueries::tenantNodes(const QSqlDatabase &db, qint64 tenantId, qint64 tenantNodeId)
{
    Filter f;
    if (tenantId > 0)
        f.add(QStringLiteral("x.tenant_id = ?"), tenantId);
    if (tenantNodeId > 0)
        f.add(QStringLiteral("x.id = ?"), tenantNodeId);
    StoreQuery q(db, QStringLiteral(
        "SELECT x.id, x.tenant_id, t.name, x.name, x.node_id, n.name,"
        " (SELECT COUNT(*) FROM tenant_pool p WHERE p.tenant_node_id = x.id),"
        " (SELECT COUNT(*) FROM resource_groups g WHERE g.tenant_node_id = x.id)"
        " FROM tenant_nodes x JOIN tenants t ON t.id = x.tenant_id JOIN nodes n ON n.id = x.node_id")
        + f.sql() + QStringLiteral(" ORDER BY t.name, x.name"));
    auto r = run(q, f, tr("Listing tenant nodes"));
    if (!r)
        return r.error();
    QList<TenantNode> out;
    while (q.next())
        out << TenantNode{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                          q.value(4).toLongLong(), q.value(5).toString(), q.value(6).toInt(), q.value(7).toInt()};
    return out;
}

Result<TenantNode> DomainServiceQueries::tenantNode(const QSqlDatabase &db, qint64 tenantNodeId)
{
    return single(tenantNodes(db, 0, tenantNodeId), tr("tenant node"), QStringLiteral("#%1").arg(tenantNodeId));
}

Result<QList<RebootNotice>> DomainServiceQueries::rebootRequired(const QSqlDatabase &db)
{
    StoreQuery q(db, QStringLiteral(
        "SELECT n.id, n.name, d.address FROM nodes n LEFT JOIN devices d ON d.node_id = n.id AND d.reboot_pending = 1"
        " WHERE n.reboot_required = 1 ORDER BY n.name, d.address"));
    if (Status s = q.exec(tr("Listing nodes that need a reboot")); !s)
        return s.error();
    QList<RebootNotice> out;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        if (out.isEmpty() || out.last().nodeId != id)
            out << RebootNotice{id, q.value(1).toString(), {}};
        if (!q.value(2).isNull())
            out.last().devices << q.value(2).toString();
    }
    return out;
}

} // namespace passdeck
