#include "views/MainWindow.h"

#include "views/BuiltinDashboards.h"
#include "views/Dashboard.h"
#include "views/NodeReconnector.h"
#include "views/StoreMenu.h"
#include "service/DomainService.h"

#include <QAction>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QGuiApplication>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

MainWindow::MainWindow(DomainService &service, QWidget *parent) : QMainWindow(parent), m_service(service)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Passdeck"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/passdeck.svg")));
    // Wide enough for every column of PCI Devices; never larger than the screen's available
    // area (a 1024x768 screen less its panels): the dashboards' minimum sizes fit in it.
    QSize size(1440, 900);
    if (QScreen *screen = QGuiApplication::primaryScreen()) {
        const QRect available = screen->availableGeometry();
        // The frame (title bar, borders) comes on top of the client size.
        size = size.boundedTo(available.size() - QSize(16, 40)).expandedTo(QSize(640, 480));
    }
    resize(size);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    setCentralWidget(central);
    buildNavigationBar();
    m_stack = new QStackedWidget(central);
    m_stack->setObjectName(QStringLiteral("dashboardStack"));
    layout->addWidget(m_stack, 1);

    m_reconnector = new NodeReconnector(service, this);
    buildMenus();
    new StoreMenu(*this); // File → Open Store…, the store in the status bar (views/StoreMenu.h)
    registerBuiltinDashboards(*this);
    navigate(QStringLiteral("main"));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildNavigationBar()
{
    auto *bar = new QFrame(centralWidget());
    bar->setObjectName(QStringLiteral("navigationBar"));
    bar->setStyleSheet(QStringLiteral("QFrame#navigationBar { border-bottom: 1px solid palette(mid); }"));
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(8, 4, 8, 4);
    m_back = new QToolButton(bar);
    m_back->setObjectName(QStringLiteral("backButton"));
    m_back->setAccessibleName(tr("Back"));
    m_back->setToolTip(tr("Back (Alt+Left)"));
    m_back->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    m_back->setAutoRaise(true);
    m_forward = new QToolButton(bar);
    m_forward->setObjectName(QStringLiteral("forwardButton"));
    m_forward->setAccessibleName(tr("Forward"));
    m_forward->setToolTip(tr("Forward (Alt+Right)"));
    m_forward->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
    m_forward->setAutoRaise(true);
    connect(m_back, &QToolButton::clicked, this, &MainWindow::goBack);
    connect(m_forward, &QToolButton::clicked, this, &MainWindow::goForward);

    auto *backAction = new QAction(tr("Back"), this);
    backAction->setObjectName(QStringLiteral("actionBack"));
    backAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    backAction->setShortcutContext(Qt::ApplicationShortcut);
    connect(backAction, &QAction::triggered, this, &MainWindow::goBack);
    addAction(backAction);
    auto *forwardAction = new QAction(tr("Forward"), this);
    forwardAction->setObjectName(QStringLiteral("actionForward"));
    forwardAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    forwardAction->setShortcutContext(Qt::ApplicationShortcut);
    connect(forwardAction, &QAction::triggered, this, &MainWindow::goForward);
    addAction(forwardAction);

    m_breadcrumb = new QLabel(bar);
    m_breadcrumb->setObjectName(QStringLiteral("breadcrumb"));
    m_breadcrumb->setAccessibleName(tr("Breadcrumb"));
    m_breadcrumb->setTextFormat(Qt::RichText);
    m_breadcrumb->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_breadcrumb, &QLabel::linkActivated, this, [this](const QString &link) {
        const QStringList parts = link.split(QLatin1Char(':'));
        navigate(parts.value(0), parts.value(1).toLongLong());
    });
    row->addWidget(m_back);
    row->addWidget(m_forward);
    row->addSpacing(8);
    row->addWidget(m_breadcrumb, 1);
    centralWidget()->layout()->addWidget(bar);
}

