#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QSqlDatabase>

namespace passdeck {

// The PCI Devices listing that every dashboard shows, with what holds each device (its group,
// tenant, VM). It is the widest listing (10,000 devices in tests/bench/bench_store), so it is
// read the way the databases' drivers are fastest (docs/store.md, "Listing devices"): few values
// per device (names as an id, small integers in pairs), what holds them as three narrow queries,
// the names of nodes, groups, tenants and PCI names as lookups, all in one snapshot; the
// statuses are derived here, once.
class DeviceListing
{
public:
    // nodeId 0: all; groupId > 0: only devices of that host group (rules) or tenant group (pool).
    // Sorted by node name, then address.
    static Result<QList<DeviceRecord>> read(const QSqlDatabase &db, qint64 nodeId, qint64 groupId, bool tenantGroup);
};

} // namespace passdeck
