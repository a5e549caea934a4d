#include "service/PassthroughUnits.h"

#include "service/DomainServiceContext.h"
#include "service/GroupService.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QSet>

namespace passdeck {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("DomainService", text, disambiguation, n);
}

// One unit with what stands in its way, for the free/capacity rules below.
struct UnitState
{
    PassthroughUnit unit;
    bool flagged = false;       // a device vanished or its ids changed: never handed out
    bool rebootPending = false; // waits for the node's reboot to be on vfio-pci
    bool moving = false;        // named in a pending journal row
    bool foreign = false;       // a device of its IOMMU group is a domain's hostdev Passdeck did not write
    QSet<qint64> holderScopes;  // holds on any device of its IOMMU group: 0 host VMs, > 0 tenants
    QSet<qint64> vms;           // VMs with an allocation on its IOMMU group
};

enum class Source { HostGroup, TenantGroup };

// Units of a host group on a node (rules) or of a tenant group on its tenant node (pool), with
// the consumers of each unit's whole IOMMU group on that node — not only of the unit's own
// members: a device of the same IOMMU group in another resource group counts too.
Result<QList<UnitState>> load(const QSqlDatabase &db, Source source, qint64 groupId, qint64 placeId, const QString &what)
{
    StoreQuery q(db, QStringLiteral("SELECT d.id, d.node_id, d.address, d.iommu_group, d.present, d.ids_changed, d.reboot_pending,"
                                    " CASE WHEN ") + GroupService::inJournalCondition() + QStringLiteral(" THEN 1 ELSE 0 END")
                         + (source == Source::HostGroup
                                ? QStringLiteral(" FROM resource_rules r JOIN devices d ON d.id = r.device_id WHERE r.group_id = ? AND r.node_id = ?")
                                : QStringLiteral(" FROM tenant_pool p JOIN devices d ON d.id = p.device_id WHERE p.group_id = ? AND p.tenant_node_id = ?"))
                         + QStringLiteral(" ORDER BY d.address"));
    q.bind(groupId).bind(placeId);
    if (Status s = q.exec(what); !s)
        return s.error();
    QList<UnitState> units;
    QHash<qint64, qsizetype> byKey;   // unit key (IOMMU group, or -device id) -> index
    QSet<qint64> nodes;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        const qint64 nodeId = q.value(1).toLongLong();
        const int iommu = q.value(3).toInt();
        const qint64 key = iommu >= 0 ? nodeId * 4294967296LL + iommu : -id;
        auto it = byKey.constFind(key);
        if (it == byKey.cend()) {
            UnitState u;
            u.unit.nodeId = nodeId;
            u.unit.iommuGroup = iommu >= 0 ? iommu : -1;
            it = byKey.insert(key, units.size());
            units << u;
        }
        UnitState &u = units[*it];
        u.unit.deviceIds << id;
        u.unit.addresses << q.value(2).toString();
        u.flagged = u.flagged || q.value(4).toInt() == 0 || q.value(5).toInt() != 0;
        u.rebootPending = u.rebootPending || q.value(6).toInt() != 0;
        u.moving = u.moving || q.value(7).toInt() != 0;
        nodes.insert(nodeId);
    }
    for (qint64 nodeId : std::as_const(nodes)) {
        StoreQuery h(db, QStringLiteral("SELECT d.id, d.iommu_group, h.holder_scope, a.vm_id FROM device_holds h"
                                        " JOIN devices d ON d.id = h.device_id LEFT JOIN allocations a ON a.device_id = d.id"
                                        " WHERE d.node_id = ?"));
        h.bind(nodeId);
        if (Status s = h.exec(what); !s)
            return s.error();
        while (h.next()) {
            const int iommu = h.value(1).toInt();
            const qint64 key = iommu >= 0 ? nodeId * 4294967296LL + iommu : -h.value(0).toLongLong();
            const auto it = byKey.constFind(key);
            if (it == byKey.cend())
                continue;
            UnitState &u = units[*it];
            u.holderScopes.insert(h.value(2).toLongLong());
            if (!h.value(3).isNull())
                u.vms.insert(h.value(3).toLongLong());
        }
        // Hostdevs assigned outside Passdeck (docs/libvirt.md): their whole IOMMU group is taken.
        StoreQuery f(db, QStringLiteral("SELECT d.id, d.iommu_group FROM devices d WHERE d.node_id = ? AND d.foreign_domain <> ''"));
        f.bind(nodeId);
        if (Status s = f.exec(what); !s)
            return s.error();
        while (f.next()) {
            const int iommu = f.value(1).toInt();
            const qint64 key = iommu >= 0 ? nodeId * 4294967296LL + iommu : -f.value(0).toLongLong();
            if (const auto it = byKey.constFind(key); it != byKey.cend())
                units[*it].foreign = true;
        }
    }
    return units;
}

