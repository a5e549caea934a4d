#include "models/MachineDeviceCapacity.h"

#include "service/DomainService.h"
#include "service/PassthroughUnits.h"

namespace passdeck {

Result<GroupAvailability> MachineDeviceCapacity::forVm(const DomainService &service, qint64 vmId, qint64 groupId)
{
    return service.availabilityForVm(vmId, groupId);
}

Result<GroupAvailability> MachineDeviceCapacity::forTenantNode(const DomainService &service, qint64 tenantNodeId, qint64 groupId)
{
    return service.availabilityForTenantNode(tenantNodeId, groupId);
}

QString MachineDeviceCapacity::unitsText(const GroupAvailability &a, int units)
{
    const int functions = units <= a.freeUnitSizes.size() ? a.functionsFor(units) : 0;
    return PassthroughUnits::describe(units, functions, a.groupClass);
}

} // namespace passdeck
