#pragma once

#include "core/Error.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <memory>

namespace passdeck {

// What one database needs that another does not (docs/store.md, "Databases"): how a connection
// is made and set up, how a write transaction starts and ends, and the DDL spellings that differ.
// Everything else (tables, constraints, queries) is written once in SQL both databases accept.
// Which errors mean "wait" or "try again" is StoreQuery's: SQLite reports numbers, PostgreSQL
// five-character SQLSTATEs, so one function tells them apart. One subclass per database.
class SqlDialect
{
public:
    virtual ~SqlDialect() = default;

    // The dialect for a --db value: a postgresql:// (or postgres://) URI is PostgreSQL, anything
    // else an SQLite file path. A malformed URI is refused (code "store-uri").
    static Result<std::unique_ptr<SqlDialect>> forLocation(const QString &location);
    // The dialect of an open connection, by its Qt driver name ("QSQLITE", "QPSQL").
    static std::unique_ptr<SqlDialect> forDriver(const QString &driverName);
    static bool isUri(const QString &location);

    virtual QString driverName() const = 0;
    // Where the store is, for messages ("/path/passdeck.db", "postgresql://u@h:5432/db").
    virtual QString location() const = 0;

    // Sets driver-specific parameters on a connection before open().
    virtual void prepare(QSqlDatabase &db) const = 0;
    // Runs once a connection is open (pragmas, session settings).
    virtual Status configure(QSqlDatabase &db) const = 0;
    // Whether a connection still has the settings the invariants rely on.
    virtual Result<bool> isConfigured(const QSqlDatabase &db) const = 0;

    // Starts a write transaction that holds the store's write lock before anything is read, so
    // two processes never both read "one device free" and both take it.
    virtual Status beginWrite(QSqlDatabase &db, const QString &what) const = 0;
    // Ends it (COMMIT / ROLLBACK) and lets go of anything beginWrite took.
    virtual Status commit(QSqlDatabase &db, const QString &what) const = 0;
    virtual void rollback(QSqlDatabase &db) const = 0;
    // Starts a read-only transaction: one snapshot for a read made of several statements
    // (StoreReadSnapshot), taking no lock that would hold up a writer. Ended by ROLLBACK.
    virtual QString beginReadStatement() const = 0;

    // DDL. The auto-numbered primary key column.
    virtual QString idColumn() const = 0;
    // A statement of a schema step as this database needs it (column types).
    virtual QString adaptDdl(const QString &sql) const { return sql; }
    // A row trigger that refuses the change when `condition` (an SQL expression over NEW) holds.
    // `event` is "INSERT", "UPDATE" or "UPDATE OF col".
    virtual QStringList refusingTrigger(const QString &name, const QString &event, const QString &table,
                                        const QString &condition, const QString &message) const = 0;
    virtual QStringList dropTrigger(const QString &name, const QString &table) const = 0;
    // Statements that make every committed change to `tables` tell listening sessions which
    // table changed (PostgreSQL: NOTIFY passdeck_changes); none where the database cannot
    // (SQLite: other processes poll PRAGMA data_version instead). See StoreWatcher.
    virtual QStringList changeNotifications(const QStringList &tables) const
    {
        Q_UNUSED(tables);
        return {};
    }
    virtual bool hasTable(const QSqlDatabase &db, const QString &table) const;
};

} // namespace passdeck
