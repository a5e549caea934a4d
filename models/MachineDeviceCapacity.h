#pragma once

#include "DomainTypes.h"

namespace passdeck {

// How many devices of a group a consumer could get, counted from the group's devices the way
// the domain service counts them, so that the device entry form can bound Count and say why.
struct GroupAvailability
{
    int capacity = 0;     // what Count may be at most
    int free = 0;         // of those, free right now (a restart gets them at once)
    int reserved = 0;     // on the node but owned by a tenant (thick provisioning)
    int inUse = 0;        // on the node, allocated to running VMs
    bool wrongTenantNode = false; // tenant group attached to another tenant node than the VM's
};

class MachineDeviceCapacity
{
public:
    // A VM drawing from a group (host VM: a host group; tenant VM: its tenant's group).
    static GroupAvailability forVm(const Vm &vm, const ResourceGroup &group, const QList<DeviceRecord> &groupDevices);
    // A tenant node drawing from a host group: the free devices on the node it runs on.
    static GroupAvailability forTenantNode(const TenantNode &node, const QList<DeviceRecord> &groupDevices);
};

} // namespace passdeck
