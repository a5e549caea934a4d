#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QSqlError>

namespace passdeck {

StoreQuery::StoreQuery(const QSqlDatabase &db, const QString &sql)
    : m_query(db), m_db(db), m_sql(sql)
{
    // Results are read once, front to back: forward-only keeps SQLite from caching every row.
    m_query.setForwardOnly(true);
}

// Prepared at the first bound value. A statement that binds none is run as it is: on
// PostgreSQL a prepared statement costs two more round trips (PREPARE, then DEALLOCATE), which
// the listings felt (tests/bench/bench_store: the device listing's lookups). Such a statement
// carries no outside text: every value from outside is bound.
void StoreQuery::prepareOnce()
{
    if (m_state == State::Unprepared)
        m_state = m_query.prepare(m_sql) ? State::Prepared : State::PrepareFailed;
}

static QVariant normalized(const QVariant &value)
{
    if (value.typeId() == QMetaType::QString && value.toString().isNull())
        return QString(QLatin1String(""));
    return value;
}

StoreQuery &StoreQuery::bind(const QVariant &value)
{
    prepareOnce();
    m_query.addBindValue(normalized(value));
    return *this;
}

StoreQuery &StoreQuery::bindAt(int index, const QVariant &value)
{
    prepareOnce();
    m_query.bindValue(index, normalized(value));
    return *this;
}

Status StoreQuery::exec(const QString &what)
{
    bool ok = false;
    switch (m_state) {
    case State::Unprepared: ok = m_query.exec(m_sql); break;
    case State::Prepared: ok = m_query.exec(); break;
    case State::PrepareFailed: break;
    }
    if (!ok) {
        const QSqlError error = m_query.lastError();
        if (isLost(error)) {
            // A broken connection stays broken: closed, the next use opens a new one
            // (Store::connection), and the server already rolled its transaction back.
            m_query.finish();
            m_db.close();
        }
        return sqlError(error, what);
    }
    return {};
}

qint64 StoreQuery::returnedId()
{
    const qint64 id = m_query.next() ? m_query.value(0).toLongLong() : 0;
    // Done with the statement: SQLite keeps a stepped statement open until it is reset.
    m_query.finish();
    return id;
}

Result<QVariant> StoreQuery::scalar(const QSqlDatabase &db, const QString &sql,
                                    const QVariantList &values, const QString &what)
{
    StoreQuery q(db, sql);
    for (const QVariant &v : values)
        q.bind(v);
    if (Status s = q.exec(what); !s)
        return s.error();
    if (!q.next())
        return QVariant();
    return q.value(0);
}

Status StoreQuery::run(const QSqlDatabase &db, const QString &sql, const QVariantList &values,
                       const QString &what)
{
    StoreQuery q(db, sql);
    for (const QVariant &v : values)
        q.bind(v);
    return q.exec(what);
}

namespace {

// PostgreSQL reports five-character SQLSTATEs; SQLite numbers of at most four digits.
QString sqlState(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    return code.size() == 5 ? code : QString();
}

} // namespace

bool StoreQuery::isConflict(const QSqlError &error)
{
    const QString state = sqlState(error);
    return state == QLatin1String("40001") || state == QLatin1String("40P01");
}

bool StoreQuery::isConflict(const Error &error)
{
    return error.code == ErrorCode::StoreConflict;
}

bool StoreQuery::isLost(const QSqlError &error)
{
    const QString state = sqlState(error);
    // Class 08 (connection exception), 57P01-57P03 (the server shut the backend down).
    if (state.startsWith(QLatin1String("08")) || state == QLatin1String("57P01") || state == QLatin1String("57P02")
        || state == QLatin1String("57P03"))
        return true;
    if (!state.isEmpty())
        return false;
    // libpq reports a dead socket without an SQLSTATE.
    const QString text = error.databaseText() + QLatin1Char(' ') + error.driverText();
    return text.contains(QLatin1String("server closed the connection"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("no connection to the server"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("terminating connection"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("could not receive data from server"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("could not send data to server"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("connection to server"), Qt::CaseInsensitive);
}

bool StoreQuery::isBusy(const QSqlError &error)
{
    const QString state = sqlState(error);
    if (!state.isEmpty())
        return state == QLatin1String("55P03");
    // SQLITE_BUSY (5) / SQLITE_LOCKED (6) and their extended codes.
    const int code = error.nativeErrorCode().toInt();
    if ((code & 0xff) == 5 || (code & 0xff) == 6)
        return true;
    const QString text = error.databaseText();
    return text.contains(QLatin1String("database is locked")) || text.contains(QLatin1String("database table is locked"));
}

Error StoreQuery::sqlError(const QSqlError &error, const QString &what)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    if (isLost(error)) {
        return Error::make(ErrorCode::StoreLost, what,
                           QCoreApplication::translate("Store", "the connection to the state store was lost (%1); the server "
                                                                "rolled back what this operation had not saved yet").arg(text.trimmed()),
                           QCoreApplication::translate("Store", "Check that the database server runs and can be reached, then try "
                                                                "again: the next operation connects anew."));
    }
    if (isConflict(error)) {
        return Error::make(ErrorCode::StoreConflict, what,
                           QCoreApplication::translate("Store", "the change collided with another administrator's change and was not made (%1)").arg(text.trimmed()),
                           QCoreApplication::translate("Store", "Reload the lists and try again."));
    }
    if (sqlState(error).startsWith(QLatin1String("23"))
        || text.contains(QLatin1String("constraint"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("RAISE"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("exceeds"), Qt::CaseInsensitive)) {
        return Error::make(ErrorCode::Constraint, what,
                           QCoreApplication::translate("Store", "the store refused the change because it would break a rule (%1)").arg(text),
                           QCoreApplication::translate("Store", "Reload the lists; another change may have happened meanwhile."));
    }
    if (isBusy(error)) {
        return Error::make(ErrorCode::Busy, what,
                           QCoreApplication::translate("Store", "the state store stayed locked by another Passdeck process (%1)").arg(text),
                           QCoreApplication::translate("Store", "Wait for the other operation to finish and try again."));
    }
    return Error::make(ErrorCode::Sql, what,
                       QCoreApplication::translate("Store", "the state store reported an error: %1").arg(text),
                       QCoreApplication::translate("Store", "Check that the store file is readable and writable and not damaged."));
}

} // namespace passdeck
