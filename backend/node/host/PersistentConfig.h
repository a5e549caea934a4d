#pragma once

#include "core/Error.h"
#include "node/host/HostRoot.h"

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
    // update() holds an flock on this file (next to the rules, not a *.rules name udev reads).
    static QString lockRelativePath() { return QStringLiteral("etc/udev/rules.d/.passdeck-vfio.lock"); }

    // address -> driver; empty when the file does not exist.
    Result<QMap<QString, QString>> overrides() const;
    // update() for one device.
    Status setOverride(const QString &address, const QString &driver);
    Status clearOverride(const QString &address);
    // Many devices at once, with one read and at most one rewrite of the file (an apply of
    // hundreds of devices must not rewrite it per device). `clear` is applied before `set`.
    // The read-modify-write holds an exclusive lock (lockRelativePath()), so concurrent updates
    // from several processes never drop each other's bindings. Removing the files when the last
    // binding goes is checked: a failed delete is an Error, not a silent success.
    Status update(const QMap<QString, QString> &set, const QStringList &clear = {});

private:
    struct LockGuard
    {
        int fd = -1;
        ~LockGuard() { release(); }
        void release();
    };
    Result<int> takeLock() const; // the locked descriptor
    Status write(const QMap<QString, QString> &overrides) const;

    HostRoot m_root;
};

} // namespace passdeck
