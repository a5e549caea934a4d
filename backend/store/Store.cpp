#include "store/Store.h"

#include "store/Schema.h"
#include "store/StoreQuery.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <unistd.h>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Store", text);
}

QAtomicInt storeCounter;

// Connection names carry a serial number per thread, never reused: thread ids are reused by the
// OS, and a new thread that found the name of a dead thread's connection would be refused by Qt
// ("requested database does not belong to the calling thread") on every query.
std::atomic<quint64> threadCounter{1};

// The connections this thread opened; removed when the thread ends (pool threads that expire
// never call closeThreadConnection()). Runs before Qt's own per-thread data goes away.
struct ThreadConnections
{
    quint64 serial = threadCounter.fetch_add(1, std::memory_order_relaxed);
    QStringList names;

    ~ThreadConnections()
    {
        // No QSqlDatabase handle is alive here: removeDatabase closes the connection itself.
        for (const QString &name : std::as_const(names))
            if (QSqlDatabase::contains(name))
                QSqlDatabase::removeDatabase(name);
    }
};

ThreadConnections &threadConnections()
{
    thread_local ThreadConnections connections;
    return connections;
}

bool isSqlite(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QSQLITE");
}

} // namespace

Store::Store(QString path)
    : m_path(std::move(path)),
      m_connectionPrefix(QStringLiteral("passdeck-%1-").arg(storeCounter.fetchAndAddRelaxed(1)))
{
}

Store::~Store()
{
    // Every thread's connection; a connection must not outlive its Store. Not through
    // QSqlDatabase::database(): that refuses (with a warning) connections of other threads;
    // removeDatabase closes them itself.
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &name : names) {
        if (name.startsWith(m_connectionPrefix))
            QSqlDatabase::removeDatabase(name);
    }
}

QString Store::defaultPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/passdeck");
    return dir + QStringLiteral("/passdeck.db");
}

Result<std::shared_ptr<Store>> Store::open(const QString &path)
{
    const QString file = path.isEmpty() ? defaultPath() : path;
    const QFileInfo info(file);
    if (!QDir().mkpath(info.absolutePath())) {
        return Error::make(ErrorCode::StoreDir, tr("Opening the state store %1").arg(file),
                           tr("the directory %1 cannot be created").arg(info.absolutePath()),
                           tr("Choose a writable location with --db FILE."));
    }
    // A new store is built under a temporary name and linked into place complete, so that a
    // store file is never seen empty while another process creates it (below, empty = refused).
    if (!info.exists()) {
        if (Status s = create(info.absoluteFilePath()); !s)
            return s.error();
    }
    // SQLite would silently make an empty file a new store; an existing empty file is not a
    // store (a truncated copy, a failed restore), and its owner should decide what it is.
    if (const QFileInfo now(file); now.isFile() && now.size() == 0) {
        return Error::make(ErrorCode::StoreEmpty, tr("Opening the state store %1").arg(file),
                           tr("the file exists but is empty (0 bytes): it is not a Passdeck store"),
                           tr("If it should hold your store, restore it from a backup. To start a new store, delete the "
                              "empty file or give --db the name of a file that does not exist yet."));
    }
    std::shared_ptr<Store> store(new Store(info.absoluteFilePath()));
    auto db = store->checkedConnection();
    if (!db)
        return db.error();
    if (Status s = store->beginWrite(); !s)
        return s.error();
    if (Status s = Schema::migrate(*db); !s) {
        store->rollback();
        return s.error();
    }
    if (Status s = store->commit(); !s)
        return s.error();
    return store;
}

