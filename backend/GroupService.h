#pragma once

#include "DomainService.h"

namespace passdeck {

struct ServiceContext;

// Resource groups and their rules: create/edit/delete, make resource (devices -> vfio-pci and
// into a group), remove resource (back to the host driver).
class GroupService
{
public:
    explicit GroupService(ServiceContext &ctx) : m_ctx(ctx) {}

    Result<ResourceGroup> create(const GroupSpec &spec);
    Result<ResourceGroup> edit(qint64 groupId, const GroupSpec &spec);
    Status remove(qint64 groupId);
    Result<ResourceChange> makeResource(qint64 groupId, qint64 nodeId, const QStringList &addresses, const ApplyOptions &options);
    Result<ResourceChange> removeResource(qint64 nodeId, const QStringList &addresses, const ApplyOptions &options);

    // Moves devices on a node through the binder under a journal row: the row is committed
    // before the first write, and `record` runs in the transaction that removes it. When
    // `record` fails the devices go back to their original drivers.
    // The journal row's write transaction also claims the devices: it refuses when another
    // live operation has them in its journal row, and runs `recheck` (the caller's validation,
    // again, under the write lock) so that two processes never move the same device at once.
    static Result<ApplyResult> journaledApply(ServiceContext &ctx, const NodeInfo &node, NodeHost &host,
                                              const BindPlan &plan, const QString &operation, qint64 groupId,
                                              const ApplyOptions &options,
                                              const std::function<Status(const ApplyResult &)> &record,
                                              const std::function<Status()> &recheck = {});
    // SQL condition: device d (alias) is named in a pending journal row (being moved right now).
    static QString inJournalCondition();
    // Puts devices back on their original drivers (rollback and journal recovery).
    static Status restoreDrivers(NodeHost &host, const QMap<QString, QString> &originalDrivers);

private:
    Result<ResourceGroup> createImpl(const GroupSpec &spec);
    Result<ResourceChange> makeResourceImpl(qint64 groupId, qint64 nodeId, const QStringList &addresses, const ApplyOptions &options);
    Result<ResourceChange> removeResourceImpl(qint64 nodeId, const QStringList &addresses, const ApplyOptions &options);

    ServiceContext &m_ctx;
};

} // namespace passdeck
