#include "service/MakeResourceImpact.h"

#include "core/Node.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QMap>
#include <QSet>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}
} // namespace

Result<MembershipProblem> MakeResourceCheck::membershipProblem(const QSqlDatabase &db, qint64 nodeId, const QString &address,
                                                               qint64 groupId)
{
    StoreQuery q(db, QStringLiteral("SELECT d.is_bridge, d.present, r.group_id, g.name, a.vm_id, v.name, h.holder_scope, t.name"
                                    " FROM devices d"
                                    " LEFT JOIN resource_rules r ON r.device_id = d.id LEFT JOIN resource_groups g ON g.id = r.group_id"
                                    " LEFT JOIN allocations a ON a.device_id = d.id LEFT JOIN vms v ON v.id = a.vm_id"
                                    " LEFT JOIN device_holds h ON h.device_id = d.id AND h.holder_scope > 0"
                                    " LEFT JOIN tenants t ON t.id = h.holder_scope"
                                    " WHERE d.node_id = ? AND d.address = ?"));
    q.bind(nodeId).bind(address);
    if (Status s = q.exec(tr("Checking device %1").arg(address)); !s)
        return s.error();
    if (!q.next())
        return MembershipProblem{QStringLiteral("unknown-device"), tr("%1 has not been observed on this node").arg(address),
                                 tr("Refresh the node, or check the address in its device list.")};
    if (q.value(0).toInt() != 0)
        return MembershipProblem{QStringLiteral("bridge"), tr("%1 is a bridge; bridges never go into a resource group").arg(address),
                                 tr("Choose the devices behind the bridge instead.")};
    if (q.value(1).toInt() == 0)
        return MembershipProblem{QStringLiteral("vanished"), tr("%1 vanished at the last refresh").arg(address),
                                 tr("Check the hardware and refresh the node; choose a present device.")};
    if (!q.value(2).isNull()) {
        // Already in the chosen group: making it a resource again is not a conflict.
        if (q.value(2).toLongLong() == groupId)
            return MembershipProblem{};
        const QString group = q.value(3).toString();
        return MembershipProblem{QStringLiteral("in-group"), tr("%1 already belongs to resource group '%2'").arg(address, group),
                                 tr("Choose another device, or remove it from group '%1' first.").arg(group)};
    }
    // Held without a rule: an older store or a hand-made row; the group's rules decide who may
    // take it, so nobody else may until it is released.
    if (!q.value(4).isNull())
        return MembershipProblem{QStringLiteral("used-by-vm"), tr("%1 is used by VM %2").arg(address, q.value(5).toString()),
                                 tr("Power off VM %1 first.").arg(q.value(5).toString())};
    if (!q.value(6).isNull())
        return MembershipProblem{QStringLiteral("tenant"), tr("%1 is owned by tenant %2").arg(address, q.value(7).toString()),
                                 tr("Delete the tenant's group that holds it first.")};
    return MembershipProblem{};
}

MembershipProblem MakeResourceCheck::asCompanion(const QString &address, const MembershipProblem &problem)
{
    return MembershipProblem{problem.code, tr("%1 must come along (same IOMMU group), but %2").arg(address, problem.why),
                             tr("Remove it from its group first, or choose devices of another IOMMU group.")};
}

Result<MakeResourceImpact> MakeResourceCheck::impact(const ServiceContext &ctx, const QList<DeviceRecord> &selection, qint64 groupId)
{
    const QSqlDatabase db = ctx.db();
    MakeResourceImpact impact;
    QMap<qint64, QStringList> byNode;
    for (const DeviceRecord &d : selection)
        if (!byNode[d.nodeId].contains(d.address))
            byNode[d.nodeId].append(d.address);
    const bool severalNodes = byNode.size() > 1;

    for (auto it = byNode.constBegin(); it != byNode.constEnd(); ++it) {
        auto node = DomainServiceQueries::node(db, it.key());
        if (!node)
            return node.error();
        NodeImpact ni;
        ni.nodeId = node->id;
        ni.nodeName = node->name;
        ni.requested = it.value();
        auto host = ctx.node(*node);
        if (!host)
            return host.error();
        auto plan = (*host)->plan(ni.requested, BindTarget::VfioPci);
        if (!plan)
            return plan.error();
        ni.plan = *plan;
        // What the store knows, for the selection and the companions the plan brings: the rule
        // makeResource refuses with, worded as it words it.
        QList<Finding> storeFindings;
        QStringList checked = ni.requested;
        for (const QString &address : std::as_const(ni.plan.devices))
            if (!checked.contains(address))
                checked << address;
        for (const QString &address : std::as_const(checked)) {
            auto found = membershipProblem(db, node->id, address, groupId);
            if (!found)
                return found.error();
            if (found->code.isEmpty())
                continue;
            const MembershipProblem problem = ni.plan.added.contains(address) ? asCompanion(address, *found) : *found;
            Finding f;
            f.severity = Severity::Blocker;
            f.code = problem.code;
            f.device = address;
            f.message = problem.why + QStringLiteral(". ") + problem.hint;
            storeFindings << f;
        }
        // One finding per device and reason: a bridge is the binder's finding and the store's.
        QSet<QPair<QString, QString>> seen;
        for (const Finding &f : std::as_const(ni.plan.findings))
            seen.insert({f.device, f.code});
        QList<Finding> findings;
        for (const Finding &f : std::as_const(storeFindings))
            if (!seen.contains({f.device, f.code}))
                findings << f;
        findings += ni.plan.findings;
        for (Finding f : std::as_const(findings)) {
            if (severalNodes) {
                f.message = node->name + QStringLiteral(": ") + f.message;
                f.device = node->name + QLatin1Char('/') + f.device;
            }
            if (f.severity == Severity::Blocker)
                ++impact.blockerCount;
            else if (f.severity == Severity::Warning)
                ++impact.warningCount;
            impact.findings.append(f);
        }
        impact.deviceCount += int(ni.plan.devices.size());
        auto known = DomainServiceQueries::devices(db, node->id);
        if (!known)
            return known.error();
        for (const DeviceRecord &d : std::as_const(*known))
            if (ni.plan.devices.contains(d.address))
                impact.moving.append(d);
        impact.nodes.append(ni);
    }
    return impact;
}

