// NodeService's checks through the node: whether it can pass anything through at all, and a
// PF's SR-IOV VF count (planned with its impact, then set and recorded in the store).
#include "service/NodeService.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "core/Node.h"
#include "core/PciAddress.h"
#include "store/Store.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

Finding storeFinding(const char *code, const QString &device, const QString &message)
{
    return Finding{Severity::Blocker, QString::fromLatin1(code), device, message, false};
}

} // namespace

Result<NodeReadiness> NodeService::readiness(qint64 nodeId) const
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    NodeReadiness r;
    auto host = m_ctx.node(*n);
    if (!host) {
        r.reachable = false;
        r.reasons << tr("Node %1 cannot be read: %2").arg(n->name, host.error().message());
        return r;
    }
    // The inventory recorded the group of every device; a group that exists now under
    // sys/kernel/iommu_groups says the IOMMU is on. No group at all: it is off.
    auto group = StoreQuery::scalar(m_ctx.db(), QStringLiteral(
        "SELECT MIN(iommu_group) FROM devices WHERE node_id = ? AND present = 1 AND iommu_group >= 0"),
        {nodeId}, tr("Reading the IOMMU groups of node '%1'").arg(n->name));
    if (!group)
        return group.error();
    auto caps = (*host)->capabilities(group->isNull() ? -1 : group->toInt());
    if (!caps) {
        r.reachable = false;
        r.reasons << tr("Node %1 cannot be read: %2").arg(n->name, caps.error().message());
        return r;
    }
    r.iommu = caps->iommu;
    r.vfioPci = caps->vfioPci;
    if (!r.iommu)
        r.reasons << tr("No IOMMU groups on node %1 (sys/kernel/iommu_groups is empty): the IOMMU is off, so no device "
                        "can be isolated for a VM. Enable VT-d (Intel) or AMD-Vi (AMD) in the firmware setup, add "
                        "intel_iommu=on or amd_iommu=on to the kernel command line, reboot the node and click "
                        "Refresh Inventory.").arg(n->name);
    if (!r.vfioPci)
        r.reasons << tr("The vfio-pci driver is not loaded on node %1 (no sys/bus/pci/drivers/vfio-pci): no device can "
                        "be bound to it. Load it on the node (modprobe vfio-pci, and list it in /etc/modules-load.d/ so "
                        "that it loads at boot), then click Refresh Inventory.").arg(n->name);
    return r;
}

Result<SriovState> NodeService::sriovState(qint64 nodeId, const QString &address) const
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    auto plan = planVfCountImpl(*n, **host, address, -1);
    if (!plan)
        return plan.error();
    return plan->state;
}

Result<VfCountPlan> NodeService::planVfCount(qint64 nodeId, const QString &address, int count) const
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    return planVfCountImpl(*n, **host, address, count);
}

