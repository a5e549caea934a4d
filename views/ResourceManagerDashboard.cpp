#include "views/ResourceManagerDashboard.h"

#include "service/DomainService.h"
#include "views/GroupEditDialog.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "views/MessageBanner.h"
#include "views/MovedHardwarePanel.h"
#include "models/ResourceGroupModel.h"
#include "views/TableSetup.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

ResourceManagerDashboard::ResourceManagerDashboard(MainWindow &window)
    : Dashboard(window, QStringLiteral("resources"), 0)
{
    setHeading(Icons::resources(), tr("Resource Manager"),
               tr("Resource groups collect PCI devices that virtual machines and tenants draw from."));
    addMenuItem(QStringLiteral("menuPciDevices"), Icons::groupClass(GroupClass::Other), tr("PCI Devices"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), 0); });
    addMenuItem(QStringLiteral("menuNewGroup"), Icons::resources(), tr("New Group…"), [this] {
        GroupEditDialog::createGroup(service(), this);
    });
    auto *open = addMenuItem(QStringLiteral("menuOpenGroup"), Icons::info(), tr("Open Group"), [this] {
        openGroup(m_table->currentIndex());
    });
    addMenuItem(QStringLiteral("menuNodes"), Icons::node(), tr("Nodes"),
                [this] { mainWindow().navigate(QStringLiteral("nodes")); });

    m_model = new ResourceGroupModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("groupsTable"), tr("Resource groups"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setModel(m_proxy);
    m_table->sortByColumn(ResourceGroupModel::NameColumn, Qt::AscendingOrder);
    connect(m_table, &QTableView::doubleClicked, this, &ResourceManagerDashboard::openGroup);
    connect(m_table, &QTableView::activated, this, &ResourceManagerDashboard::openGroup);
    open->setEnabled(false);
    enableWithSelection(m_table, open);
    auto *hint = new QLabel(tr("Double-click a group to open its dashboard. To add devices, open "
                               "<b>PCI Devices</b>, select them and click <b>Make Resource</b>."), this);
    hint->setWordWrap(true);
    contentLayout()->addWidget(m_table, 1);
    contentLayout()->addWidget(hint);
}

QString ResourceManagerDashboard::title() const
{
    return tr("Resource Manager");
}

void ResourceManagerDashboard::openGroup(const QModelIndex &proxyIndex)
{
    if (!proxyIndex.isValid())
        return;
    const qint64 id = proxyIndex.data(ResourceGroupModel::GroupIdRole).toLongLong();
    mainWindow().navigate(QStringLiteral("group"), id);
}

void ResourceManagerDashboard::refresh()
{
    auto groups = service().allGroups();
    if (!groups) {
        showError(groups.error());
        return;
    }
    m_model->setItems(*groups);
    // Refit when rows come or go; a plain refresh keeps the widths the user chose.
    if (int(groups->size()) != m_fittedRows) {
        m_fittedRows = int(groups->size());
        fitColumns(m_table);
    }
    if (auto notices = service().rebootRequired())
        showRebootNotices(*notices);
    if (auto moved = service().movedHardware(); moved && !moved->isEmpty())
        banner()->setNotice(QStringLiteral("moved"), MessageBanner::Level::Warning, MovedHardwarePanel::summaryHtml(*moved));
    else
        banner()->clearNotice(QStringLiteral("moved"));
}

} // namespace passdeck
