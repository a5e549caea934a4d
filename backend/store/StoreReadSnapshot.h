#pragma once

#include "core/Error.h"

#include <QSqlDatabase>

namespace passdeck {

// One state of the store for a read made of several statements (a listing read as a few
// queries): a read-only transaction from construction to destruction, ended by ROLLBACK since
// it has nothing to keep. Inside a write transaction on the same connection it does nothing:
// that transaction already is one snapshot, and a second BEGIN would fail on SQLite and, on
// PostgreSQL, only warn, leaving this object's ROLLBACK to undo the writer's change.
class StoreReadSnapshot
{
public:
    StoreReadSnapshot(const QSqlDatabase &db, const QString &what);
    ~StoreReadSnapshot();
    StoreReadSnapshot(const StoreReadSnapshot &) = delete;
    StoreReadSnapshot &operator=(const StoreReadSnapshot &) = delete;

    // The result of BEGIN; nothing may be read in the snapshot when this failed.
    const Status &begun() const { return m_begun; }

private:
    QSqlDatabase m_db;
    Status m_begun;
    bool m_open = false;
};

} // namespace passdeck
