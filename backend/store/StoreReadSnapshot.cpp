#include "store/StoreReadSnapshot.h"

#include "store/SqlDialect.h"
#include "store/Store.h"
#include "store/StoreQuery.h"

#include <QSqlError>
#include <QSqlQuery>

namespace passdeck {

StoreReadSnapshot::StoreReadSnapshot(const QSqlDatabase &db, const QString &what)
    : m_db(db)
{
    if (Store::inWriteTransaction(m_db))
        return;
    QSqlQuery q(m_db);
    if (!q.exec(SqlDialect::forDriver(m_db.driverName())->beginReadStatement())) {
        m_begun = StoreQuery::sqlError(q.lastError(), what);
        return;
    }
    m_open = true;
}

StoreReadSnapshot::~StoreReadSnapshot()
{
    // A connection lost mid-read took its transaction with it.
    if (m_open && m_db.isOpen())
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
}

} // namespace passdeck