// Free for a consumer: nothing in the way and nobody else on its IOMMU group. tenantScope 0: a
// host consumer (no hold at all); > 0: a VM of that tenant (only the tenant's own reservation).
bool freeFor(const UnitState &u, qint64 tenantScope)
{
    if (u.flagged || u.rebootPending || u.moving || u.foreign || !u.vms.isEmpty())
        return false;
    if (tenantScope == 0)
        return u.holderScopes.isEmpty();
    for (qint64 s : u.holderScopes)
        if (s != tenantScope)
            return false;
    return true;
}

QList<PassthroughUnit> freeUnits(const QList<UnitState> &units, qint64 tenantScope)
{
    QList<PassthroughUnit> out;
    for (const UnitState &u : units)
        if (freeFor(u, tenantScope))
            out << u.unit;
    return out;
}

} // namespace

QString PassthroughUnits::keySql(const QString &alias)
{
    // Integer arithmetic both SQLite and PostgreSQL do in 64 bits; IOMMU group numbers are far
    // below 2^32.
    return QStringLiteral("(CASE WHEN %1.iommu_group >= 0 THEN %1.node_id * 4294967296 + %1.iommu_group ELSE -%1.id END)").arg(alias);
}

QString PassthroughUnits::unusableSql(const QString &alias)
{
    // The columns load() reads as UnitState::flagged and rebootPending.
    // ... and UnitState::foreign (a hostdev assigned outside Passdeck).
    return QStringLiteral("(%1.reboot_pending = 1 OR %1.present = 0 OR %1.ids_changed = 1 OR %1.foreign_domain <> '')").arg(alias);
}

Result<QList<PassthroughUnit>> PassthroughUnits::freeForHost(const QSqlDatabase &db, qint64 groupId, qint64 nodeId, const QString &what)
{
    auto units = load(db, Source::HostGroup, groupId, nodeId, what);
    if (!units)
        return units.error();
    return freeUnits(*units, 0);
}

Result<QList<PassthroughUnit>> PassthroughUnits::freeForTenantVm(const QSqlDatabase &db, qint64 groupId, qint64 tenantNodeId,
                                                                 const QString &what)
{
    auto scope = StoreQuery::scalar(db, QStringLiteral("SELECT tenant_id FROM tenant_nodes WHERE id = ?"), {tenantNodeId}, what);
    if (!scope)
        return scope.error();
    auto units = load(db, Source::TenantGroup, groupId, tenantNodeId, what);
    if (!units)
        return units.error();
    return freeUnits(*units, scope->toLongLong());
}

Result<QList<std::pair<qint64, QString>>> PassthroughUnits::pickForMachineDevice(const QSqlDatabase &db, const Vm &vm,
                                                                                 const MachineDevice &device, const QString &what)
{
    const bool host = vm.owner == GroupOwner::Host;
    auto free = host ? freeForHost(db, device.groupId, vm.nodeId, what) : freeForTenantVm(db, device.groupId, vm.tenantNodeId, what);
    if (!free)
        return free.error();
    if (free->size() < device.count)
        return ServiceContext::refusal(ErrorCode::NotEnoughDevices, what,
                                       tr("machine device '%1' needs %2 passthrough unit(s) (whole IOMMU groups) from group '%3' on node '%4', "
                                          "but only %5 are free")
                                           .arg(device.name).arg(device.count).arg(device.groupName, vm.nodeName).arg(free->size()),
                                       tr("Power off a VM that uses the group, lower the Count, or make more devices of node '%1' a resource of the group.")
                                           .arg(vm.nodeName));
    QList<std::pair<qint64, QString>> out;
    for (qsizetype i = 0; i < device.count; ++i) {
        const PassthroughUnit &u = free->at(i);
        for (qsizetype k = 0; k < u.deviceIds.size(); ++k)
            out << std::pair{u.deviceIds.at(k), u.addresses.at(k)};
    }
    return out;
}

