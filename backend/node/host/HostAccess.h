#pragma once

#include "core/Error.h"
#include "core/PciDevice.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace passdeck {

// The node side's access to one host (docs/node-boundary.md): small reads, one write per value
// with its errno, and the persistent configuration under <root>/etc. The binder, the planner,
// the impact check and the restore work only through it; LocalNode implements it (real root:
// plain file I/O, simulated root: the simulator). Nothing on the central side (service/,
// models/, views/, app/gui) sees this interface: it reaches a node through core/Node.h.
class HostAccess
{
public:
    virtual ~HostAccess() = default;

    virtual bool isSimulated() const = 0;

    // A full inventory pass (libpci + sysfs extras); the planner's input.
    virtual Result<InventorySnapshot> inventory() = 0;

    // readLinkName: the last path component a symlink points to ("vfio-pci" for .../driver),
    // empty when the link does not exist.
    virtual QString readLinkName(const QString &relativePath) const = 0;
    // The content of a small attribute with the trailing newline removed; error when unreadable.
    virtual Result<QString> readAttribute(const QString &relativePath) const = 0;
    virtual bool exists(const QString &relativePath) const = 0;

    // The one way to change the host: one value, one write; 0 or the errno of the write.
    virtual int write(const QString &relativePath, const QByteArray &value) = 0;

    // The persistent configuration (udev rules under <root>/etc, docs/binding.md): the
    // overrides it sets at boot (address -> driver), and one locked read-modify-write of the
    // whole file (`clear` before `set`). The file is written whole, atomically, node-side.
    virtual Result<QMap<QString, QString>> persistedOverrides() const = 0;
    virtual Status updatePersistence(const QMap<QString, QString> &set, const QStringList &clear) = 0;
};

} // namespace passdeck
