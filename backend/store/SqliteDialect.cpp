#include "store/SqliteDialect.h"

#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Store", text);
}

// Runs sql until it is not refused with SQLITE_BUSY or the busy timeout has passed: the busy
// handler already waited, but WAL may still answer SQLITE_BUSY at once in some lock states.
bool execWaiting(QSqlQuery &q, const QString &sql, int pauseMs)
{
    QDeadlineTimer deadline(SqliteDialect::busyTimeoutMs);
    while (!q.exec(sql)) {
        if (!StoreQuery::isBusy(q.lastError()) || deadline.hasExpired())
            return false;
        QThread::msleep(pauseMs);
    }
    return true;
}

} // namespace

SqliteDialect::SqliteDialect(QString path)
    : m_path(std::move(path))
{
}

QString SqliteDialect::driverName() const
{
    return QStringLiteral("QSQLITE");
}

void SqliteDialect::prepare(QSqlDatabase &db) const
{
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
}

Status SqliteDialect::configure(QSqlDatabase &db) const
{
    const QString what = tr("Configuring the state store %1").arg(m_path);
    QSqlQuery q(db);
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    if (!q.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(busyTimeoutMs)))
        return StoreQuery::sqlError(q.lastError(), what);
    if (!q.exec(QStringLiteral("PRAGMA foreign_keys = ON")))
        return StoreQuery::sqlError(q.lastError(), what);
    if (!execWaiting(q, QStringLiteral("PRAGMA journal_mode = WAL"), 20))
        return StoreQuery::sqlError(q.lastError(), what);
    q.finish();
    if (!q.exec(QStringLiteral("PRAGMA synchronous = NORMAL")))
        return StoreQuery::sqlError(q.lastError(), what);
    return {};
}

Result<bool> SqliteDialect::isConfigured(const QSqlDatabase &db) const
{
    // Without foreign keys the invariants would silently not hold.
    auto fk = StoreQuery::scalar(db, QStringLiteral("PRAGMA foreign_keys"), {}, tr("Checking the store connection"));
    if (!fk)
        return fk.error();
    return fk->toInt() == 1;
}

Status SqliteDialect::beginWrite(QSqlDatabase &db, const QString &what) const
{
    QSqlQuery q(db);
    if (!execWaiting(q, QStringLiteral("BEGIN IMMEDIATE"), 10))
        return StoreQuery::sqlError(q.lastError(), what);
    return {};
}

Status SqliteDialect::commit(QSqlDatabase &db, const QString &what) const
{
    QSqlQuery q(db);
    if (!execWaiting(q, QStringLiteral("COMMIT"), 10))
        return StoreQuery::sqlError(q.lastError(), what);
    return {};
}

void SqliteDialect::rollback(QSqlDatabase &db) const
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK"));
}

// Deferred: the first read fixes what the transaction sees; in WAL mode readers never block
// the writer, nor the writer them.
QString SqliteDialect::beginReadStatement() const
{
    return QStringLiteral("BEGIN DEFERRED");
}

QString SqliteDialect::idColumn() const
{
    return QStringLiteral("INTEGER PRIMARY KEY");
}

QStringList SqliteDialect::refusingTrigger(const QString &name, const QString &event, const QString &table,
                                           const QString &condition, const QString &message) const
{
    return {QStringLiteral("CREATE TRIGGER %1 BEFORE %2 ON %3 WHEN %4 BEGIN SELECT RAISE(ABORT, '%5'); END")
                .arg(name, event, table, condition, message)};
}

QStringList SqliteDialect::dropTrigger(const QString &name, const QString &) const
{
    return {QStringLiteral("DROP TRIGGER %1").arg(name)};
}

} // namespace passdeck
