#include "store/PostgresDialect.h"

#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Store", text);
}

Error uriError(const QString &uri, const QString &why)
{
    return Error::make(ErrorCode::StoreUri, tr("Opening the state store %1").arg(uri), why,
                       tr("Write it as postgresql://USER@HOST:PORT/DBNAME (or postgresql://USER@/DBNAME?host=/socket/dir); "
                          "keep the password in ~/.pgpass or the file PGPASSFILE names."));
}

bool exec(QSqlDatabase &db, const QString &sql, QSqlError *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError();
    return false;
}

} // namespace

PostgresDialect::PostgresDialect(Address address)
    : m_address(std::move(address))
{
}

Result<PostgresDialect::Address> PostgresDialect::parse(const QString &uri)
{
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid())
        return uriError(uri, tr("it is not a valid URI: %1").arg(url.errorString()));
    if (url.scheme() != QLatin1String("postgresql") && url.scheme() != QLatin1String("postgres"))
        return uriError(uri, tr("only postgresql:// URIs name a database server"));
    // Passwords on the command line end up in shell histories and `ps` output.
    if (!url.password().isEmpty() || url.userInfo().contains(u':'))
        return uriError(url.toString(QUrl::RemoveUserInfo), tr("it contains a password"));
    Address a;
    a.user = url.userName();
    a.host = url.host();
    a.port = url.port(5432);
    a.database = url.path().mid(1);
    const QUrlQuery query(url);
    for (const auto &item : query.queryItems(QUrl::FullyDecoded)) {
        if (item.first == QLatin1String("host"))
            a.host = item.second;
        else
            return uriError(uri, tr("the parameter '%1' is not supported (only host=)").arg(item.first));
    }
    if (a.database.isEmpty() || a.database.contains(u'/'))
        return uriError(uri, tr("it names no database (…/DBNAME)"));
    if (a.user.isEmpty())
        return uriError(uri, tr("it names no user (postgresql://USER@…)"));
    if (a.host.isEmpty())
        return uriError(uri, tr("it names no host (…@HOST:PORT/…, or ?host=/socket/dir)"));
    return a;
}

QString PostgresDialect::driverName() const
{
    return QStringLiteral("QPSQL");
}

QString PostgresDialect::location() const
{
    if (m_address.host.startsWith(u'/'))
        return QStringLiteral("postgresql://%1@/%2?host=%3").arg(m_address.user, m_address.database, m_address.host);
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(m_address.user, m_address.host).arg(m_address.port).arg(m_address.database);
}

void PostgresDialect::prepare(QSqlDatabase &db) const
{
    db.setHostName(m_address.host);
    db.setPort(m_address.port);
    db.setUserName(m_address.user);
    db.setDatabaseName(m_address.database);
    db.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=passdeck"));
}

Status PostgresDialect::configure(QSqlDatabase &db) const
{
    const QString what = tr("Configuring the state store %1").arg(location());
    QSqlError error;
    // Every transaction serialisable (reads too); waiting for a lock ends like SQLite's busy
    // timeout; notices (IF EXISTS…) stay out of the log; timestamps are written as UTC text.
    for (const QString &sql : {QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                               QStringLiteral("SET lock_timeout = %1").arg(lockTimeoutMs),
                               QStringLiteral("SET client_min_messages = warning"),
                               QStringLiteral("SET TIME ZONE 'UTC'")}) {
        if (!exec(db, sql, &error))
            return StoreQuery::sqlError(error, what);
    }
    return {};
}

Result<bool> PostgresDialect::isConfigured(const QSqlDatabase &db) const
{
    QSqlQuery q(db); // SHOW cannot be prepared
    if (!q.exec(QStringLiteral("SHOW default_transaction_isolation")))
        return StoreQuery::sqlError(q.lastError(), tr("Checking the store connection"));
    return q.next() && q.value(0).toString() == QLatin1String("serializable");
}

Status PostgresDialect::beginWrite(QSqlDatabase &db, const QString &what) const
{
    QSqlError error;
    // The lock first, outside the transaction: a transaction's snapshot is taken by its first
    // statement, and one taken while waiting would not see the previous writer's change.
    if (!exec(db, QStringLiteral("SELECT pg_advisory_lock(%1)").arg(writeLockKey), &error))
        return StoreQuery::sqlError(error, what);
    if (!exec(db, QStringLiteral("BEGIN ISOLATION LEVEL SERIALIZABLE"), &error)) {
        exec(db, QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(writeLockKey), nullptr);
        return StoreQuery::sqlError(error, what);
    }
    return {};
}

Status PostgresDialect::commit(QSqlDatabase &db, const QString &what) const
{
    QSqlError error;
    const bool ok = exec(db, QStringLiteral("COMMIT"), &error);
    // A failed COMMIT rolled the transaction back: the lock goes either way.
    exec(db, QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(writeLockKey), nullptr);
    if (!ok)
        return StoreQuery::sqlError(error, what);
    return {};
}

