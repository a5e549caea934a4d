#pragma once

#include "DomainTypes.h"
#include "Error.h"

#include <QSqlDatabase>

namespace passdeck {

// The running VMs (and the devices they run with) an action would affect, for the GUI's
// confirmations: every confirmation names them (docs/store.md, "Running work").
class ImpactQueries
{
public:
    // Maintenance mode on a node: its running VMs keep running but cannot be restarted or
    // powered on until maintenance ends.
    static Result<RunningImpact> maintenance(const QSqlDatabase &db, qint64 nodeId);
    // Reboot of a node: its running VMs stop and release their devices.
    static Result<RunningImpact> reboot(const QSqlDatabase &db, qint64 nodeId);
    // Deleting a VM: the VM itself when it runs.
    static Result<RunningImpact> deleteVm(const QSqlDatabase &db, qint64 vmId);
    // Deleting a group: running VMs with devices of it (or of tenant groups drawn from it).
    static Result<RunningImpact> deleteGroup(const QSqlDatabase &db, qint64 groupId);
    // Deleting a tenant: its running VMs.
    static Result<RunningImpact> deleteTenant(const QSqlDatabase &db, qint64 tenantId);
};

} // namespace passdeck
