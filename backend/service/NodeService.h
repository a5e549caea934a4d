#pragma once

#include "service/DomainService.h"
#include "core/NodeChecks.h"
#include "core/PciDevice.h"

#include <functional>

namespace passdeck {

class Node;
struct ServiceContext;

// Nodes: add, refresh (inventory into the store, vanished/changed devices flagged, never
// silently dropped), maintenance, reboot of a simulated node, and the journal recovery.
class NodeService
{
public:
    explicit NodeService(ServiceContext &ctx) : m_ctx(ctx) {}

    Result<RefreshReport> add(const QString &name, const QString &hostRoot, bool simulated, const ProgressFn &progress);
    // A node behind an agent (NodeServiceAgent.cpp): every part checked (core/AgentAddress.h),
    // the agent reached through the node factory and asked who it is, then its inventory
    // stored; nothing is stored when any of it fails.
    Result<RefreshReport> addAgent(const AgentNodeSpec &spec, const ProgressFn &progress);
    Result<RefreshReport> refresh(qint64 nodeId, const ProgressFn &progress);
    Status remove(qint64 nodeId);
    Status setMaintenance(qint64 nodeId, bool on);
    Result<RefreshReport> reboot(qint64 nodeId);
    Result<int> recoverInterrupted();
    // What the last recoverInterrupted() left alone because another live process owns it
    // (code "lease-held", each naming the owner).
    const QList<Error> &leaseRefusals() const { return m_leaseRefusals; }
    // At open: fills in the host identity of nodes an older store has, and returns a warning
    // (with what to do) for every two nodes that are one host.
    Result<QStringList> checkIdentities();
    // NodeServiceTwin.cpp: captures the node's host root into dir (sim/SimCapture.h) and adds
    // the copy as a simulated node; refused for a node behind an agent.
    Result<RefreshReport> captureTwin(qint64 nodeId, const QString &dir, const ProgressFn &progress);

    // Stores a fresh inventory of the node inside the caller's transaction. mounts: what is
    // mounted on the node, so that a disk's host use says whether it is the root disk.
    Result<RefreshReport> storeInventory(const NodeInfo &node, const InventorySnapshot &snapshot,
                                         const HostMounts &mounts = {});

    // ---- NodeServiceChecks.cpp ----
    // Whether the node can pass anything through (IOMMU groups, vfio-pci), read through it.
    Result<NodeReadiness> readiness(qint64 nodeId) const;
    // A PF's current and total VFs; refused for a device that is not SR-IOV capable.
    Result<SriovState> sriovState(qint64 nodeId, const QString &address) const;
    // The impact of setting the VF count: nothing is written.
    Result<VfCountPlan> planVfCount(qint64 nodeId, const QString &address, int count) const;
    // Plans again, refuses while any blocker remains (no force: the GUI and the service never
    // override one), sets the count through the node and records the VFs in the store.
    Result<VfCountPlan> setVfCount(qint64 nodeId, const QString &address, int count);

private:
    static HostMounts mountsOf(Node &host);
    Result<VfCountPlan> planVfCountImpl(const NodeInfo &node, Node &host, const QString &address, int count) const;
    Result<RefreshReport> refreshImpl(qint64 nodeId, const ProgressFn &progress);
    // Inside a transaction: the node's VMs are off and their devices released.
    Status stopVms(qint64 nodeId, const QString &what);
    // One host, one node (asked under the write lock, so two adds cannot both pass): a node
    // already there with this canonical root (an agent's address) or machine id is refused as
    // same-host; why words the refusal from that node's name and whether the address matched.
    Status refuseSecondNode(const QString &what, const QString &canonicalRoot, const QString &machineId,
                            const std::function<QString(const QString &first, bool sameAddress)> &why);
    // After the (simulated) reboot: flags cleared, VMs off, inventory stored, journal row
    // removed, all in one transaction with the audit entry.
    Result<RefreshReport> recordReboot(const NodeInfo &node, Node &host, qint64 journalId);

    ServiceContext &m_ctx;
    QList<Error> m_leaseRefusals;
};

} // namespace passdeck
