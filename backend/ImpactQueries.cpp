#include "ImpactQueries.h"

#include "DomainServiceQueries.h"
#include "StoreQuery.h"

#include <QCoreApplication>

#include <functional>

namespace passdeck {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("DomainService", text, disambiguation, n);
}

// Running VMs matching `condition` (SQL on alias v, with `values` bound), with their devices.
Result<QList<AffectedVm>> runningVms(const QSqlDatabase &db, const QString &condition, const QVariantList &values)
{
    StoreQuery q(db, QStringLiteral("SELECT v.id, v.name, n.name, t.name, d.address FROM vms v JOIN nodes n ON n.id = v.node_id"
                                    " LEFT JOIN tenants t ON t.id = v.tenant_id"
                                    " LEFT JOIN allocations a ON a.vm_id = v.id LEFT JOIN devices d ON d.id = a.device_id"
                                    " WHERE v.power = 'on' AND ") + condition + QStringLiteral(" ORDER BY v.name, d.address"));
    for (const QVariant &v : values)
        q.bind(v);
    if (Status s = q.exec(tr("Listing the running VMs concerned")); !s)
        return s.error();
    QList<AffectedVm> out;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        if (out.isEmpty() || out.last().vmId != id)
            out << AffectedVm{id, q.value(1).toString(), q.value(2).toString(), q.value(3).toString(), {}};
        if (!q.value(4).isNull())
            out.last().devices << q.value(4).toString();
    }
    return out;
}

// "render-01 (0000:17:00.0, 0000:17:00.1); acme-app-01 of tenant 'Acme' (no PCI devices)"
QString listText(const QList<AffectedVm> &vms)
{
    QStringList parts;
    for (const AffectedVm &v : vms) {
        const QString who = v.tenantName.isEmpty() ? tr("'%1'").arg(v.name) : tr("'%1' of tenant '%2'").arg(v.name, v.tenantName);
        parts << tr("%1 (%2)").arg(who, v.devices.isEmpty() ? tr("no PCI devices") : v.devices.join(QLatin1String(", ")));
    }
    return parts.join(QLatin1String("; "));
}

Result<RunningImpact> impact(Result<QList<AffectedVm>> vms, const std::function<QString(const QString &list, int n)> &sentence)
{
    if (!vms)
        return vms.error();
    RunningImpact r;
    r.runningVms = *vms;
    if (!r.runningVms.isEmpty())
        r.summary = sentence(listText(r.runningVms), int(r.runningVms.size()));
    return r;
}

} // namespace

Result<RunningImpact> ImpactQueries::maintenance(const QSqlDatabase &db, qint64 nodeId)
{
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return n.error();
    return impact(runningVms(db, QStringLiteral("v.node_id = ?"), {nodeId}), [&](const QString &list, int count) {
        return tr("%n VM(s) run on node '%1': %2. They keep running, but none of the node's VMs can be restarted or powered on "
                  "until maintenance mode is off.", nullptr, count).arg(n->name, list);
    });
}

Result<RunningImpact> ImpactQueries::reboot(const QSqlDatabase &db, qint64 nodeId)
{
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return n.error();
    return impact(runningVms(db, QStringLiteral("v.node_id = ?"), {nodeId}), [&](const QString &list, int count) {
        return tr("Rebooting node '%1' stops %n running VM(s) and releases their devices: %2.", nullptr, count).arg(n->name, list);
    });
}

Result<RunningImpact> ImpactQueries::deleteVm(const QSqlDatabase &db, qint64 vmId)
{
    auto v = DomainServiceQueries::vm(db, vmId);
    if (!v)
        return v.error();
    return impact(runningVms(db, QStringLiteral("v.id = ?"), {vmId}), [&](const QString &list, int) {
        return tr("VM %1 is running; deleting it stops it and releases its devices.").arg(list);
    });
}

Result<RunningImpact> ImpactQueries::deleteGroup(const QSqlDatabase &db, qint64 groupId)
{
    auto g = DomainServiceQueries::group(db, groupId);
    if (!g)
        return g.error();
    return impact(runningVms(db, QStringLiteral("v.id IN (SELECT x.vm_id FROM allocations x WHERE x.group_id = ?"
                                                " OR x.group_id IN (SELECT id FROM resource_groups WHERE source_group_id = ?))"),
                             {groupId, groupId}),
                  [&](const QString &list, int count) {
                      return tr("%n running VM(s) use devices of group '%1': %2.", nullptr, count).arg(g->name, list);
                  });
}

Result<RunningImpact> ImpactQueries::deleteTenant(const QSqlDatabase &db, qint64 tenantId)
{
    auto t = DomainServiceQueries::tenant(db, tenantId);
    if (!t)
        return t.error();
    return impact(runningVms(db, QStringLiteral("v.tenant_id = ?"), {tenantId}), [&](const QString &list, int count) {
        return tr("Tenant '%1' has %n running VM(s): %2.", nullptr, count).arg(t->name, list);
    });
}

} // namespace passdeck
