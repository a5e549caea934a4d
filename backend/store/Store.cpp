#include "store/Store.h"

#include "store/PostgresDialect.h"
#include "store/Schema.h"
#include "store/SqliteDialect.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

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
    QStringList writing; // those with a write transaction open (Store::inWriteTransaction)

    ~ThreadConnections()
    {
        // No QSqlDatabase handle is alive here: removeDatabase closes the connection itself.
        for (const QString &name : std::as_const(names))
            if (QSqlDatabase::contains(name))
                QSqlDatabase::removeDatabase(name);
    }
};

std::function<void(const Store &)> &afterBeginHook()
{
    static std::function<void(const Store &)> hook;
    return hook;
}

ThreadConnections &threadConnections()
{
    thread_local ThreadConnections connections;
    return connections;
}

} // namespace

Store::Store(QString path, std::unique_ptr<SqlDialect> dialect)
    : m_path(std::move(path)),
      m_dialect(std::move(dialect)),
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

Result<std::shared_ptr<Store>> Store::open(const QString &location)
{
    if (SqlDialect::isUri(location))
        return openServer(location);
    const QString file = location.isEmpty() ? defaultPath() : location;
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
    const QString path = info.absoluteFilePath();
    std::shared_ptr<Store> store(new Store(path, std::make_unique<SqliteDialect>(path)));
    if (Status s = store->migrate(); !s)
        return s.error();
    return store;
}

Result<std::shared_ptr<Store>> Store::openServer(const QString &uri)
{
    auto dialect = SqlDialect::forLocation(uri);
    if (!dialect)
        return dialect.error();
    const QString location = dialect.value()->location();
    if (!QSqlDatabase::isDriverAvailable(dialect.value()->driverName())) {
        return Error::make(ErrorCode::StoreOpen, tr("Opening the state store %1").arg(location),
                           tr("Qt's PostgreSQL driver (QPSQL) is not installed"),
                           tr("Install the package libqt6sql6-psql, or give --db a file for an SQLite store."));
    }
    std::shared_ptr<Store> store(new Store(location, std::move(dialect).value()));
    // A database that does not exist yet is created (when the user may), then opened.
    const bool missing = [&] {
        QSqlDatabase db = store->connection();
        return !db.isOpen() && PostgresDialect::isMissingDatabase(db.lastError().text());
    }();
    if (missing) {
        store->closeThreadConnection();
        if (Status s = static_cast<const PostgresDialect &>(store->dialect()).createDatabase(); !s)
            return s.error();
    }
    if (Status s = store->migrate(); !s)
        return s.error();
    return store;
}

Status Store::migrate() const
{
    auto db = checkedConnection();
    if (!db)
        return db.error();
    if (Status s = beginWrite(); !s)
        return s;
    if (Status s = Schema::migrate(*db); !s) {
        rollback();
        return s;
    }
    return commit();
}

bool Store::isPostgres() const
{
    return m_dialect->driverName() == QLatin1String("QPSQL");
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
        std::shared_ptr<Store> store(new Store(tmp, std::make_unique<SqliteDialect>(tmp)));
        Status built = [&]() -> Status {
            if (Status s = store->migrate(); !s)
                return s;
            auto db = store->checkedConnection();
            if (!db)
                return db.error();
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
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        // Closed after the connection was lost: a new one, set up like the first — but not
        // while this thread's transaction is still being unwound, or what its body wrote after
        // the loss would land outside any transaction.
        if (!db.isOpen() && !StoreTransaction::openOnThisThread() && db.open())
            (void)m_dialect->configure(db);
        return db;
    }
    ThreadConnections &mine = threadConnections();
    if (!mine.names.contains(name))
        mine.names.append(name);
    QSqlDatabase db = QSqlDatabase::addDatabase(m_dialect->driverName(), name);
    m_dialect->prepare(db);
    if (db.open())
        (void)m_dialect->configure(db);
    return db;
}

Result<QSqlDatabase> Store::checkedConnection() const
{
    return checkedConnection(true);
}

