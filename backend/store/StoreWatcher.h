#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

class QTimer;

namespace passdeck {

class Store;

// Tells the open dashboards that the store changed under them: another administrator's
// Passdeck, or a second window on the same file (docs/store.md, "Live updates").
//
// PostgreSQL: a connection of its own LISTENs on passdeck_changes (QSqlDriver::
// subscribeToNotification); the store's triggers notify the changed table's name at COMMIT.
// SQLite: `PRAGMA data_version` on a connection of its own, polled every pollMs; it changes
// whenever another connection committed. Either way, changes arriving close together are
// reported once (coalesceMs), with the tables named (empty: unknown, assume everything).
// Changes made through this process's own service are seen too: a refresh keeps the
// selection and the scroll position, so the echo is harmless.
//
// Lives on the thread that created it (the GUI thread); needs an event loop.
class StoreWatcher : public QObject
{
    Q_OBJECT
public:
    // The store must outlive the watcher.
    explicit StoreWatcher(const Store &store, QObject *parent = nullptr);
    ~StoreWatcher() override;

    // Opens the watching connection and starts listening or polling; false when it could not
    // (error() says why; the dashboards then show local changes only).
    bool start();
    const QString &error() const { return m_error; }
    bool isListening() const { return m_listening; }

    static constexpr int pollMs = 500;
    static constexpr int coalesceMs = 30;
    // PostgreSQL: how often the listening connection is checked (a restarted server drops it).
    static constexpr int checkMs = 5000;

Q_SIGNALS:
    // tables: the names of the changed tables; empty when not known (SQLite).
    void changed(const QStringList &tables);

private:
    bool open();
    void poll();
    void check();
    void note(const QString &table);
    void flush();

    const Store &m_store;
    QString m_connectionName;
    QString m_error;
    QTimer *m_poll = nullptr;
    QTimer *m_coalesce = nullptr;
    QSet<QString> m_pending;
    bool m_unknown = false;
    bool m_listening = false;
    qint64 m_dataVersion = -1;
};

} // namespace passdeck
