#pragma once

#include "core/Error.h"
#include "core/NodeChecks.h"
#include "views/MessageBanner.h"

#include <QFutureWatcher>
#include <QIcon>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

class QLabel;
class QProgressBar;
class QToolButton;
class QVBoxLayout;

namespace passdeck {

class DomainService;
class MainWindow;
struct RebootNotice;
struct NodeInfo;

// One step of the breadcrumb: what to show and where it leads.
struct Crumb
{
    QString title;
    QString dashboardId;
    qint64 argument = 0;
};

// The frame every dashboard shares: a left menu, the message banner, a heading and the content.
// Subclasses fill the menu (addMenuItem) and the content (contentLayout) and implement refresh(),
// which reloads from the domain service. Changes in the store refresh the visible dashboard at
// once and the hidden ones when they are shown again.
class Dashboard : public QWidget
{
    Q_OBJECT
public:
    Dashboard(MainWindow &window, const QString &dashboardId, qint64 argument, QWidget *parent = nullptr);

    const QString &dashboardId() const { return m_id; }
    qint64 argument() const { return m_argument; }
    virtual QString title() const = 0;
    // Default: Main Dashboard › title.
    virtual QList<Crumb> breadcrumb() const;
    virtual void refresh() = 0;

    MessageBanner *banner() const { return m_banner; }
    // Work started with runInBackground is still running.
    bool busy() const { return m_busyCount > 0; }
    MainWindow &mainWindow() const { return m_window; }
    DomainService &service() const;

    // Shows an Error in the banner as "result" (what failed, why, what to do).
    void showError(const Error &error, const QString &key = QStringLiteral("result"));
    void showSuccess(const QString &text, const QString &key = QStringLiteral("result"));

    // Puts the keyboard focus in the content (MainWindow calls it after navigating): the
    // dashboard's main table when it has one, else its first focusable widget.
    virtual void focusContent();

Q_SIGNALS:
    // The heading was set again (after a refresh): title and breadcrumb may have changed.
    void headingChanged();

protected:
    QToolButton *addMenuItem(const QString &objectName, const QIcon &icon, const QString &text,
                             std::function<void()> action);
    void addMenuHeading(const QString &text);
    QVBoxLayout *contentLayout() const { return m_content; }
    void setHeading(const QIcon &icon, const QString &title, const QString &subtitle = {});
    // The reboot-required notice (key "reboot") for these nodes; cleared when empty.
    void showRebootNotices(const QList<RebootNotice> &notices);
    // The notice (key "unreachable", a warning) for those of these nodes that do not answer:
    // since when, that their devices are shown as last seen and that Passdeck retries them.
    void showUnreachableNodes(const QList<NodeInfo> &nodes);
    // Whether the node can pass anything through, read through it; a node noted unreachable is
    // not asked (that could block the window for the node's whole timeout; NodeReconnector
    // retries it off this thread): it cannot be read, and the reason says since when.
    Result<NodeReadiness> readinessOf(const NodeInfo &node) const;
    // A confirmation in the banner (key "confirm", a warning): the question (rich text), what
    // the change affects (plain lines, listed) and one link per choice {link, label}; the
    // links reach handleLink. The focus moves to it, so Tab reaches the choices.
    void askConfirmation(const QString &questionHtml, const QStringList &affected,
                         const QList<std::pair<QString, QString>> &choices);
    // Links of the banner other than "nav:<id>:<arg>", which navigate by themselves.
    virtual void handleLink(const QString &link);
    void showEvent(QShowEvent *event) override;
    // Leaving a dashboard ends its pending confirmation and its reports of what happened.
    void hideEvent(QHideEvent *event) override;

    // Runs work off the GUI thread; done(result) runs on the GUI thread afterwards. While it
    // runs, busy() is true and the dashboard shows a busy cursor and a progress bar (moving
    // when the work reports through progressReporter(), "busy" otherwise) under the banner.
    template<typename R>
    void runInBackground(std::function<R()> work, std::function<void(const R &)> done)
    {
        auto *watcher = new QFutureWatcher<R>(this);
        setBusy(true);
        connect(watcher, &QFutureWatcher<R>::finished, this, [this, watcher, done] {
            setBusy(false);
            done(watcher->result());
            watcher->deleteLater();
        });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
    }

    // A ProgressFn the worker may call from its thread; the bar is updated on the GUI thread.
    std::function<void(int, int, const QString &)> progressReporter();

private:
    void onStoreChanged();
    void setBusy(bool on);

    MainWindow &m_window;
    QString m_id;
    qint64 m_argument = 0;
    MessageBanner *m_banner = nullptr;
    QVBoxLayout *m_menu = nullptr;
    QVBoxLayout *m_content = nullptr;
    QWidget *m_contentArea = nullptr;
    QLabel *m_headingIcon = nullptr;
    QLabel *m_headingTitle = nullptr;
    QLabel *m_headingSubtitle = nullptr;
    QWidget *m_progressRow = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressStep = nullptr;
    bool m_stale = true;
    int m_busyCount = 0;
};

} // namespace passdeck
