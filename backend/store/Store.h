#pragma once

#include "core/Error.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace passdeck {

// The state store: a Qt Sql database (SQLite by default; DESIGN.md §3.4), created and migrated
// by numbered steps (see Schema).
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
    static Result<std::shared_ptr<Store>> open(const QString &path);
    // <AppDataLocation>/passdeck.db
    static QString defaultPath();

    const QString &path() const { return m_path; }
    int schemaVersion() const;

    // This thread's connection (opened on demand). Check isOpen() / lastError on failure.
    QSqlDatabase connection() const;
    Result<QSqlDatabase> checkedConnection() const;
    void closeThreadConnection() const;

    // Write transactions take the write lock up front (BEGIN IMMEDIATE on SQLite) so that two
    // processes never both read "one device free" and then both allocate it; SQLITE_BUSY is
    // retried until the busy timeout runs out. Prefer StoreTransaction over calling these.
    Status beginWrite() const;
    Status commit() const;
    void rollback() const;

    static constexpr int busyTimeoutMs = 10000;

private:
    explicit Store(QString path);
    // Builds a new store at a temporary name and links it to `file` complete.
    static Status create(const QString &file);
    Status configure(QSqlDatabase &db) const;
    QString threadConnectionName() const;

    QString m_path;
    QString m_connectionPrefix;
};

} // namespace passdeck
