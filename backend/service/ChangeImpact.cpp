#include "service/ChangeImpact.h"

#include "service/DomainServiceQueries.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QHash>

namespace passdeck {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("DomainService", text, disambiguation, n);
}

Error refusal(const QString &what, const QString &why, const QString &hint)
{
    return Error::make(ErrorCode::InUse, what, why, hint);
}

} // namespace

Result<QList<AffectedVm>> ChangeImpact::runningVms(const QSqlDatabase &db, qint64 nodeId, qint64 vmId)
{
    QString sql = QStringLiteral(
        "SELECT v.id, v.name, n.name, d.address FROM vms v JOIN nodes n ON n.id = v.node_id"
        " LEFT JOIN allocations a ON a.vm_id = v.id LEFT JOIN devices d ON d.id = a.device_id"
        " WHERE v.power = 'on'");
    QVariantList values;
    if (nodeId > 0) {
        sql += QStringLiteral(" AND v.node_id = ?");
        values << nodeId;
    }
    if (vmId > 0) {
        sql += QStringLiteral(" AND v.id = ?");
        values << vmId;
    }
    StoreQuery q(db, sql + QStringLiteral(" ORDER BY v.name, d.address"));
    for (const QVariant &v : values)
        q.bind(v);
    if (Status s = q.exec(tr("Listing the running VMs a change affects")); !s)
        return s.error();
    QList<AffectedVm> out;
    QHash<qint64, qsizetype> index;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        auto it = index.constFind(id);
        if (it == index.cend()) {
            it = index.insert(id, out.size());
            out << AffectedVm{id, q.value(1).toString(), q.value(2).toString(), {}};
        }
        const QString address = q.value(3).toString();
        if (!address.isEmpty())
            out[*it].devices << address;
    }
    return out;
}

Result<ChangeImpactReport> ChangeImpact::maintenance(const QSqlDatabase &db, qint64 nodeId)
{
    auto node = DomainServiceQueries::node(db, nodeId);
    if (!node)
        return node.error();
    auto vms = runningVms(db, nodeId, 0);
    if (!vms)
        return vms.error();
    ChangeImpactReport r;
    r.runningVms = *vms;
    for (const AffectedVm &v : *vms)
        for (const QString &a : v.devices)
            r.devices << v.nodeName + QLatin1Char(' ') + a;
    return r;
}

Result<ChangeImpactReport> ChangeImpact::reboot(const QSqlDatabase &db, qint64 nodeId)
{
    // The same VMs: maintenance leaves them running, a reboot stops them (NodeService::reboot).
    return maintenance(db, nodeId);
}

Result<ChangeImpactReport> ChangeImpact::deleteVm(const QSqlDatabase &db, qint64 vmId)
{
    auto vm = DomainServiceQueries::vm(db, vmId);
    if (!vm)
        return vm.error();
    ChangeImpactReport r;
    auto running = runningVms(db, 0, vmId);
    if (!running)
        return running.error();
    r.runningVms = *running;
    auto devices = DomainServiceQueries::machineDevices(db, vmId, 0);
    if (!devices)
        return devices.error();
    for (const MachineDevice &m : *devices)
        for (const AllocatedDevice &a : m.allocated)
            r.devices << a.nodeName + QLatin1Char(' ') + a.address;
    return r;
}

Result<ChangeImpactReport> ChangeImpact::detach(const QSqlDatabase &db, qint64 vmId, qint64 machineDeviceId)
{
    auto devices = DomainServiceQueries::machineDevices(db, vmId, 0);
    if (!devices)
        return devices.error();
    ChangeImpactReport r;
    bool found = false;
    for (const MachineDevice &m : *devices) {
        if (m.id != machineDeviceId)
            continue;
        found = true;
        for (const AllocatedDevice &a : m.allocated)
            r.devices << a.nodeName + QLatin1Char(' ') + a.address;
    }
    if (!found)
        return Error::make(ErrorCode::NotFound, tr("Looking up machine device #%1").arg(machineDeviceId),
                           tr("the VM has no such machine device"), tr("Reload the VM's device list."));
    auto running = runningVms(db, 0, vmId);
    if (!running)
        return running.error();
    r.runningVms = *running;
    return r;
}

Result<ChangeImpactReport> ChangeImpact::deleteGroup(const QSqlDatabase &db, qint64 groupId)
{
    auto g = DomainServiceQueries::group(db, groupId);
    if (!g)
        return g.error();
    ChangeImpactReport r;
    const QString what = tr("Deleting resource group '%1'").arg(g->name);
    if (g->machineDevices > 0) {
        r.refusal = refusal(what, tr("%n machine device(s) of VMs draw from it", nullptr, g->machineDevices),
                            tr("Detach those machine devices from their VMs first (group dashboard, View Machine Devices)."));
    } else if (g->owner == GroupOwner::Host) {
        auto derived = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE source_group_id = ?"),
                                          {groupId}, what);
        if (!derived)
            return derived.error();
        if (derived->toInt() > 0)
            r.refusal = refusal(what, tr("%n tenant group(s) were drawn from it", nullptr, derived->toInt()),
                                tr("Delete those tenant groups first (Tenants, the tenant's Resource Groups)."));
    }
    auto devices = DomainServiceQueries::devices(db, 0, groupId, g->owner == GroupOwner::Tenant);
    if (!devices)
        return devices.error();
    for (const DeviceRecord &d : *devices)
        r.devices << d.nodeName + QLatin1Char(' ') + d.address;
    return r;
}

Result<ChangeImpactReport> ChangeImpact::deleteTenant(const QSqlDatabase &db, qint64 tenantId)
{
    auto t = DomainServiceQueries::tenant(db, tenantId);
    if (!t)
        return t.error();
    ChangeImpactReport r;
    if (t->vmCount > 0)
        r.refusal = refusal(tr("Deleting tenant '%1'").arg(t->name), tr("the tenant still has %n VM(s)", nullptr, t->vmCount),
                            tr("Delete the tenant's VMs first."));
    StoreQuery q(db, QStringLiteral("SELECT n.name, d.address FROM tenant_pool p JOIN devices d ON d.id = p.device_id"
                                    " JOIN nodes n ON n.id = d.node_id WHERE p.tenant_id = ? ORDER BY n.name, d.address"));
    q.bind(tenantId);
    if (Status s = q.exec(tr("Listing the devices reserved to tenant '%1'").arg(t->name)); !s)
        return s.error();
    while (q.next())
        r.devices << q.value(0).toString() + QLatin1Char(' ') + q.value(1).toString();
    return r;
}

QStringList ChangeImpact::describe(const QList<AffectedVm> &vms)
{
    QStringList out;
    for (const AffectedVm &v : vms) {
        out << (v.devices.isEmpty() ? tr("%1 on %2 (no PCI devices)").arg(v.name, v.nodeName)
                                    : tr("%1 on %2 (%3)").arg(v.name, v.nodeName, v.devices.join(QStringLiteral(", "))));
    }
    return out;
}

} // namespace passdeck
