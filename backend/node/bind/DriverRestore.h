#pragma once

#include "core/Error.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace passdeck {

class HostAccess;

// The one way to put a device back (the binder's rollback and the journal's recovery both use
// it). Puts journaled devices back exactly as they were: each device to its own original driver and
// driver_override, nothing else. Unlike a new bind plan it never pulls in the rest of an IOMMU
// group and never lets the kernel choose a driver, so a device that was already on vfio-pci
// (held by a running VM) is not bounced through a host driver (docs/binding.md).
class DriverRestore
{
public:
    // originalDrivers: address -> driver ("" = none); originalOverrides: address ->
    // driver_override ("" or "(null)" = none; a missing entry is read as none). Every device is
    // tried; the Error names the first that failed, and every failure is in its why.
    static Status restore(HostAccess &host, const QMap<QString, QString> &originalDrivers,
                          const QMap<QString, QString> &originalOverrides);
    // Makes the persistent configuration (the udev rules, docs/binding.md) agree with the
    // restored drivers: a device put back on vfio-pci keeps its rule, any other loses it, so
    // the next boot does not finish a move the store never recorded. Written only if it differs.
    static Status restorePersistence(HostAccess &host, const QMap<QString, QString> &originalDrivers);
    // The devices whose driver now differs from originalDrivers (or whose address is invalid).
    static QStringList notRestored(const HostAccess &host, const QMap<QString, QString> &originalDrivers);

    // One device back to `driver` ("" = none) and `override`: unbind, pin the override to the
    // original driver, bind it by name (drivers_probe when the driver refuses a manual bind),
    // then the original override; each write retried once (this is the last line of defence),
    // and the driver verified afterwards. An override naming another driver than a non-empty
    // original one is a leftover of a half-done move and is cleared (the driver could not bind
    // otherwise). The address and the names are validated first: they are journal data.
    static Status restoreDevice(HostAccess &host, const QString &address, const QString &driver, const QString &override);
};

} // namespace passdeck
