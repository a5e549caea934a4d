#include "views/PciDevicesDashboard.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "models/DeviceSelection.h"
#include "service/MakeResourceImpact.h"
#include "views/MakeResourceWizard.h"
#include "views/PciDevicesView.h"
#include "views/SriovDialog.h"

#include <QAction>
#include <QBoxLayout>
#include <QLabel>
#include <QSet>
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
    // Why Make Resource is off for the selection, right under it in the menu.
    m_makeResourceReason = new QLabel(this);
    m_makeResourceReason->setObjectName(QStringLiteral("makeResourceReason"));
    m_makeResourceReason->setAccessibleName(tr("Why Make Resource is disabled"));
    m_makeResourceReason->setWordWrap(true);
    m_makeResourceReason->setStyleSheet(QStringLiteral("color: #c53030; padding: 0 8px 6px 8px;"));
    m_makeResourceReason->hide();
    if (auto *menu = qobject_cast<QBoxLayout *>(m_makeResource->parentWidget()->layout()))
        menu->insertWidget(menu->indexOf(m_makeResource) + 1, m_makeResourceReason);
    m_sriov = addMenuItem(QStringLiteral("menuSriov"), Icons::groupClass(GroupClass::Network), tr("SR-IOV VFs…"),
                          [this] { editVfs(); });
    m_sriov->setEnabled(false);
    m_sriov->setToolTip(tr("Select one SR-IOV physical function to see and set its number of VFs"));
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
    connect(m_view, &PciDevicesView::selectionChanged, this, &PciDevicesDashboard::updateActions);
    // One selection with the Topology page (docs/topology.md): ours is published while we are
    // shown, and followed when the other page changes it.
    DeviceSelection &shared = DeviceSelection::of(mainWindow());
    connect(m_view, &PciDevicesView::selectionChanged, this, [this, &shared] {
        if (isVisible() && !m_followingSelection)
            publishSelection(shared);
    });
    connect(&shared, &DeviceSelection::changed, this, &PciDevicesDashboard::followSelection);
    auto *make = new QAction(Icons::resources(), tr("Make Resource…"), m_view->table());
    make->setObjectName(QStringLiteral("actionMakeResource"));
    connect(make, &QAction::triggered, this, [this] { makeResource(); });
    m_makeAction = make;
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
    // Whether the nodes shown can pass anything through: Make Resource says so before the wizard.
    m_readiness.clear();
    // The devices of a node that does not answer are as last seen: said above them.
    if (auto nodes = service().nodes()) {
        QList<NodeInfo> shown;
        for (const NodeInfo &n : *nodes) {
            if (argument() != 0 && n.id != argument())
                continue;
            shown << n;
            if (auto r = readinessOf(n))
                m_readiness.insert(n.id, *r);
        }
        showUnreachableNodes(shown);
    }
    // Re-filling the table is not a choice of the user's: the shared selection stays.
    m_followingSelection = true;
    m_view->setDevices(*devices);
    m_followingSelection = false;
    followSelection();
    updateActions();
    if (auto notices = service().rebootRequired()) {
        QList<RebootNotice> mine;
        for (const RebootNotice &n : *notices) {
            if (argument() == 0 || n.nodeId == argument())
                mine << n;
        }
        showRebootNotices(mine);
    }
}

void PciDevicesDashboard::updateActions()
{
    const QList<DeviceRecord> selection = m_view->selectedDevices();
    const QString refusal = selection.isEmpty() ? QString() : MakeResourceCheck::selectionRefusal(selection, m_readiness);
    m_makeResource->setEnabled(!selection.isEmpty() && refusal.isEmpty());
    m_makeResource->setToolTip(refusal.isEmpty() ? tr("Add the selected devices to a resource group (Ctrl+M)") : refusal);
    m_makeResourceReason->setText(refusal);
    m_makeResourceReason->setVisible(!refusal.isEmpty());
    m_makeAction->setEnabled(m_makeResource->isEnabled());
    m_makeAction->setToolTip(m_makeResource->toolTip());
    // SR-IOV: one present, non-bridge device; the dialog says when it has no SR-IOV.
    const bool one = selection.size() == 1 && selection.first().present && !selection.first().isBridge;
    m_sriov->setEnabled(one);
}

SriovDialog *PciDevicesDashboard::editVfs()
{
    const QList<DeviceRecord> selection = m_view->selectedDevices();
    if (selection.size() != 1)
        return nullptr;
    if (auto *open = findChild<SriovDialog *>(); open && open->isVisible()) {
        open->raise();
        open->activateWindow();
        return nullptr;
    }
    const DeviceRecord &d = selection.first();
    auto *dialog = new SriovDialog(service(), d.nodeId, d.address, this);
    connect(dialog, &SriovDialog::applied, this, [this](const QString &message) {
        showSuccess(message);
        refresh();
    });
    dialog->show();
    return dialog;
}

MakeResourceWizard *PciDevicesDashboard::makeResource()
{
    const QList<DeviceRecord> selection = m_view->selectedDevices();
    if (selection.isEmpty() || !m_makeResource->isEnabled())
        return nullptr;
    if (auto *open = findChild<MakeResourceWizard *>(); open && open->isVisible()) {
        open->raise();
        open->activateWindow();
        return nullptr;
    }
    auto *wizard = new MakeResourceWizard(service(), selection, mainWindow().pciIdsPath(), this);
    connect(wizard, &MakeResourceWizard::risksRequested, this,
            [this] { mainWindow().navigate(QStringLiteral("risks")); });
    // Devices left out on the impact page are unticked in the table too.
    connect(wizard, &MakeResourceWizard::selectionReduced, this, [this](const QList<DeviceRecord> &kept) {
        QStringList addresses;
        QSet<qint64> nodes;
        for (const DeviceRecord &d : kept) {
            addresses << d.address;
            nodes.insert(d.nodeId);
        }
        m_view->selectAddresses(addresses, nodes.size() == 1 ? *nodes.cbegin() : 0);
    });
    connect(wizard, &MakeResourceWizard::applied, this, [this](const QString &message) {
        showSuccess(message);
        refresh();
    });
    wizard->show();
    return wizard;
}

void PciDevicesDashboard::publishSelection(DeviceSelection &shared)
{
    QList<DeviceRecord> selected = m_view->selectedDevices();
    // The shared selection is per node: on "all nodes" it follows the first selected device's node.
    const qint64 node = argument() != 0 ? argument() : (selected.isEmpty() ? shared.nodeId() : selected.first().nodeId);
    QStringList addresses;
    for (const DeviceRecord &d : std::as_const(selected))
        if (d.nodeId == node)
            addresses << d.address;
    shared.select(node, addresses);
}

void PciDevicesDashboard::followSelection()
{
    const DeviceSelection &shared = DeviceSelection::of(mainWindow());
    if (shared.nodeId() == 0 || (argument() != 0 && shared.nodeId() != argument()))
        return;
    QStringList mine;
    for (const DeviceRecord &d : m_view->selectedDevices())
        if (d.nodeId == shared.nodeId())
            mine << d.address;
    mine.sort();
    if (mine == shared.addresses())
        return;
    m_followingSelection = true;
    m_view->selectAddresses(shared.addresses(), shared.nodeId());
    m_followingSelection = false;
}

} // namespace passdeck
