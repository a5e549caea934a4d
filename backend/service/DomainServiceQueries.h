#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QSqlDatabase>

namespace passdeck {

// The read side of the service: the listing queries the dashboards use (one SQL statement
// each, indexed, but for the devices: DeviceListing; see tests/bench/bench_store) and
// single-row lookups.
class DomainServiceQueries
{
public:
    static Result<QList<NodeInfo>> nodes(const QSqlDatabase &db, qint64 nodeId = 0, const QString &name = {});
    static Result<NodeInfo> node(const QSqlDatabase &db, qint64 nodeId);
    static Result<NodeInfo> nodeByName(const QSqlDatabase &db, const QString &name);

    // nodeId 0: all; groupId > 0: only devices of that host group (rules) or tenant group (pool).
    static Result<QList<DeviceRecord>> devices(const QSqlDatabase &db, qint64 nodeId, qint64 groupId = 0,
                                               bool tenantGroup = false);

    // scope: -1 all groups, 0 host groups, > 0 that tenant's; groupId > 0: only that group.
    static Result<QList<ResourceGroup>> groups(const QSqlDatabase &db, qint64 scope, qint64 groupId = 0,
                                               const QString &name = {});
    static Result<ResourceGroup> group(const QSqlDatabase &db, qint64 groupId);

    // tenantId: -1 all, 0 host VMs, > 0 that tenant's; vmId > 0: that VM only.
    static Result<QList<Vm>> vms(const QSqlDatabase &db, qint64 tenantId, qint64 vmId = 0, const QString &name = {});
    static Result<Vm> vm(const QSqlDatabase &db, qint64 vmId);
    // vms.domain_hostdevs: "ADDRESS=p" (written by Passdeck) or "ADDRESS=f", comma-separated.
    static QString encodeHostdevs(const QList<DomainHostdev> &hostdevs);
    static QList<DomainHostdev> decodeHostdevs(const QString &text);

    // vmId > 0: that VM's; otherwise groupId's.
    static Result<QList<MachineDevice>> machineDevices(const QSqlDatabase &db, qint64 vmId, qint64 groupId);

    static Result<QList<Tenant>> tenants(const QSqlDatabase &db, qint64 tenantId = 0, const QString &name = {});
    static Result<Tenant> tenant(const QSqlDatabase &db, qint64 tenantId);
    static Result<QList<TenantNode>> tenantNodes(const QSqlDatabase &db, qint64 tenantId, qint64 tenantNodeId = 0);
    static Result<TenantNode> tenantNode(const QSqlDatabase &db, qint64 tenantNodeId);

    static Result<QList<RebootNotice>> rebootRequired(const QSqlDatabase &db);
};

} // namespace passdeck
