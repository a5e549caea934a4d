#pragma once

#include "service/DomainService.h"

#include <QSqlDatabase>

namespace passdeck {

struct ServiceContext;
class StoreTransaction;

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

    // Why group g cannot be deleted now (machine devices draw from it, it has rules, tenant
    // groups were drawn from it); success when it can. remove() checks the same.
    static Status deletable(const QSqlDatabase &db, const ResourceGroup &g);

    // SQL condition: device d (alias) is named in a pending journal row (being moved right now).
    static QString inJournalCondition();

private:
    Result<ResourceGroup> createImpl(StoreTransaction &tx, const GroupSpec &spec);
    Result<ResourceChange> makeResourceImpl(qint64 groupId, qint64 nodeId, const QStringList &addresses, const ApplyOptions &options);
    Result<ResourceChange> removeResourceImpl(qint64 nodeId, const QStringList &addresses, const ApplyOptions &options);

    ServiceContext &m_ctx;
};

} // namespace passdeck