Result<QSqlDatabase> Store::checkedConnection(bool mayReconnect) const
{
    QSqlDatabase db = connection();
    if (!db.isOpen()) {
        return Error::make(ErrorCode::StoreOpen, tr("Opening the state store %1").arg(m_path),
                           db.lastError().text(),
                           isPostgres() ? tr("Check that the server runs, that the database exists and that the user may use it "
                                             "(a password comes from ~/.pgpass or PGPASSFILE).")
                                        : tr("Check that the file is a Passdeck store and that you may read and write it."));
    }
    // configure() failing would leave foreign keys off (SQLite) or transactions not
    // serialisable (PostgreSQL), which would silently drop the invariants.
    auto configured = m_dialect->isConfigured(db);
    if (!configured) {
        // Found dead (a restarted server, a terminated backend): nothing runs on it, so a new
        // connection may take its place once — not while a transaction of this thread runs.
        if (configured.error().code == ErrorCode::StoreLost && mayReconnect && !StoreTransaction::openOnThisThread()) {
            dropConnection();
            return checkedConnection(false);
        }
        return configured.error();
    }
    if (!*configured) {
        if (Status s = m_dialect->configure(db); !s)
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

Status Store::beginWrite() const
{
    auto checked = checkedConnection();
    if (!checked)
        return checked.error();
    QSqlDatabase db = checked.value();
    const QString what = tr("Starting a change in the state store");
    bool reconnected = false;
    // Serialisation failures and deadlocks (PostgreSQL) are retried with a growing pause; a
    // busy database was already waited for by the dialect.
    for (int attempt = 1;; ++attempt) {
        Status s = m_dialect->beginWrite(db, what);
        if (s) {
            threadConnections().writing.append(db.connectionName());
            if (const auto &hook = afterBeginHook())
                hook(*this);
            return s;
        }
        if (s.error().code == ErrorCode::StoreLost && !reconnected) {
            // The connection died since its last use (a restarted server): nothing had begun
            // yet, so a new connection may safely start the transaction once more.
            reconnected = true;
            dropConnection();
            auto again = checkedConnection();
            if (!again)
                return again.error();
            db = again.value();
            --attempt;
            continue;
        }
        if (!StoreQuery::isConflict(s.error()))
            return s;
        if (attempt == maxBeginAttempts) {
            Error e = s.error();
            e.why = tr("%1 (tried %2 times)").arg(e.why).arg(attempt);
            return e;
        }
        conflictPause(attempt);
    }
}

bool Store::inWriteTransaction(const QSqlDatabase &db)
{
    return threadConnections().writing.contains(db.connectionName());
}

void Store::conflictPause(int attempt)
{
    QThread::msleep(10u << qBound(1, attempt, 8));
}

void Store::setAfterBeginHook(std::function<void(const Store &)> hook)
{
    afterBeginHook() = std::move(hook);
}

void Store::dropConnection() const
{
    const QString name = threadConnectionName();
    threadConnections().writing.removeAll(name);
    if (!QSqlDatabase::contains(name))
        return;
    QSqlDatabase db = QSqlDatabase::database(name, false);
    db.close();
}

Status Store::commit() const
{
    QSqlDatabase db = connection();
    Status s = m_dialect->commit(db, tr("Saving a change in the state store"));
    if (s) // a lost connection is dropped below, which forgets it too
        threadConnections().writing.removeAll(db.connectionName());
    if (!s && s.error().code == ErrorCode::StoreLost) {
        dropConnection();
        // The COMMIT was sent; whether the server ran it before the connection broke is unknown.
        Error e = s.error();
        e.why = tr("%1; the connection broke while the change was being saved, so whether it was saved is not known").arg(e.why);
        e.hint = tr("Reload the lists to see whether the change is there, then try again if it is not.");
        return e;
    }
    return s;
}

void Store::rollback() const
{
    const QString name = threadConnectionName();
    threadConnections().writing.removeAll(name);
    if (!QSqlDatabase::contains(name))
        return;
    QSqlDatabase db = QSqlDatabase::database(name, false);
    // A lost connection took its transaction (and its write lock) with it: nothing to undo.
    if (!db.isOpen())
        return;
    m_dialect->rollback(db);
}

} // namespace passdeck
