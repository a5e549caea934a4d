#include "service/DeviceListing.h"

#include "service/PciNamesTable.h"
#include "store/StoreQuery.h"
#include "store/StoreReadSnapshot.h"

#include <QCoreApplication>
#include <QHash>

#include <tuple>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

// Which devices a query reads: one node's, or those of one group (its rules, or a tenant
// group's pool). Each query names its own device and node columns.
class Scope
{
public:
    Scope(qint64 nodeId, qint64 groupId, bool tenantGroup)
        : m_nodeId(nodeId), m_groupId(groupId), m_tenantGroup(tenantGroup) {}

    QString where(const QString &deviceColumn, const QString &nodeColumn) const
    {
        QStringList conditions;
        if (m_nodeId > 0)
            conditions << nodeColumn + QStringLiteral(" = ?");
        if (m_groupId > 0)
            conditions << deviceColumn + (m_tenantGroup ? QStringLiteral(" IN (SELECT device_id FROM tenant_pool WHERE group_id = ?)")
                                                        : QStringLiteral(" IN (SELECT device_id FROM resource_rules WHERE group_id = ?)"));
        return conditions.isEmpty() ? QString() : QStringLiteral(" WHERE ") + conditions.join(QLatin1String(" AND "));
    }
    Status exec(StoreQuery &q, const QString &what) const
    {
        if (m_nodeId > 0)
            q.bind(m_nodeId);
        if (m_groupId > 0)
            q.bind(m_groupId);
        return q.exec(what);
    }

private:
    qint64 m_nodeId;
    qint64 m_groupId;
    bool m_tenantGroup;
};

// id → name of a small table (nodes, groups, tenants): one QString per name, shared by every
// row, instead of converting the same name on each of them.
Result<QHash<qint64, QString>> names(const QSqlDatabase &db, const QString &table, const QString &what)
{
    StoreQuery q(db, QStringLiteral("SELECT id, name FROM ") + table);
    if (Status s = q.exec(what); !s)
        return s.error();
    QHash<qint64, QString> out;
    while (q.next())
        out.insert(q.value(0).toLongLong(), q.value(1).toString());
    return out;
}

struct Holders
{
    QHash<qint64, qint64> group;                   // device → host group (its rule)
    QHash<qint64, std::pair<qint64, qint64>> pool; // device → (tenant, tenant group)
    QHash<qint64, std::pair<qint64, QString>> vm;  // device → (VM, its name)
};

Result<Holders> holders(const QSqlDatabase &db, const Scope &scope, const QString &what)
{
    Holders h;
    StoreQuery rules(db, QStringLiteral("SELECT r.device_id, r.group_id FROM resource_rules r")
                             + scope.where(QStringLiteral("r.device_id"), QStringLiteral("r.node_id")));
    if (Status s = scope.exec(rules, what); !s)
        return s.error();
    while (rules.next())
        h.group.insert(rules.value(0).toLongLong(), rules.value(1).toLongLong());
    StoreQuery pool(db, QStringLiteral("SELECT p.device_id, p.tenant_id, p.group_id FROM tenant_pool p")
                            + scope.where(QStringLiteral("p.device_id"), QStringLiteral("p.node_id")));
    if (Status s = scope.exec(pool, what); !s)
        return s.error();
    while (pool.next())
        h.pool.insert(pool.value(0).toLongLong(), {pool.value(1).toLongLong(), pool.value(2).toLongLong()});
    StoreQuery vms(db, QStringLiteral("SELECT a.device_id, a.vm_id, v.name FROM allocations a JOIN vms v ON v.id = a.vm_id")
                           + scope.where(QStringLiteral("a.device_id"), QStringLiteral("a.node_id")));
    if (Status s = scope.exec(vms, what); !s)
        return s.error();
    while (vms.next())
        h.vm.insert(vms.value(0).toLongLong(), {vms.value(1).toLongLong(), vms.value(2).toString()});
    return h;
}

// Two small integers (ids -1 to 65535, IOMMU group and NUMA node -1 and up) as one 64-bit value,
// since the drivers' cost is per value: pairSql() in the query, unpair() here.
QString pairSql(const char *high, const char *low)
{
    return QStringLiteral("(%1 + 1) * 4294967296 + (%2 + 1)").arg(QLatin1String(high), QLatin1String(low));
}

std::pair<int, int> unpair(const QVariant &value)
{
    const qint64 v = value.toLongLong();
    return {int(v >> 32) - 1, int(v & 0xffffffff) - 1};
}

