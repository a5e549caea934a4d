#pragma once

#include <QHash>
#include <QMainWindow>

#include <functional>

class QLabel;
class QStackedWidget;
class QToolButton;

namespace passdeck {

class Dashboard;
class DomainService;
class NodeReconnector;

// The application window: the top menu, back/forward with a breadcrumb, and a stack of
// dashboards. Dashboards are registered by id with a factory taking one argument (a node, group,
// VM... id; 0 when the dashboard needs none), created on first visit and kept for back/forward.
//
// Built-in ids: "main", "resources", "nodes", "node" (node id), "pci" (node id, 0 = all nodes),
// "group" (group id), "vms", "tenants", "risks". Later flows register their own ("vm",
// "tenant", ...) with registerDashboard() before navigating to them.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    using Factory = std::function<Dashboard *(MainWindow &window, qint64 argument)>;

    explicit MainWindow(DomainService &service, QWidget *parent = nullptr);
    ~MainWindow() override;

    DomainService &service() const { return m_service; }

    // pci.ids for the impact check's names; empty: the system's.
    void setPciIdsPath(const QString &path) { m_pciIdsPath = path; }
    const QString &pciIdsPath() const { return m_pciIdsPath; }

    void registerDashboard(const QString &id, Factory factory);
    bool hasDashboard(const QString &id) const { return m_factories.contains(id); }

    // Shows the dashboard (creating it on first use) and records it in the history.
    // Returns nullptr for an unknown id.
    Dashboard *navigate(const QString &id, qint64 argument = 0);
    Dashboard *currentDashboard() const;
    template<typename T>
    T *current() const { return qobject_cast<T *>(currentDashboard()); }
    // Drops a dashboard whose subject is gone (a deleted group) from the cache and the history.
    void discard(Dashboard *dashboard);

    bool canGoBack() const { return m_position > 0; }
    bool canGoForward() const { return m_position + 1 < m_history.size(); }
    void goBack();
    void goForward();

    void showAbout();
    // Retries the nodes that do not answer, every 30 s and on demand (Nodes › Reconnect Now).
    NodeReconnector *reconnector() const { return m_reconnector; }

Q_SIGNALS:
    void dashboardChanged(passdeck::Dashboard *dashboard);

private:
    struct Location
    {
        QString id;
        qint64 argument = 0;
        bool operator==(const Location &o) const { return id == o.id && argument == o.argument; }
    };
    static QString keyOf(const Location &l) { return l.id + QLatin1Char(':') + QString::number(l.argument); }

    void buildMenus();
    void buildNavigationBar();
    Dashboard *showLocation(const Location &location);
    void updateNavigation();
    void updateBreadcrumb();

    DomainService &m_service;
    QString m_pciIdsPath;
    QHash<QString, Factory> m_factories;
    QHash<QString, Dashboard *> m_dashboards;
    QList<Location> m_history;
    int m_position = -1;
    QStackedWidget *m_stack = nullptr;
    QToolButton *m_back = nullptr;
    QToolButton *m_forward = nullptr;
    QLabel *m_breadcrumb = nullptr;
    NodeReconnector *m_reconnector = nullptr;
};

} // namespace passdeck