// count < 0: only the state, no impact.
Result<VfCountPlan> NodeService::planVfCountImpl(const NodeInfo &node, Node &host, const QString &address,
                                                 int count) const
{
    const QString what = count < 0 ? tr("Reading the VFs of %1 on node '%2'").arg(address.left(64), node.name)
                                   : tr("Checking the VF count %1 for %2 on node '%3'").arg(count).arg(address.left(64), node.name);
    Result<PciAddress> pf = PciAddress::parse(address);
    if (!pf)
        return pf.error();
    auto refuse = [&](ErrorCode code, const QString &why, const QString &hint) {
        Error e = ServiceContext::refusal(code, what, why, hint);
        e.device = address;
        return e;
    };
    Result<SriovState> state = host.sriovState(address);
    if (!state) {
        const ErrorCode code = state.error().code;
        if (code == ErrorCode::UnknownDevice)
            return refuse(ErrorCode::UnknownDevice, tr("there is no PCI device %1 on node %2").arg(address, node.name),
                          tr("Click Refresh Inventory on the node's dashboard; the device may have been removed."));
        if (code == ErrorCode::NotSriov)
            return refuse(ErrorCode::NotSriov, tr("%1 is not SR-IOV capable (no sriov_totalvfs)").arg(address),
                          tr("Only a physical function with SR-IOV enabled in the firmware can have VFs."));
        return state.error();
    }
    VfCountPlan plan;
    plan.count = count;
    plan.state = *state;
    plan.state.nodeId = node.id;
    plan.state.address = address;
    if (count < 0)
        return plan;
    if (count > plan.state.total)
        return refuse(ErrorCode::BadVfCount, tr("%1 supports 0 to %2 VFs").arg(address).arg(plan.state.total),
                      tr("Pick a count between 0 and %1.").arg(plan.state.total));
    // The kernel changes a non-zero count only through 0: every current VF goes.
    if (plan.state.current != 0 && count != plan.state.current)
        plan.removed = plan.state.vfs;
    if (plan.removed.isEmpty())
        return plan;

    // What the store knows of the VFs that go: groups, VMs, tenants.
    auto known = DomainServiceQueries::devices(m_ctx.db(), node.id);
    if (!known)
        return known.error();
    for (const DeviceRecord &d : *known) {
        if (!plan.removed.contains(d.address))
            continue;
        if (d.vmId != 0)
            plan.findings << storeFinding("vf-used-by-vm", d.address,
                tr("%1, a VF of %2, is allocated to VM %3, which would lose it. Power the VM off first (VM dashboard "
                   "→ Power Off).").arg(d.address, address, d.vmName));
        else if (d.tenantId != 0)
            plan.findings << storeFinding("vf-tenant", d.address,
                tr("%1, a VF of %2, is reserved for tenant %3. Give it back first (the tenant node's dashboard → "
                   "Return to Host Group).").arg(d.address, address, d.tenantName));
        else if (d.groupId != 0)
            plan.findings << storeFinding("vf-in-group", d.address,
                tr("%1, a VF of %2, is in resource group %3; its rule would point to a device that no longer exists. "
                   "Remove it from the group first (the group's dashboard → Remove from Group).").arg(d.address, address, d.groupName));
    }
    Result<QList<Finding>> impact = host.vfCountImpact(address, count);
    if (!impact)
        return impact.error();
    plan.findings += *impact;
    return plan;
}

Result<VfCountPlan> NodeService::setVfCount(qint64 nodeId, const QString &address, int count)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("%1 on node '%2'").arg(address.left(64), n->name) : tr("%1 on node #%2").arg(address.left(64)).arg(nodeId);
    auto run = [&]() -> Result<VfCountPlan> {
        if (!n)
            return n.error();
        const QString what = tr("Setting the VF count of %1 on node '%2' to %3").arg(address.left(64), n->name).arg(count);
        if (count < 0)
            return ServiceContext::refusal(ErrorCode::BadVfCount, what, tr("a VF count is 0 or more"),
                                           tr("Pick a count between 0 and the PF's total."));
        auto host = m_ctx.node(*n);
        if (!host)
            return host.error();
        // Checked again here, not trusted from the dialog: the node may have changed since.
        auto plan = planVfCountImpl(*n, **host, address, count);
        if (!plan)
            return plan.error();
        QList<Finding> blockers;
        for (const Finding &f : plan->findings)
            if (f.severity == Severity::Blocker)
                blockers << f;
        if (!blockers.isEmpty()) {
            Error e = ServiceContext::refusal(ErrorCode::Blocked, what, joinFindingMessages(blockers),
                                              tr("Resolve the findings above, then set the count again."));
            e.device = blockers.first().device;
            return e;
        }
        Result<QStringList> vfs = (*host)->setVfCount(address, count, VfCountOptions{true, false});
        if (!vfs)
            return vfs.error();
        plan->state.current = int(vfs->size());
        plan->state.vfs = *vfs;
        // Record the new VFs (and the ones gone) in the store.
        auto snapshot = (*host)->inventory();
        if (!snapshot)
            return snapshot.error();
        Status stored = m_ctx.write([&](StoreTransaction &) -> Status {
            auto report = storeInventory(*n, *snapshot, mountsOf(**host));
            if (!report)
                return report.error();
            // VFs removed on purpose are not "vanished" devices to flag: nothing refers to them
            // (the plan refused otherwise), so their rows go.
            for (const QString &vf : plan->removed) {
                if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
                        "DELETE FROM devices WHERE node_id = ? AND address = ? AND present = 0"
                        " AND NOT EXISTS (SELECT 1 FROM resource_rules r WHERE r.device_id = devices.id)"
                        " AND NOT EXISTS (SELECT 1 FROM tenant_pool p WHERE p.device_id = devices.id)"
                        " AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.device_id = devices.id)"),
                        {nodeId, vf}, what); !s)
                    return s;
            }
            return {};
        });
        if (!stored)
            return stored.error();
        return plan;
    };
    return m_ctx.run(QStringLiteral("node.sriov"), subject, run, ServiceContext::Nodes);
}

} // namespace passdeck