Result<GroupAvailability> PassthroughUnits::forVm(const QSqlDatabase &db, const Vm &vm, const ResourceGroup &group)
{
    const QString what = tr("Counting the devices of group '%1' VM '%2' could get").arg(group.name, vm.name);
    GroupAvailability a;
    a.groupClass = group.groupClass;
    const bool host = vm.owner == GroupOwner::Host;
    if (host != (group.owner == GroupOwner::Host) || (!host && group.tenantId != vm.tenantId))
        return a; // not a group this VM may use: nothing available (attach refuses with the reason)
    if (!host && group.tenantNodeId != vm.tenantNodeId) {
        a.wrongTenantNode = true;
        return a;
    }
    auto units = host ? load(db, Source::HostGroup, group.id, vm.nodeId, what)
                      : load(db, Source::TenantGroup, group.id, vm.tenantNodeId, what);
    if (!units)
        return units.error();
    const qint64 scope = host ? 0 : vm.tenantId;
    int freeNow = 0;
    for (const UnitState &u : *units) {
        if (u.flagged) {
            ++a.flagged;
            continue;
        }
        ++a.total;
        bool foreignHolder = false;
        for (qint64 s : u.holderScopes)
            foreignHolder = foreignHolder || s != scope;
        if (host && foreignHolder) { // a tenant's reservation (and its tenant VMs)
            ++a.reserved;
            continue;
        }
        // Its own units are free for a VM: its restart releases them first.
        const bool own = !u.vms.isEmpty() && u.vms == QSet<qint64>{vm.id} && !foreignHolder;
        if (own)
            ++a.own;
        else if (!u.vms.isEmpty() || foreignHolder || u.foreign) {
            ++a.inUse;
            continue;
        }
        if (u.rebootPending)
            ++a.rebootPending;
        else if (u.moving)
            ++a.moving;
        else {
            ++freeNow;
            a.freeUnitSizes << int(u.unit.deviceIds.size());
        }
    }
    // The VM's other machine devices of the group take their units at the same start.
    auto claimed = StoreQuery::scalar(db, QStringLiteral("SELECT COALESCE(SUM(count), 0) FROM machine_devices"
                                                         " WHERE vm_id = ? AND group_id = ? AND removal_pending = 0"),
                                      {vm.id, group.id}, what);
    if (!claimed)
        return claimed.error();
    a.claimed = claimed->toInt();
    a.capacity = std::max(0, a.total - a.reserved - a.claimed);
    a.free = std::max(0, freeNow - a.claimed);
    a.freeUnitSizes = a.freeUnitSizes.mid(std::min<qsizetype>(a.claimed, a.freeUnitSizes.size()));
    return a;
}

Result<GroupAvailability> PassthroughUnits::forTenantNode(const QSqlDatabase &db, const TenantNode &node, const ResourceGroup &group)
{
    const QString what = tr("Counting the free devices of group '%1' on node '%2'").arg(group.name, node.nodeName);
    GroupAvailability a;
    a.groupClass = group.groupClass;
    if (group.owner != GroupOwner::Host)
        return a;
    auto units = load(db, Source::HostGroup, group.id, node.nodeId, what);
    if (!units)
        return units.error();
    for (const UnitState &u : *units) {
        if (u.flagged) {
            ++a.flagged;
            continue;
        }
        ++a.total;
        bool tenant = false;
        for (qint64 s : u.holderScopes)
            tenant = tenant || s > 0;
        if (tenant)
            ++a.reserved;
        else if (!u.holderScopes.isEmpty() || !u.vms.isEmpty() || u.foreign)
            ++a.inUse;
        else if (u.rebootPending)
            ++a.rebootPending;
        else if (u.moving)
            ++a.moving;
        else
            a.freeUnitSizes << int(u.unit.deviceIds.size());
    }
    // A pass reserves at once: it can take only what is free now.
    a.free = int(a.freeUnitSizes.size());
    a.capacity = a.free;
    return a;
}

