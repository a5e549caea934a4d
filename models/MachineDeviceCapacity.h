#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

namespace passdeck {

class DomainService;

// What the device entry form shows about a group's availability. The counting is the domain
// service's (DomainService::availabilityFor*, backend/PassthroughUnits): in passthrough units,
// exactly as attach, start and pass count them. This only asks and words the answer.
class MachineDeviceCapacity
{
public:
    // A VM drawing from a group (host VM: a host group; tenant VM: its tenant's group).
    static Result<GroupAvailability> forVm(const DomainService &service, qint64 vmId, qint64 groupId);
    // A tenant node drawing from a host group (Pass to Tenant): what is free on its node.
    static Result<GroupAvailability> forTenantNode(const DomainService &service, qint64 tenantNodeId, qint64 groupId);

    // "1 GPU (2 functions)": `units` units of the group, with the functions the first `units`
    // free ones have (left out when not known, e.g. more units than are free).
    static QString unitsText(const GroupAvailability &a, int units);
};

} // namespace passdeck