void PostgresDialect::rollback(QSqlDatabase &db) const
{
    exec(db, QStringLiteral("ROLLBACK"), nullptr);
    exec(db, QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(writeLockKey), nullptr);
}

// Not the session's SERIALIZABLE: a read-only REPEATABLE READ transaction is one snapshot
// and takes no predicate locks, so it can never make a writer's transaction fail.
QString PostgresDialect::beginReadStatement() const
{
    return QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

bool PostgresDialect::isMissingDatabase(const QString &openError)
{
    return openError.contains(QLatin1String("does not exist")) && openError.contains(QLatin1String("database"));
}

Status PostgresDialect::createDatabase() const
{
    const QString what = tr("Creating the database '%1' for the state store %2").arg(m_address.database, location());
    const QString name = QStringLiteral("passdeck-createdb-%1").arg(quintptr(this));
    Status result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driverName(), name);
        prepare(db);
        db.setDatabaseName(QStringLiteral("postgres"));
        if (!db.open()) {
            result = Error::make(ErrorCode::StoreOpen, what,
                                 tr("the database does not exist, and the server's maintenance database 'postgres' cannot be "
                                    "reached to create it: %1").arg(db.lastError().text().trimmed()),
                                 tr("Create it on the server (createdb -O %1 %2), then open the store again.")
                                     .arg(m_address.user, m_address.database));
        } else {
            // An identifier cannot be bound: quoted, with its quotes doubled.
            const QString quoted = QLatin1Char('"') + QString(m_address.database).replace(QLatin1Char('"'), QLatin1String("\"\""))
                + QLatin1Char('"');
            QSqlQuery q(db);
            // Another Passdeck may have created it meanwhile (42P04 duplicate_database): fine.
            if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(quoted)) && q.lastError().nativeErrorCode() != QLatin1String("42P04")) {
                result = Error::make(ErrorCode::StoreOpen, what,
                                     tr("the database does not exist and user '%1' may not create it: %2")
                                         .arg(m_address.user, q.lastError().databaseText().trimmed()),
                                     tr("Ask the database administrator to create it (createdb -O %1 %2) or to allow %1 to "
                                        "create databases (ALTER ROLE %1 CREATEDB), then open the store again.")
                                         .arg(m_address.user, m_address.database));
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

QString PostgresDialect::idColumn() const
{
    return QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
}

QString PostgresDialect::adaptDdl(const QString &sql) const
{
    // SQLite never enforced VARCHAR(n); the schema's CHECKs carry the limits that matter
    // (names: 128 characters), so they, not a "value too long" error, refuse on both.
    static const QRegularExpression varchar(QStringLiteral("VARCHAR\\(\\d+\\)"));
    return QString(sql).replace(varchar, QStringLiteral("TEXT"));
}

QStringList PostgresDialect::refusingTrigger(const QString &name, const QString &event, const QString &table,
                                             const QString &condition, const QString &message) const
{
    // The same condition as SQLite's WHEN, in a plpgsql function; check_violation (23514) so
    // that it is reported like every other broken rule.
    return {QStringLiteral("CREATE OR REPLACE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $fn$"
                           " BEGIN IF %2 THEN RAISE EXCEPTION '%3' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END"
                           " $fn$").arg(name, condition, message),
            QStringLiteral("CREATE TRIGGER %1 BEFORE %2 ON %3 FOR EACH ROW EXECUTE FUNCTION %1()").arg(name, event, table)};
}

QStringList PostgresDialect::dropTrigger(const QString &name, const QString &table) const
{
    return {QStringLiteral("DROP TRIGGER %1 ON %2").arg(name, table), QStringLiteral("DROP FUNCTION %1()").arg(name)};
}

QStringList PostgresDialect::changeNotifications(const QStringList &tables) const
{
    // Statement-level: one notification per statement, and PostgreSQL folds equal ones of a
    // transaction into one, delivered at COMMIT (never for a rolled-back change). Any writer
    // (another Passdeck, psql) is seen the same way.
    QStringList out{QStringLiteral("CREATE OR REPLACE FUNCTION passdeck_notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$"
                                   " BEGIN PERFORM pg_notify('%1', TG_TABLE_NAME); RETURN NULL; END $fn$")
                        .arg(QLatin1String(changeChannel))};
    for (const QString &table : tables)
        out << QStringLiteral("CREATE TRIGGER %1_notify AFTER INSERT OR UPDATE OR DELETE ON %1 FOR EACH STATEMENT"
                              " EXECUTE FUNCTION passdeck_notify_change()").arg(table);
    return out;
}

bool PostgresDialect::hasTable(const QSqlDatabase &db, const QString &table) const
{
    auto found = StoreQuery::scalar(db, QStringLiteral("SELECT to_regclass(?) IS NOT NULL"), {table}, tr("Reading the store's tables"));
    return found && found->toBool();
}

} // namespace passdeck
