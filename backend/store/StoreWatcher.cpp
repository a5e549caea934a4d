#include "store/StoreWatcher.h"

#include "store/PostgresDialect.h"
#include "store/Store.h"

#include <QAtomicInt>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

namespace passdeck {

namespace {
QAtomicInt watcherCounter;
}

StoreWatcher::StoreWatcher(const Store &store, QObject *parent)
    : QObject(parent),
      m_store(store),
      m_connectionName(QStringLiteral("passdeck-watch-%1").arg(watcherCounter.fetchAndAddRelaxed(1)))
{
    m_poll = new QTimer(this);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (m_store.isPostgres())
            check();
        else
            poll();
    });
    m_coalesce = new QTimer(this);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(coalesceMs);
    connect(m_coalesce, &QTimer::timeout, this, &StoreWatcher::flush);
}

StoreWatcher::~StoreWatcher()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool StoreWatcher::start()
{
    if (!open())
        return false;
    m_poll->start(m_store.isPostgres() ? checkMs : pollMs);
    return true;
}

bool StoreWatcher::open()
{
    m_listening = false;
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase old = QSqlDatabase::database(m_connectionName, false);
            old.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(m_store.dialect().driverName(), m_connectionName);
    m_store.dialect().prepare(db);
    if (!db.open()) {
        m_error = db.lastError().text();
        return false;
    }
    if (m_store.isPostgres()) {
        const QString channel = QLatin1String(PostgresDialect::changeChannel);
        if (!db.driver()->subscribeToNotification(channel)) {
            m_error = db.driver()->lastError().text();
            return false;
        }
        connect(db.driver(), &QSqlDriver::notification, this,
                [this](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) { note(payload.toString()); });
    } else {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA data_version")) || !q.next()) {
            m_error = q.lastError().text();
            return false;
        }
        m_dataVersion = q.value(0).toLongLong();
    }
    m_error.clear();
    m_listening = true;
    return true;
}

void StoreWatcher::poll()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA data_version")) || !q.next())
        return; // a busy file: asked again at the next tick
    const qint64 version = q.value(0).toLongLong();
    if (version == m_dataVersion)
        return;
    m_dataVersion = version;
    note(QString());
}

void StoreWatcher::check()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    if (db.isOpen() && q.exec(QStringLiteral("SELECT 1")))
        return;
    // The listening connection broke (a restarted server): listen again, and since changes
    // may have been missed meanwhile, report everything as changed once it listens.
    q = QSqlQuery();
    if (open())
        note(QString());
}

void StoreWatcher::note(const QString &table)
{
    if (table.isEmpty())
        m_unknown = true;
    else
        m_pending.insert(table);
    if (!m_coalesce->isActive())
        m_coalesce->start();
}

void StoreWatcher::flush()
{
    QStringList tables;
    if (!m_unknown)
        tables = QStringList(m_pending.cbegin(), m_pending.cend());
    tables.sort();
    m_pending.clear();
    m_unknown = false;
    Q_EMIT changed(tables);
}

} // namespace passdeck
