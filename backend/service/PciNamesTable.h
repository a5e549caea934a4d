#pragma once

#include "core/Error.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

namespace passdeck {

// The store's pci_names rows (schema version 11; docs/store.md, "Listing devices"): each
// distinct (vendor, device, class) names triple once, referenced by devices.names_id.
class PciNamesTable
{
public:
    struct Names
    {
        QString vendor;
        QString device;
        QString className;
        bool operator==(const Names &other) const = default;
    };

    // Every row by id: the device listing's lookup.
    static Result<QHash<qint64, Names>> all(const QSqlDatabase &db, const QString &what);

    // For one write transaction (a refresh): the id of a triple, added when it is new. The rows
    // are read once, at the first call, inside the transaction, so under the store's write lock.
    explicit PciNamesTable(const QSqlDatabase &db);
    Result<qint64> idOf(const Names &names, const QString &what);

private:
    QSqlDatabase m_db;
    bool m_loaded = false;
    QHash<Names, qint64> m_ids;
};

size_t qHash(const PciNamesTable::Names &names, size_t seed = 0);

} // namespace passdeck
