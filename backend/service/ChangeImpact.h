#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QSqlDatabase>

#include <optional>

namespace passdeck {

// A VM a change touches while it runs, with the devices it holds now.
struct AffectedVm
{
    qint64 id = 0;
    QString name;
    QString nodeName;
    QStringList devices;        // addresses allocated to it ("0000:17:00.0")
};

// What a change would do to running work, read before the change is asked for: the GUI lists
// it in the confirmation, and refuses before asking when `refusal` is set.
struct ChangeImpactReport
{
    std::optional<Error> refusal;   // the change is refused as things stand (why, what to do)
    QList<AffectedVm> runningVms;   // running VMs the change stops or leaves running on a node
    QStringList devices;            // devices the change moves or frees ("node-a 0000:17:00.0")
};

// Read-only queries over the store: which running VMs and devices a change affects, and
// whether it can be made at all. Nothing here writes; the refusals mirror the ones the
// service's operations return (GroupService::remove, TenantService::remove), so that the GUI
// can refuse before it asks instead of asking first and refusing after.
class ChangeImpact
{
public:
    // Maintenance mode on a node: the VMs running on it (they keep running; a reboot stops them).
    static Result<ChangeImpactReport> maintenance(const QSqlDatabase &db, qint64 nodeId);
    // Rebooting a node: the running VMs it stops and the devices they lose.
    static Result<ChangeImpactReport> reboot(const QSqlDatabase &db, qint64 nodeId);
    // Deleting a VM: the VM itself when it runs, and the devices it frees.
    static Result<ChangeImpactReport> deleteVm(const QSqlDatabase &db, qint64 vmId);
    // Removing one machine device of a VM: the VM when it runs, and the devices it holds for it.
    static Result<ChangeImpactReport> detach(const QSqlDatabase &db, qint64 vmId, qint64 machineDeviceId);
    // Deleting a resource group as the group dashboard does it (its devices go back to their
    // host drivers first): refused while machine devices draw from it or tenant groups were
    // drawn from it; devices: the ones that go back to the host.
    static Result<ChangeImpactReport> deleteGroup(const QSqlDatabase &db, qint64 groupId);
    // Deleting a tenant: refused while it has VMs; devices: the ones reserved to it, which go
    // back to their host groups.
    static Result<ChangeImpactReport> deleteTenant(const QSqlDatabase &db, qint64 tenantId);

    // "web-01 on node-a (0000:17:00.0, 0000:17:00.1)", one line per VM, for confirmations.
    static QStringList describe(const QList<AffectedVm> &vms);

private:
    // Running VMs; nodeId > 0: on that node; vmId > 0: that VM only.
    static Result<QList<AffectedVm>> runningVms(const QSqlDatabase &db, qint64 nodeId, qint64 vmId);
};

} // namespace passdeck
