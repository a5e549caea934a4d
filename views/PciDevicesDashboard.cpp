#include "PciDevicesDashboard.h"

#include "DomainService.h"
#include "Icons.h"
#include "MainWindow.h"
#include "MakeResourceWizard.h"
#include "PciDevicesView.h"

#include <QAction>
#include <QShortcut>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

PciDevicesDashboard::PciDevicesDashboard(MainWindow &window, qint64 nodeId)
    : Dashboard(window, QStringLiteral("pci"), nodeId)
{
    m_makeResource = addMenuItem(QStringLiteral("menuMakeResource"), Icons::resources(), tr("Make Resource"),
                                 [this] { makeResource(); });
    m_makeResource->setEnabled(false);
    m_makeResource->setToolTip(tr("Add the selected devices to a resource group (Ctrl+M)"));
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });
    if (nodeId != 0) {
        addMenuItem(QStringLiteral("menuNode"), Icons::node(), tr("Node Dashboard"),
                    [this] { mainWindow().navigate(QStringLiteral("node"), argument()); });
    } else {
        addMenuItem(QStringLiteral("menuNodes"), Icons::node(), tr("Nodes"),
                    [this] { mainWindow().navigate(QStringLiteral("nodes")); });
    }
    m_view = new PciDevicesView(this);
    m_view->setNodeColumnVisible(nodeId == 0);
    contentLayout()->addWidget(m_view, 1);
    connect(m_view, &PciDevicesView::selectionChanged, this,
            [this] { m_makeResource->setEnabled(!m_view->selectedDevices().isEmpty()); });
    auto *make = new QAction(Icons::resources(), tr("Make Resource…"), m_view->table());
    make->setObjectName(QStringLiteral("actionMakeResource"));
    connect(make, &QAction::triggered, this, [this] { makeResource(); });
    connect(m_view, &PciDevicesView::selectionChanged, make,
            [this, make] { make->setEnabled(!m_view->selectedDevices().isEmpty()); });
    make->setEnabled(false);
    const QList<QAction *> existing = m_view->table()->actions();
    m_view->table()->insertAction(existing.isEmpty() ? nullptr : existing.first(), make);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_M), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, [this] { makeResource(); });
}

QString PciDevicesDashboard::title() const
{
    return tr("PCI Devices");
}

QList<Crumb> PciDevicesDashboard::breadcrumb() const
{
    if (argument() == 0)
        return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
                {tr("Resource Manager"), QStringLiteral("resources"), 0},
                {title(), dashboardId(), 0}};
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Nodes"), QStringLiteral("nodes"), 0},
            {m_nodeName.isEmpty() ? tr("Node") : m_nodeName, QStringLiteral("node"), argument()},
            {title(), dashboardId(), argument()}};
}

void PciDevicesDashboard::refresh()
{
    if (argument() != 0) {
        if (auto node = service().node(argument()))
            m_nodeName = node->name;
    }
    setHeading(Icons::groupClass(GroupClass::Other),
               argument() == 0 ? tr("PCI Devices — all nodes") : tr("PCI Devices — %1").arg(m_nodeName),
               tr("Select devices and click Make Resource to put them in a resource group."));
    auto devices = service().devices(argument());
    if (!devices) {
        showError(devices.error());
        return;
    }
    m_view->setDevices(*devices);
    if (auto notices = service().rebootRequired()) {
        QList<RebootNotice> mine;
        for (const RebootNotice &n : *notices) {
            if (argument() == 0 || n.nodeId == argument())
                mine << n;
        }
        showRebootNotices(mine);
    }
}

MakeResourceWizard *PciDevicesDashboard::makeResource()
{
    const QList<DeviceRecord> selection = m_view->selectedDevices();
    if (selection.isEmpty())
        return nullptr;
    if (auto *open = findChild<MakeResourceWizard *>(); open && open->isVisible()) {
        open->raise();
        open->activateWindow();
        return nullptr;
    }
    auto *wizard = new MakeResourceWizard(service(), selection, mainWindow().pciIdsPath(), this);
    connect(wizard, &MakeResourceWizard::risksRequested, this,
            [this] { mainWindow().navigate(QStringLiteral("risks")); });
    connect(wizard, &MakeResourceWizard::applied, this, [this](const QString &message) {
        showSuccess(message);
        refresh();
    });
    wizard->show();
    return wizard;
}

} // namespace passdeck
