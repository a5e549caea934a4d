#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QSqlDatabase>

namespace passdeck {

// A passthrough unit: the endpoints of one IOMMU group on one node that belong to one resource
// group (a host group's rules, or a tenant group's pool) — e.g. a GPU and its audio function.
// VFIO hands an IOMMU group to one user only, so this is what Passdeck allocates to a VM, passes
// to a tenant and counts (Count, capacity, free counts). A device without an IOMMU group is a
// unit alone. See docs/store.md, "Passthrough units".
struct PassthroughUnit
{
    qint64 nodeId = 0;
    int iommuGroup = -1;
    QList<qint64> deviceIds;    // sorted by address
    QStringList addresses;
};

// The one place that forms units, decides which are free for a consumer and counts capacity.
// VmService (start, attach), TenantService (pass), the group listing and the device entry form
// (through DomainService::availabilityFor*) all use it.
class PassthroughUnits
{
public:
    // SQL expression (SQLite and PostgreSQL) of the unit key of the devices row aliased `alias`:
    // node and IOMMU group, or minus the device id for a device without an IOMMU group.
    static QString keySql(const QString &alias = QStringLiteral("d"));
    // SQL condition: device `alias` keeps its unit from being handed out whoever holds it (it
    // vanished, its ids changed, or it waits for its node's reboot). The group listing's free
    // count uses it, so the dashboards count what the forms and attach count.
    static QString unusableSql(const QString &alias = QStringLiteral("d"));

    // The units a start or a pass would take now, in the order it takes them (first address).
    // Host consumer: units of host group groupId on node nodeId no one holds any device of the
    // IOMMU group of. Tenant VM: units of tenant group groupId on tenant node tenantNodeId none of
    // whose IOMMU group is allocated. Units with a vanished or changed device, a pending reboot or
    // a device being moved are never free.
    static Result<QList<PassthroughUnit>> freeForHost(const QSqlDatabase &db, qint64 groupId, qint64 nodeId, const QString &what);
    static Result<QList<PassthroughUnit>> freeForTenantVm(const QSqlDatabase &db, qint64 groupId, qint64 tenantNodeId,
                                                          const QString &what);

    // What VmService::startImpl needs for one machine device: the devices of its Count free
    // units, or a refusal saying how many are free and what to do.
    static Result<QList<std::pair<qint64, QString>>> pickForMachineDevice(const QSqlDatabase &db, const Vm &vm,
                                                                          const MachineDevice &device, const QString &what);

    // Capacity of group groupId for VM vm (own units count as its own, its other machine devices
    // of the group as claimed) and for a tenant node (Pass to Tenant).
    static Result<GroupAvailability> forVm(const QSqlDatabase &db, const Vm &vm, const ResourceGroup &group);
    static Result<GroupAvailability> forTenantNode(const QSqlDatabase &db, const TenantNode &node, const ResourceGroup &group);

    // IOMMU groups more than one consumer holds (tenants by their pool, VMs by allocations).
    static Result<QList<SplitIommuGroup>> splitGroups(const QSqlDatabase &db);

    // "1 GPU (2 functions)", "2 NVMe drives", "3 devices (6 functions)": the wording of the forms
    // and the CLI for a number of units and the functions they have (0: unknown, left out).
    static QString describe(int units, int functions, GroupClass groupClass);
};

} // namespace passdeck