Status Store::create(const QString &file)
{
    const QString what = tr("Creating the state store %1").arg(file);
    const QString tmp = file + QStringLiteral(".new-%1").arg(::getpid());
    auto removeTmp = [&] {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
            QFile::remove(tmp + suffix);
    };
    removeTmp();
    {
        std::shared_ptr<Store> store(new Store(tmp));
        Status built = [&]() -> Status {
            auto db = store->checkedConnection();
            if (!db)
                return db.error();
            if (Status s = store->beginWrite(); !s)
                return s;
            if (Status s = Schema::migrate(*db); !s) {
                store->rollback();
                return s;
            }
            if (Status s = store->commit(); !s)
                return s;
            // Everything into the main file before it gets its name (the WAL stays behind).
            QSqlQuery q(*db);
            if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")))
                return StoreQuery::sqlError(q.lastError(), what);
            return {};
        }();
        if (!built) {
            store.reset();
            removeTmp();
            return built;
        }
    } // connections closed
    // link() never replaces: when another process created the store meanwhile, its file stays.
    if (::link(QFile::encodeName(tmp).constData(), QFile::encodeName(file).constData()) != 0 && errno != EEXIST) {
        const int err = errno;
        // A file system without hard links: rename, unless the store appeared meanwhile.
        if (QFileInfo::exists(file) || std::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(file).constData()) != 0) {
            removeTmp();
            if (QFileInfo::exists(file))
                return {};
            return Error::make(ErrorCode::StoreDir, what, tr("the file cannot be created: %1").arg(QString::fromLocal8Bit(strerror(err))),
                               tr("Choose a writable location with --db FILE."));
        }
    }
    removeTmp();
    return {};
}

int Store::schemaVersion() const
{
    auto v = Schema::version(connection());
    return v ? *v : -1;
}

QString Store::threadConnectionName() const
{
    return m_connectionPrefix + QString::number(threadConnections().serial);
}

QSqlDatabase Store::connection() const
{
    const QString name = threadConnectionName();
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name, true);
    ThreadConnections &mine = threadConnections();
    if (!mine.names.contains(name))
        mine.names.append(name);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
    if (db.open())
        (void)configure(db);
    return db;
}

Result<QSqlDatabase> Store::checkedConnection() const
{
    QSqlDatabase db = connection();
    if (!db.isOpen()) {
        return Error::make(ErrorCode::StoreOpen, tr("Opening the state store %1").arg(m_path),
                           db.lastError().text(),
                           tr("Check that the file is a Passdeck store and that you may read and write it."));
    }
    // configure() failing leaves foreign keys off, which would silently drop the invariants.
    auto fk = StoreQuery::scalar(db, QStringLiteral("PRAGMA foreign_keys"), {}, tr("Checking the store connection"));
    if (!fk)
        return fk.error();
    if (fk->toInt() != 1) {
        if (Status s = configure(db); !s)
            return s.error();
    }
    return db;
}

void Store::closeThreadConnection() const
{
    const QString name = threadConnectionName();
    threadConnections().names.removeAll(name);
    if (!QSqlDatabase::contains(name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

Status Store::configure(QSqlDatabase &db) const
{
    if (!isSqlite(db))
        return {};
    const QString what = tr("Configuring the state store %1").arg(m_path);
    QSqlQuery q(db);
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    if (!q.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(busyTimeoutMs)))
        return StoreQuery::sqlError(q.lastError(), what);
    if (!q.exec(QStringLiteral("PRAGMA foreign_keys = ON")))
        return StoreQuery::sqlError(q.lastError(), what);
    QDeadlineTimer deadline(busyTimeoutMs);
    while (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL"))) {
        if (!StoreQuery::isBusy(q.lastError()) || deadline.hasExpired())
            return StoreQuery::sqlError(q.lastError(), what);
        QThread::msleep(20);
    }
    q.finish();
    if (!q.exec(QStringLiteral("PRAGMA synchronous = NORMAL")))
        return StoreQuery::sqlError(q.lastError(), what);
    return {};
}

Status Store::beginWrite() const
{
    auto db = checkedConnection();
    if (!db)
        return db.error();
    const QString sql = isSqlite(*db) ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    QDeadlineTimer deadline(busyTimeoutMs);
    QSqlQuery q(*db);
    while (!q.exec(sql)) {
        // The busy handler already waited; WAL may still answer SQLITE_BUSY at once in some
        // lock states, so keep trying until our own deadline.
        if (!StoreQuery::isBusy(q.lastError()) || deadline.hasExpired())
            return StoreQuery::sqlError(q.lastError(), tr("Starting a change in the state store"));
        QThread::msleep(10);
    }
    return {};
}

Status Store::commit() const
{
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    QDeadlineTimer deadline(busyTimeoutMs);
    while (!q.exec(QStringLiteral("COMMIT"))) {
        if (!StoreQuery::isBusy(q.lastError()) || deadline.hasExpired())
            return StoreQuery::sqlError(q.lastError(), tr("Saving a change in the state store"));
        QThread::msleep(10);
    }
    return {};
}

void Store::rollback() const
{
    QSqlDatabase db = connection();
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK"));
}

} // namespace passdeck
