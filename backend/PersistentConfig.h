#pragma once

#include "Error.h"
#include "HostRoot.h"

#include <QMap>
#include <QString>

namespace passdeck {

// How a binding survives a reboot, in the manner of driverctl: one udev rule per device sets
// its driver_override when the device appears at boot, so the kernel probes it straight to that
// driver (docs/binding.md, "Persistence across reboots"):
//   <root>/etc/udev/rules.d/61-passdeck-vfio.rules
//     ACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:01:00.0", ATTR{driver_override}="vfio-pci"
//   <root>/etc/modules-load.d/passdeck-vfio.conf  ("vfio-pci", while any override exists)
// Files are replaced atomically; the rules file is parsed strictly (a line Passdeck did not
// write is an error naming the line, never silently dropped).
class PersistentConfig
{
public:
    explicit PersistentConfig(const HostRoot &root);

    static QString rulesRelativePath() { return QStringLiteral("etc/udev/rules.d/61-passdeck-vfio.rules"); }
    static QString modulesRelativePath() { return QStringLiteral("etc/modules-load.d/passdeck-vfio.conf"); }

    // address -> driver; empty when the file does not exist.
    Result<QMap<QString, QString>> overrides() const;
    Status setOverride(const QString &address, const QString &driver);
    Status clearOverride(const QString &address);
    // Many devices at once, with one read and at most one rewrite of the file (an apply of
    // hundreds of devices must not rewrite it per device). `clear` is applied before `set`.
    Status update(const QMap<QString, QString> &set, const QStringList &clear = {});

private:
    Status write(const QMap<QString, QString> &overrides) const;

    HostRoot m_root;
};

} // namespace passdeck
