#pragma once

#include <QObject>
#include <QStringList>

namespace passdeck {

class DomainService;
class StoreWatcher;

// Turns the store's "changed elsewhere" (StoreWatcher) into the service's own change signals,
// the ones its local changes emit, so that every open view reloads through the path it already
// has for local changes (docs/store.md, "Live updates"). The service must outlive it.
class LiveUpdates : public QObject
{
    Q_OBJECT
public:
    explicit LiveUpdates(DomainService &service, QObject *parent = nullptr);

    // Starts watching; false when the store cannot be watched (error() says why).
    bool start();
    QString error() const;
    StoreWatcher *watcher() const { return m_watcher; }
    // Whether changes made elsewhere arrive (NOTIFY or data_version polling).
    bool isListening() const;

    // The service signals for a set of changed tables (empty: all of them).
    static int changesOf(const QStringList &tables, bool *audit);

Q_SIGNALS:
    // After the service's signals went out for a change made elsewhere.
    void applied(const QStringList &tables);

private:
    void onChanged(const QStringList &tables);

    DomainService &m_service;
    StoreWatcher *m_watcher = nullptr;
};

} // namespace passdeck
