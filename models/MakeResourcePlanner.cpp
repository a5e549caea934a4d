#include "MakeResourcePlanner.h"

#include "Binder.h"
#include "DomainService.h"
#include "LocalNode.h"

#include <QCoreApplication>
#include <QMap>

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
        InventoryOptions options;
        options.pciIdsPath = pciIdsPath;
        auto host = LocalNode::open(node->hostRoot, node->simulated, options);
        if (!host)
            return host.error();
        Binder binder(**host);
        auto plan = binder.plan(ni.requested, BindTarget::VfioPci);
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

} // namespace passdeck