Result<QList<SplitIommuGroup>> PassthroughUnits::splitGroups(const QSqlDatabase &db)
{
    StoreQuery q(db, QStringLiteral(
        "SELECT d.node_id, n.name, d.iommu_group, d.address, h.holder_scope, t.name, a.vm_id, v.name"
        " FROM device_holds h JOIN devices d ON d.id = h.device_id JOIN nodes n ON n.id = d.node_id"
        " LEFT JOIN tenants t ON t.id = h.holder_scope"
        " LEFT JOIN allocations a ON a.device_id = d.id LEFT JOIN vms v ON v.id = a.vm_id"
        " WHERE d.iommu_group >= 0 ORDER BY n.name, d.iommu_group, d.address"));
    if (Status s = q.exec(tr("Looking for IOMMU groups held by more than one consumer")); !s)
        return s.error();
    struct Holder
    {
        QString label;
        QStringList addresses;
    };
    struct Group
    {
        SplitIommuGroup split;
        QSet<qint64> scopes;
        QMap<QString, Holder> holders;  // "t<id>" / "v<id>" -> who and with what
    };
    QList<Group> groups;
    while (q.next()) {
        const qint64 nodeId = q.value(0).toLongLong();
        const int iommu = q.value(2).toInt();
        if (groups.isEmpty() || groups.last().split.nodeId != nodeId || groups.last().split.iommuGroup != iommu) {
            Group g;
            g.split.nodeId = nodeId;
            g.split.nodeName = q.value(1).toString();
            g.split.iommuGroup = iommu;
            groups << g;
        }
        Group &g = groups.last();
        const QString address = q.value(3).toString();
        const qint64 scope = q.value(4).toLongLong();
        g.scopes.insert(scope);
        if (scope > 0) {
            Holder &t = g.holders[QStringLiteral("t%1").arg(scope)];
            t.label = tr("tenant '%1'").arg(q.value(5).toString());
            t.addresses << address;
        }
        if (!q.value(6).isNull()) {
            const qint64 vmId = q.value(6).toLongLong();
            if (!g.split.vmIds.contains(vmId))
                g.split.vmIds << vmId;
            Holder &v = g.holders[QStringLiteral("v%1").arg(vmId)];
            v.label = tr("VM '%1'").arg(q.value(7).toString());
            v.addresses << address;
        }
    }
    QList<SplitIommuGroup> out;
    for (Group &g : groups) {
        if (g.scopes.size() < 2 && g.split.vmIds.size() < 2)
            continue;
        for (const Holder &h : std::as_const(g.holders))
            g.split.consumers << tr("%1 (%2)").arg(h.label, h.addresses.join(QLatin1String(", ")));
        g.split.message = tr("IOMMU group %1 on node '%2' is held by more than one consumer: %3; VFIO gives a group to one user "
                             "only, so the second VM cannot start with it")
                              .arg(g.split.iommuGroup).arg(g.split.nodeName, g.split.consumers.join(QLatin1String(", ")));
        g.split.hint = g.split.vmIds.size() > 1
            ? tr("Power off all but one of these VMs and start them again: a start now takes whole IOMMU groups.")
            : tr("Power off the VM and start it again, or delete the tenant group and pass the devices again: both now take "
                 "whole IOMMU groups.");
        out << g.split;
    }
    return out;
}

QString PassthroughUnits::describe(int units, int functions, GroupClass groupClass)
{
    QString noun;
    const bool one = units == 1;
    switch (groupClass) {
    case GroupClass::Gpu: noun = one ? tr("GPU") : tr("GPUs"); break;
    case GroupClass::Network: noun = one ? tr("network device") : tr("network devices"); break;
    case GroupClass::Storage: noun = one ? tr("storage device") : tr("storage devices"); break;
    case GroupClass::Usb: noun = one ? tr("USB controller") : tr("USB controllers"); break;
    case GroupClass::Audio: noun = one ? tr("audio device") : tr("audio devices"); break;
    case GroupClass::Accelerator: noun = one ? tr("accelerator") : tr("accelerators"); break;
    case GroupClass::Other: noun = one ? tr("device") : tr("devices"); break;
    }
    QString text = QStringLiteral("%1 %2").arg(units).arg(noun);
    if (functions > units)
        text += QLatin1Char(' ') + (functions == 1 ? tr("(1 function)") : tr("(%1 functions)").arg(functions));
    return text;
}

} // namespace passdeck
