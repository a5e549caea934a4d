#include "models/MakeResourcePlanner.h"

#include "service/DomainService.h"

#include <QCoreApplication>
#include <QMap>
#include <QSet>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("MakeResourcePlanner", text);
}

// What the store knows and the binder does not: ownership by groups, VMs and tenants.
void addStoreFindings(const DeviceRecord &d, QList<Finding> &out)
{
    Finding f;
    f.severity = Severity::Blocker;
    f.device = d.address;
    if (d.groupId != 0) {
        f.code = QStringLiteral("in-group");
        f.message = tr("%1 is already in resource group \"%2\". Remove it from that group first.")
                        .arg(d.address, d.groupName);
    } else if (d.vmId != 0) {
        f.code = QStringLiteral("used-by-vm");
        f.message = tr("%1 is used by VM %2.").arg(d.address, d.vmName);
    } else if (d.tenantId != 0) {
        f.code = QStringLiteral("tenant");
        f.message = tr("%1 is owned by tenant %2.").arg(d.address, d.tenantName);
    } else {
        return;
    }
    out.append(f);
}
} // namespace

Result<MakeResourceImpact> MakeResourcePlanner::plan(const DomainService &service,
                                                     const QList<DeviceRecord> &selection,
                                                     const QString &pciIdsPath)
{
    MakeResourceImpact impact;
    QMap<qint64, QList<DeviceRecord>> byNode;
    for (const DeviceRecord &d : selection)
        byNode[d.nodeId].append(d);
    const bool severalNodes = byNode.size() > 1;

    for (auto it = byNode.constBegin(); it != byNode.constEnd(); ++it) {
        auto node = service.node(it.key());
        if (!node)
            return node.error();
        NodeImpact ni;
        ni.nodeId = node->id;
        ni.nodeName = node->name;
        QList<Finding> storeFindings;
        for (const DeviceRecord &d : it.value()) {
            ni.requested.append(d.address);
            addStoreFindings(d, storeFindings);
        }
        // The service reaches the node (pci.ids names come from its node factory).
        Q_UNUSED(pciIdsPath)
        auto plan = service.planBind(node->id, ni.requested, BindTarget::VfioPci);
        if (!plan)
            return plan.error();
        ni.plan = *plan;
        QList<Finding> findings = storeFindings + ni.plan.findings;
        for (Finding f : findings) {
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
        if (auto known = service.devices(node->id)) {
            for (const DeviceRecord &d : *known) {
                if (ni.plan.devices.contains(d.address))
                    impact.moving.append(d);
            }
        }
        impact.nodes.append(ni);
    }
    return impact;
}

QString MakeResourcePlanner::hostReason(const DeviceRecord &d)
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

QString MakeResourcePlanner::selectionRefusal(const QList<DeviceRecord> &selection,
                                              const QHash<qint64, NodeReadiness> &readiness)
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

QList<DeviceRecord> MakeResourcePlanner::withoutBlocked(const QList<DeviceRecord> &selection, const MakeResourceImpact &impact)
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
