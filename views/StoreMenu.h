#pragma once

#include "core/Error.h"

#include <QObject>

#include <functional>

class QLabel;

namespace passdeck {

class LiveUpdates;
class MainWindow;

// The store part of the main window (docs/store.md, "Team store"): File → Open Store…, the
// status bar naming the open store, and the live updates of changes other administrators (or
// other windows) commit. Created by MainWindow as its child; StoreMenu::of(window) finds it.
class StoreMenu : public QObject
{
    Q_OBJECT
public:
    explicit StoreMenu(MainWindow &window);

    static StoreMenu *of(const MainWindow &window);

    // File → Open Store… runs the opener on the chosen location (the application's opens a
    // service on it and moves to a new window); without one the store is only checked to open.
    using Opener = std::function<Status(const QString &location)>;
    void setOpener(Opener opener) { m_opener = std::move(opener); }
    void openStoreDialog();

    // Starts the live updates (service/LiveUpdates.h): NOTIFY on PostgreSQL, PRAGMA
    // data_version polled on SQLite. False when the store cannot be watched (the status bar says why).
    bool startLiveUpdates();
    LiveUpdates *liveUpdates() const { return m_live; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    // A store was opened through File → Open Store… (after the opener accepted it).
    void storeOpened(const QString &location);

private:
    void updateStatus();

    MainWindow &m_window;
    Opener m_opener;
    LiveUpdates *m_live = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace passdeck
