#pragma once

#include "core/Error.h"
#include "node/host/HostRoot.h"
#include "core/PciDevice.h"

#include <QString>

#include <memory>

namespace passdeck {

class SysfsWriter;

// Everything that touches one host sits behind this interface, so that a node agent reached
// over the network (DESIGN.md §3) can implement it later without the binder, the service or
// the GUI changing. LocalNode implements it for a host root on this machine, real or simulated.
class NodeHost
{
public:
    virtual ~NodeHost() = default;

    virtual const HostRoot &hostRoot() const = 0;
    virtual bool isSimulated() const = 0;

    // A full inventory pass (libpci + sysfs extras).
    virtual Result<InventorySnapshot> inventory() = 0;

    // The one way to change the host: one value, one write, an errno back.
    virtual SysfsWriter &writer() = 0;

    // Small reads the binder needs between writes without a full rescan.
    // readLinkName: the last path component a symlink points to ("vfio-pci" for .../driver),
    // empty when the link does not exist.
    virtual QString readLinkName(const QString &relativePath) const = 0;
    // The content of a small attribute with the trailing newline removed; error when unreadable.
    virtual Result<QString> readAttribute(const QString &relativePath) const = 0;
    virtual bool exists(const QString &relativePath) const = 0;

    // Restart the node. A simulated node reboots through its simulator (bindings re-created
    // from the persistent configuration under <root>/etc); the real host refuses with
    // instructions: Passdeck never reboots a real machine.
    virtual Status reboot() = 0;
};

} // namespace passdeck