void MainWindow::buildMenus()
{
    auto addNav = [this](QMenu *menu, const QString &objectName, const QString &text, const QString &id) {
        QAction *a = menu ? menu->addAction(text) : menuBar()->addAction(text);
        a->setObjectName(objectName);
        connect(a, &QAction::triggered, this, [this, id] { navigate(id); });
        return a;
    };
    menuBar()->setObjectName(QStringLiteral("menuBar"));
    addNav(nullptr, QStringLiteral("actionMainDashboard"), tr("Main &Dashboard"), QStringLiteral("main"));
    QMenu *infra = menuBar()->addMenu(tr("&Infrastructure"));
    infra->setObjectName(QStringLiteral("menuInfrastructure"));
    addNav(infra, QStringLiteral("actionResources"), tr("&Resources"), QStringLiteral("resources"));
    addNav(infra, QStringLiteral("actionNodes"), tr("&Nodes"), QStringLiteral("nodes"));
    QMenu *vms = menuBar()->addMenu(tr("&Virtual Machines"));
    vms->setObjectName(QStringLiteral("menuVirtualMachines"));
    addNav(vms, QStringLiteral("actionVmList"), tr("&List"), QStringLiteral("vms"));
    QMenu *tenants = menuBar()->addMenu(tr("&Tenants"));
    tenants->setObjectName(QStringLiteral("menuTenants"));
    addNav(tenants, QStringLiteral("actionTenantList"), tr("&List"), QStringLiteral("tenants"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    addNav(help, QStringLiteral("actionRisks"), tr("&Risks and Precautions"), QStringLiteral("risks"));
    QAction *about = help->addAction(tr("&About"));
    about->setObjectName(QStringLiteral("actionAbout"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::registerDashboard(const QString &id, Factory factory)
{
    m_factories.insert(id, std::move(factory));
}

Dashboard *MainWindow::showLocation(const Location &location)
{
    const QString key = keyOf(location);
    Dashboard *dashboard = m_dashboards.value(key);
    if (!dashboard) {
        auto factory = m_factories.value(location.id);
        if (!factory)
            return nullptr;
        dashboard = factory(*this, location.argument);
        if (!dashboard)
            return nullptr;
        m_dashboards.insert(key, dashboard);
        m_stack->addWidget(dashboard);
        // A renamed group or a node's name read on first refresh: the crumbs follow.
        connect(dashboard, &Dashboard::headingChanged, this, [this, dashboard] {
            if (dashboard == currentDashboard())
                updateBreadcrumb();
        });
    }
    m_stack->setCurrentWidget(dashboard);
    // The keyboard continues in the content (its table), not in the menu that led here.
    dashboard->focusContent();
    return dashboard;
}

Dashboard *MainWindow::navigate(const QString &id, qint64 argument)
{
    const Location location{id, argument};
    if (m_position >= 0 && m_history.at(m_position) == location)
        return currentDashboard();
    Dashboard *dashboard = showLocation(location);
    if (!dashboard)
        return nullptr;
    // A new visit cuts the forward history, as in a browser.
    while (m_history.size() > m_position + 1)
        m_history.removeLast();
    m_history.append(location);
    m_position = int(m_history.size()) - 1;
    updateNavigation();
    return dashboard;
}

Dashboard *MainWindow::currentDashboard() const
{
    return qobject_cast<Dashboard *>(m_stack->currentWidget());
}

void MainWindow::discard(Dashboard *dashboard)
{
    const Location gone{dashboard->dashboardId(), dashboard->argument()};
    for (int i = int(m_history.size()) - 1; i >= 0; --i) {
        if (m_history.at(i) == gone) {
            m_history.removeAt(i);
            if (m_position >= i)
                --m_position;
        }
    }
    m_dashboards.remove(keyOf(gone));
    m_stack->removeWidget(dashboard);
    dashboard->deleteLater();
    if (m_history.isEmpty()) {
        m_position = -1;
        navigate(QStringLiteral("main"));
        return;
    }
    m_position = qBound(0, m_position, int(m_history.size()) - 1);
    showLocation(m_history.at(m_position));
    updateNavigation();
}

void MainWindow::goBack()
{
    if (!canGoBack())
        return;
    --m_position;
    showLocation(m_history.at(m_position));
    updateNavigation();
}

void MainWindow::goForward()
{
    if (!canGoForward())
        return;
    ++m_position;
    showLocation(m_history.at(m_position));
    updateNavigation();
}

void MainWindow::updateNavigation()
{
    m_back->setEnabled(canGoBack());
    m_forward->setEnabled(canGoForward());
    Dashboard *dashboard = currentDashboard();
    if (!dashboard)
        return;
    updateBreadcrumb();
    Q_EMIT dashboardChanged(dashboard);
}

void MainWindow::updateBreadcrumb()
{
    Dashboard *dashboard = currentDashboard();
    if (!dashboard)
        return;
    setWindowTitle(tr("%1 — Passdeck").arg(dashboard->title()));
    QStringList parts;
    const QList<Crumb> crumbs = dashboard->breadcrumb();
    for (int i = 0; i < crumbs.size(); ++i) {
        const Crumb &c = crumbs.at(i);
        if (i + 1 == crumbs.size())
            parts << QStringLiteral("<b>%1</b>").arg(c.title.toHtmlEscaped());
        else
            parts << QStringLiteral("<a href=\"%1:%2\">%3</a>").arg(c.dashboardId).arg(c.argument).arg(c.title.toHtmlEscaped());
    }
    m_breadcrumb->setText(parts.join(QStringLiteral("&nbsp;&nbsp;›&nbsp;&nbsp;")));
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Passdeck"),
                                tr("<b>Passdeck</b> %1<br>Gives virtual machines and tenants direct access to "
                                   "PCI devices through Linux VFIO.")
                                    .arg(QCoreApplication::applicationVersion().toHtmlEscaped()),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIconPixmap(QIcon(QStringLiteral(":/icons/passdeck.svg")).pixmap(64, 64));
    box->show();
}

} // namespace passdeck
