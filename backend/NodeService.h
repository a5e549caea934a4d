#pragma once

#include "DomainService.h"
#include "PciDevice.h"

namespace passdeck {

class NodeHost;
struct ServiceContext;

// Nodes: add, refresh (inventory into the store, vanished/changed devices flagged, never
// silently dropped), maintenance, reboot of a simulated node, and the journal recovery.
class NodeService
{
public:
    explicit NodeService(ServiceContext &ctx) : m_ctx(ctx) {}

    Result<RefreshReport> add(const QString &name, const QString &hostRoot, bool simulated, const ProgressFn &progress);
    Result<RefreshReport> refresh(qint64 nodeId, const ProgressFn &progress);
    Status remove(qint64 nodeId);
    Status setMaintenance(qint64 nodeId, bool on);
    Result<RefreshReport> reboot(qint64 nodeId);
    Result<int> recoverInterrupted();
    // At open: fills in the host identity of nodes an older store has, and returns a warning
    // (with what to do) for every two nodes that are one host.
    Result<QStringList> checkIdentities();

    // Stores a fresh inventory of the node inside the caller's transaction.
    Result<RefreshReport> storeInventory(const NodeInfo &node, const InventorySnapshot &snapshot);

private:
    Result<RefreshReport> refreshImpl(qint64 nodeId, const ProgressFn &progress);
    // Inside a transaction: the node's VMs are off and their devices released.
    Status stopVms(qint64 nodeId, const QString &what);
    // After the (simulated) reboot: flags cleared, VMs off, inventory stored, journal row
    // removed, all in one transaction with the audit entry.
    Result<RefreshReport> recordReboot(const NodeInfo &node, NodeHost &host, qint64 journalId);

    ServiceContext &m_ctx;
};

} // namespace passdeck
