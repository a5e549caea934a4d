#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QString>

namespace passdeck {

class DomainService;

// A VM's passthrough as the hypervisor needs it: the devices its machine devices got at its last
// restart, and the snippets that hand them to QEMU or libvirt.
struct VmPassthrough
{
    QList<MachineDevice> machineDevices;
    QList<AllocatedDevice> allocated;   // every machine device's, in machine device order
    int requested = 0;                  // sum of the Counts (passthrough units)
    int allocatedUnits = 0;             // of those, the ones the last (re)start allocated
    QString qemu;                       // VmPassthroughSnippets::qemuArguments(allocated)
    QString libvirt;                    // VmPassthroughSnippets::libvirtHostdevXml(allocated)
};

// What an administrator pastes into the hypervisor's configuration for the devices a VM got at
// its last restart: QEMU command-line arguments and libvirt <hostdev> elements. Passdeck has
// already bound the devices to vfio-pci, so libvirt must not rebind them (managed='no'). The VM
// dashboard and `passdeck-cli vm show` both print these.
class VmPassthroughSnippets
{
public:
    // "-device vfio-pci,host=0000:17:00.0 \" lines, one per device; empty for no devices.
    static QString qemuArguments(const QList<AllocatedDevice> &devices);
    // One <hostdev mode='subsystem' type='pci' managed='no'> element per device.
    static QString libvirtHostdevXml(const QList<AllocatedDevice> &devices);

    // The VM's machine devices, what they got and both snippets, read from the service.
    static Result<VmPassthrough> forVm(const DomainService &service, qint64 vmId);
};

} // namespace passdeck
