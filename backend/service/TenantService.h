#pragma once

#include "service/DomainService.h"

namespace passdeck {

struct ServiceContext;
class StoreTransaction;

// Tenants, their nodes, and pass to tenant (thick provisioning into a tenant's group).
class TenantService
{
public:
    explicit TenantService(ServiceContext &ctx) : m_ctx(ctx) {}

    Result<Tenant> create(const QString &name, const QString &description);
    Status remove(qint64 tenantId);
    Result<TenantNode> addNode(qint64 tenantId, const QString &name, qint64 nodeId);
    Status removeNode(qint64 tenantNodeId);
    Result<ResourceGroup> pass(const PassSpec &spec);

    // Why tenant t cannot be deleted now (it still has VMs); success when it can. remove()
    // checks the same.
    static Status deletable(const Tenant &t);

private:
    Result<TenantNode> addNodeImpl(StoreTransaction &tx, qint64 tenantId, const QString &name, qint64 nodeId);
    Result<ResourceGroup> passImpl(StoreTransaction &tx, const PassSpec &spec);

    ServiceContext &m_ctx;
};

} // namespace passdeck
