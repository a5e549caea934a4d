#pragma once

#include "store/SqlDialect.h"

namespace passdeck {

// PostgreSQL through Qt's QPSQL driver, for a store several administrators share.
// --db postgresql://USER@HOST:PORT/DBNAME, or with ?host=/socket/dir for a unix socket. The
// password is never part of the URI: libpq reads it from PGPASSFILE or ~/.pgpass.
//
// Transactions run SERIALIZABLE. A write transaction first takes one session-level advisory
// lock (the store's write lock, what BEGIN IMMEDIATE is on SQLite) and only then begins, so its
// snapshot is taken after the previous writer committed: Passdeck writers never interleave, and
// the allocation rules' "read what is free, then take it" holds as on SQLite.
class PostgresDialect : public SqlDialect
{
public:
    struct Address
    {
        QString user;
        QString host; // a host name, or a directory holding the server's unix socket
        int port = 5432;
        QString database;
    };

    explicit PostgresDialect(Address address);
    // Parses postgresql://USER@HOST:PORT/DBNAME[?host=/socket/dir]; code "store-uri" when it
    // is not one (a password in it included).
    static Result<Address> parse(const QString &uri);

    QString driverName() const override;
    QString location() const override;
    const Address &address() const { return m_address; }

    void prepare(QSqlDatabase &db) const override;
    Status configure(QSqlDatabase &db) const override;
    Result<bool> isConfigured(const QSqlDatabase &db) const override;

    Status beginWrite(QSqlDatabase &db, const QString &what) const override;
    Status commit(QSqlDatabase &db, const QString &what) const override;
    void rollback(QSqlDatabase &db) const override;
    QString beginReadStatement() const override;

    // The database of the URI does not exist yet (an open failed saying so): create it through
    // the server's maintenance database `postgres`, as the URI's user. Refused with what to do
    // when that user may not create databases.
    static bool isMissingDatabase(const QString &openError);
    Status createDatabase() const;

    QString idColumn() const override;
    QString adaptDdl(const QString &sql) const override;
    QStringList refusingTrigger(const QString &name, const QString &event, const QString &table,
                                const QString &condition, const QString &message) const override;
    QStringList dropTrigger(const QString &name, const QString &table) const override;
    QStringList changeNotifications(const QStringList &tables) const override;
    // The channel the store's change triggers notify; the payload is the table's name.
    static constexpr const char *changeChannel = "passdeck_changes";
    bool hasTable(const QSqlDatabase &db, const QString &table) const override;

    // How long a writer waits for the write lock before giving up ("busy"), as on SQLite.
    static constexpr int lockTimeoutMs = 10000;
    // The key of the store's write lock (pg_advisory_lock): any constant, the same in every
    // Passdeck; "passdek" in ASCII.
    static constexpr qint64 writeLockKey = 0x7061737364656bLL;

private:
    Address m_address;
};

} // namespace passdeck
