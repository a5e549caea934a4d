#pragma once

#include "core/Error.h"
#include "store/SqlDialect.h"

#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <memory>

namespace passdeck {

// The state store: a Qt Sql database, created and migrated by numbered steps (see Schema).
// SQLite by default (a file); PostgreSQL for a store several administrators share
// (a postgresql:// URI). What differs between the two is in SqlDialect (docs/store.md).
//
// Threading rule: a QSqlDatabase connection belongs to the thread that opened it. connection()
// returns this thread's named connection ("passdeck-<store>-<thread serial>", the serial never
// reused, unlike OS thread ids), opening it on first use with the same pragmas. A thread's
// connections are closed when the thread ends, by closeThreadConnection() or by the Store's
// destructor. One Store may be used from several threads, one operation at a time per thread.
class Store
{
public:
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Opens (creating the file and its directory when missing) and migrates to the current
    // schema. A file from a newer Passdeck is refused with "schema-too-new", an existing empty
    // file with "store-empty" (a new store is never seen empty: it is created complete).
    // `location` is an SQLite file path or postgresql://USER@HOST:PORT/DBNAME[?host=/socket/dir]
    // (the database must exist; its schema is made on first open).
    static Result<std::shared_ptr<Store>> open(const QString &location);
    // <AppDataLocation>/passdeck.db
    static QString defaultPath();

    // The file path, or the PostgreSQL URI (without a password).
    const QString &path() const { return m_path; }
    const SqlDialect &dialect() const { return *m_dialect; }
    bool isPostgres() const;
    int schemaVersion() const;

    // This thread's connection (opened on demand). Check isOpen() / lastError on failure.
    QSqlDatabase connection() const;
    Result<QSqlDatabase> checkedConnection() const;
    void closeThreadConnection() const;

    // Write transactions take the write lock up front (BEGIN IMMEDIATE on SQLite, an advisory
    // lock then BEGIN SERIALIZABLE on PostgreSQL) so that two processes never both read "one
    // device free" and then both allocate it; SQLITE_BUSY is retried until the busy timeout runs
    // out, a serialisation failure or deadlock (40001, 40P01) up to maxBeginAttempts times with
    // a growing pause, then reported (code "store-conflict"). Prefer StoreTransaction.
    Status beginWrite() const;
    Status commit() const;
    void rollback() const;
    // Whether `db` (a connection of this thread) has a write transaction open: then it already
    // is a snapshot, and no other transaction may begin on it (StoreReadSnapshot).
    static bool inWriteTransaction(const QSqlDatabase &db);

    static constexpr int busyTimeoutMs = 10000;
    static constexpr int maxBeginAttempts = 5;
    // A flow whose transaction collided mid-way or at COMMIT is re-run whole, in a new
    // transaction, up to this many times (ServiceContext::write), with conflictPause between.
    static constexpr int maxConflictAttempts = 5;
    // The pause before try `attempt + 1` after a conflict: 20, 40, 80, 160 ms.
    static void conflictPause(int attempt);

    // The connection of this thread broke (server restarted, backend terminated): it is closed
    // so that the next use opens a new one (the transaction it had is gone with it).
    void dropConnection() const;

    // Test hook: runs on the writer's thread right after every write transaction began (the
    // transaction is open, the write lock held). Tests force conflicts and lost connections there.
    static void setAfterBeginHook(std::function<void(const Store &)> hook);

private:
    Store(QString path, std::unique_ptr<SqlDialect> dialect);
    // Builds a new store at a temporary name and links it to `file` complete.
    static Status create(const QString &file);
    static Result<std::shared_ptr<Store>> openServer(const QString &uri);
    // Runs the schema steps above the store's version in one write transaction.
    Status migrate() const;
    QString threadConnectionName() const;
    Result<QSqlDatabase> checkedConnection(bool mayReconnect) const;

    QString m_path;
    std::unique_ptr<SqlDialect> m_dialect;
    QString m_connectionPrefix;
};

} // namespace passdeck