void deriveStatus(DeviceRecord &d)
{
    if (d.vmId) {
        d.status = DeviceStatus::UsedByVm;
        d.consumer = QStringLiteral("vm:") + d.vmName;
    } else if (!d.foreignDomain.isEmpty()) {
        // A hostdev Passdeck did not write: taken by that domain (docs/libvirt.md).
        d.status = DeviceStatus::UsedByVm;
        d.consumer = QStringLiteral("outside-passdeck:") + d.foreignDomain;
    } else if (d.tenantId) {
        d.status = DeviceStatus::OwnedByTenant;
        d.consumer = QStringLiteral("tenant:") + d.tenantName;
    } else if (d.groupId) {
        d.status = DeviceStatus::InResourceGroup;
    } else {
        d.status = d.driver.isEmpty() ? DeviceStatus::Free : DeviceStatus::InUseByHost;
    }
}

} // namespace

Result<QList<DeviceRecord>> DeviceListing::read(const QSqlDatabase &db, qint64 nodeId, qint64 groupId, bool tenantGroup)
{
    const QString what = tr("Listing PCI devices");
    // Several statements, one state of the store: a change committed between two of them
    // would otherwise show a device held by a VM that the device query did not see.
    StoreReadSnapshot snapshot(db, what);
    if (!snapshot.begun())
        return snapshot.begun().error();
    const Scope scope(nodeId, groupId, tenantGroup);
    auto nodeNames = names(db, QStringLiteral("nodes"), what);
    if (!nodeNames)
        return nodeNames.error();
    auto groupNames = names(db, QStringLiteral("resource_groups"), what);
    if (!groupNames)
        return groupNames.error();
    auto tenantNames = names(db, QStringLiteral("tenants"), what);
    if (!tenantNames)
        return tenantNames.error();
    auto pciNames = PciNamesTable::all(db, what);
    if (!pciNames)
        return pciNames.error();
    auto held = holders(db, scope, what);
    if (!held)
        return held.error();
    // Joining the holders onto 10,000 wide rows cost the server more than these narrow
    // queries, and the drivers convert every value of every row (about 0.1 to 0.2 µs each):
    // names come as an id, pairs of small integers as one, the class and four flags as one.
    // SQLite walks nodes by name and each node's devices by the (node_id, address) index, so
    // it does not sort.
    StoreQuery q(db, QStringLiteral("SELECT d.id, d.node_id, d.address, %1, %2, %3,"
                                    " d.class_id * 16 + (d.is_bridge | (d.present << 1) | (d.ids_changed << 2) | (d.reboot_pending << 3)),"
                                    " d.names_id, d.driver, d.host_use, d.foreign_domain FROM nodes n JOIN devices d ON d.node_id = n.id")
                         .arg(pairSql("d.vendor_id", "d.pci_device_id"), pairSql("d.subsys_vendor_id", "d.subsys_device_id"),
                              pairSql("d.iommu_group", "d.numa_node"))
                     + scope.where(QStringLiteral("d.id"), QStringLiteral("d.node_id")) + QStringLiteral(" ORDER BY n.name, d.address"));
    if (Status s = scope.exec(q, what); !s)
        return s.error();
    QList<DeviceRecord> out;
    while (q.next()) {
        DeviceRecord &d = out.emplace_back();
        d.id = q.value(0).toLongLong();
        d.nodeId = q.value(1).toLongLong();
        d.nodeName = nodeNames->value(d.nodeId);
        d.address = q.value(2).toString();
        std::tie(d.vendorId, d.deviceId) = unpair(q.value(3));
        std::tie(d.subsystemVendorId, d.subsystemDeviceId) = unpair(q.value(4));
        std::tie(d.iommuGroup, d.numaNode) = unpair(q.value(5));
        // class_id may be -1 (unknown): the arithmetic shift gives it back, the low bits are the flags.
        const qint64 classAndFlags = q.value(6).toLongLong();
        d.classId = int(classAndFlags >> 4);
        d.isBridge = classAndFlags & 1;
        d.present = classAndFlags & 2;
        d.idsChanged = classAndFlags & 4;
        d.rebootPending = classAndFlags & 8;
        if (const auto names = pciNames->constFind(q.value(7).toLongLong()); names != pciNames->cend()) {
            d.vendorName = names->vendor;
            d.deviceName = names->device;
            d.className = names->className;
        }
        d.driver = q.value(8).toString();
        const QString hostUse = q.value(9).toString();
        d.hostUse = hostUse.isEmpty() ? QStringList() : hostUse.split(u' ');
        d.foreignDomain = q.value(10).toString();
        if (const auto g = held->group.constFind(d.id); g != held->group.cend()) {
            d.groupId = *g;
            d.groupName = groupNames->value(d.groupId);
        }
        if (const auto p = held->pool.constFind(d.id); p != held->pool.cend()) {
            d.tenantId = p->first;
            d.tenantName = tenantNames->value(d.tenantId);
            d.tenantGroupId = p->second;
            d.tenantGroupName = groupNames->value(d.tenantGroupId);
        }
        if (const auto v = held->vm.constFind(d.id); v != held->vm.cend()) {
            d.vmId = v->first;
            d.vmName = v->second;
        }
        deriveStatus(d);
    }
    return out;
}

} // namespace passdeck