QString MakeResourceCheck::hostReason(const DeviceRecord &d)
{
    if (d.isBridge)
        return tr("Bridge (host only)");
    if (d.hostUse.contains(QStringLiteral("boot-vga")))
        return tr("Boot VGA");
    if (d.hostUse.contains(QStringLiteral("root-disk")))
        return tr("Root disk");
    if (d.hostUse.contains(QStringLiteral("mounted")))
        return tr("Disk mounted");
    for (const QString &use : d.hostUse) {
        // "net:eno1(up)"
        if (use.startsWith(QLatin1String("net:")) && use.endsWith(QLatin1String("(up)")))
            return tr("NIC %1 up").arg(use.mid(4, use.size() - 4 - 4));
    }
    return {};
}

QString MakeResourceCheck::selectionRefusal(const QList<DeviceRecord> &selection, const QHash<qint64, NodeReadiness> &readiness)
{
    QStringList reasons;
    QList<qint64> nodesSeen;
    for (const DeviceRecord &d : selection) {
        if (!nodesSeen.contains(d.nodeId)) {
            nodesSeen << d.nodeId;
            const auto r = readiness.constFind(d.nodeId);
            if (r != readiness.cend() && !r->ready()) {
                QStringList missing;
                if (!r->reachable)
                    missing << tr("cannot be read");
                if (!r->iommu)
                    missing << tr("no IOMMU");
                if (!r->vfioPci)
                    missing << tr("vfio-pci not loaded");
                reasons << tr("node %1 cannot pass devices through (%2)").arg(d.nodeName, missing.join(QStringLiteral(", ")));
            }
        }
        if (d.status != DeviceStatus::InUseByHost && d.status != DeviceStatus::Free)
            continue;
        const QString why = hostReason(d);
        if (!why.isEmpty())
            reasons << tr("%1: %2").arg(d.address, why);
    }
    if (reasons.isEmpty())
        return {};
    return tr("Make Resource is off for this selection: %1. Leave those devices out of the selection.")
        .arg(reasons.join(QStringLiteral("; ")));
}

QList<DeviceRecord> MakeResourceCheck::withoutBlocked(const QList<DeviceRecord> &selection, const MakeResourceImpact &impact)
{
    const bool severalNodes = impact.nodes.size() > 1;
    // (node id, address) of every device a blocker names.
    QSet<QPair<qint64, QString>> blocked;
    for (const NodeImpact &n : impact.nodes) {
        for (const Finding &f : impact.findings) {
            if (f.severity != Severity::Blocker || f.device.isEmpty())
                continue;
            QString address = f.device;
            if (severalNodes) {
                const QString prefix = n.nodeName + QLatin1Char('/');
                if (!address.startsWith(prefix))
                    continue;
                address = address.mid(prefix.size());
            }
            blocked.insert({n.nodeId, address});
        }
    }
    // A blocked companion takes out the selected devices of its IOMMU group.
    QSet<QPair<qint64, int>> blockedGroups;
    for (const DeviceRecord &d : impact.moving)
        if (blocked.contains({d.nodeId, d.address}) && d.iommuGroup >= 0)
            blockedGroups.insert({d.nodeId, d.iommuGroup});
    QList<DeviceRecord> kept;
    for (const DeviceRecord &d : selection) {
        if (blocked.contains({d.nodeId, d.address}))
            continue;
        if (d.iommuGroup >= 0 && blockedGroups.contains({d.nodeId, d.iommuGroup}))
            continue;
        kept << d;
    }
    return kept;
}

} // namespace passdeck
