#pragma once

#include "Error.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace passdeck {

class NodeHost;

// Puts journaled devices back exactly as they were: each device to its own original driver and
// driver_override, nothing else. Unlike a new bind plan it never pulls in the rest of an IOMMU
// group and never lets the kernel choose a driver, so a device that was already on vfio-pci
// (held by a running VM) is not bounced through a host driver (DESIGN.md §3.2).
class DriverRestore
{
public:
    // originalDrivers: address -> driver ("" = none); originalOverrides: address ->
    // driver_override ("" or "(null)" = none; a missing entry is read as none). Every device is
    // tried; the Error names the first that failed, and every failure is in its why.
    static Status restore(NodeHost &host, const QMap<QString, QString> &originalDrivers,
                          const QMap<QString, QString> &originalOverrides);
    // The devices whose driver now differs from originalDrivers (or whose address is invalid).
    static QStringList notRestored(const NodeHost &host, const QMap<QString, QString> &originalDrivers);

private:
    static Status restoreOne(NodeHost &host, const QString &address, const QString &driver, const QString &override);
};

} // namespace passdeck
