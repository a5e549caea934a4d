#pragma once

#include "core/DomainTypes.h"

#include <QString>

namespace passdeck {

// What an administrator pastes into the hypervisor's configuration for the devices a VM got at
// its last restart: QEMU command-line arguments and libvirt <hostdev> elements. Passdeck has
// already bound the devices to vfio-pci, so libvirt must not rebind them (managed='no').
class VmPassthroughSnippets
{
public:
    // "-device vfio-pci,host=0000:17:00.0 \" lines, one per device; empty for no devices.
    static QString qemuArguments(const QList<AllocatedDevice> &devices);
    // One <hostdev mode='subsystem' type='pci' managed='no'> element per device.
    static QString libvirtHostdevXml(const QList<AllocatedDevice> &devices);
};

} // namespace passdeck
