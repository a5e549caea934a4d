#include "MachineDeviceCapacity.h"

namespace passdeck {

GroupAvailability MachineDeviceCapacity::forVm(const Vm &vm, const ResourceGroup &group,
                                               const QList<DeviceRecord> &groupDevices)
{
    GroupAvailability a;
    if (vm.owner == GroupOwner::Tenant) {
        a.wrongTenantNode = group.tenantNodeId != vm.tenantNodeId;
        for (const DeviceRecord &d : groupDevices) {
            if (!d.present)
                continue;
            ++a.capacity;
            if (d.vmId != 0)
                ++a.inUse;
            else if (!d.rebootPending)
                ++a.free;
        }
        return a;
    }
    for (const DeviceRecord &d : groupDevices) {
        if (d.nodeId != vm.nodeId || !d.present)
            continue;
        if (d.tenantId != 0) {
            ++a.reserved;
            continue;
        }
        ++a.capacity;
        if (d.status == DeviceStatus::UsedByVm)
            ++a.inUse;
        else if (!d.rebootPending)
            ++a.free;
    }
    return a;
}

GroupAvailability MachineDeviceCapacity::forTenantNode(const TenantNode &node, const QList<DeviceRecord> &groupDevices)
{
    GroupAvailability a;
    for (const DeviceRecord &d : groupDevices) {
        if (d.nodeId != node.nodeId || !d.present)
            continue;
        if (d.tenantId != 0)
            ++a.reserved;
        else if (d.status == DeviceStatus::UsedByVm)
            ++a.inUse;
        else
            ++a.free;
    }
    a.capacity = a.free;
    return a;
}

} // namespace passdeck
