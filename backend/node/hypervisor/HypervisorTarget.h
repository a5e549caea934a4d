#pragma once

#include <QString>

namespace passdeck {

// Where a node's hypervisor is (docs/libvirt.md, "On the node"): a libvirt URI, or (simulated
// node) the host root whose test driver file stands for libvirt.
struct HypervisorTarget
{
    QString nodeAddress; // names the node in errors
    QString uri;         // libvirt URI; "" = qemu:///system (ignored when testRoot is set)
    QString testRoot;    // simulated node: the root holding etc/passdeck/libvirt.xml
};

} // namespace passdeck
