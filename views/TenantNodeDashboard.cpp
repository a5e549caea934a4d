#include "views/TenantNodeDashboard.h"

#include "views/DeviceEntryDialog.h"
#include "service/DomainService.h"
#include "service/PassthroughUnits.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "views/ColumnFitter.h"
#include "models/PciDeviceModel.h"
#include "models/ResourceGroupModel.h"
#include "views/TableSetup.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

TenantNodeDashboard::TenantNodeDashboard(MainWindow &window, qint64 tenantNodeId)
    : Dashboard(window, QStringLiteral("tenantnode"), tenantNodeId)
{
    m_node.id = tenantNodeId;
    addMenuItem(QStringLiteral("menuDevices"), Icons::groupClass(GroupClass::Other), tr("Devices"),
                [this] {
                    // Visibly there: the focus in the table, on its first row when none is chosen.
                    m_devices->setFocus(Qt::OtherFocusReason);
                    if (!m_devices->currentIndex().isValid() && m_deviceModel->rowCount() > 0)
                        m_devices->setCurrentIndex(m_deviceModel->index(0, PciDeviceModel::SlotColumn));
                });
    addMenuItem(QStringLiteral("menuNewDevice"), Icons::groupClass(GroupClass::Gpu), tr("New Device…"),
                [this] { newDevice(); });
    m_returnItem = addMenuItem(QStringLiteral("menuReturnDevices"), Icons::blocker(), tr("Return to Host Group"),
                               [this] { requestReturn(); });
    m_returnItem->setEnabled(false);
    addMenuItem(QStringLiteral("menuTenant"), Icons::tenant(), tr("Tenant"),
                [this] { mainWindow().navigate(QStringLiteral("tenant"), m_node.tenantId); });
    addMenuItem(QStringLiteral("menuHostNode"), Icons::node(), tr("Host Node"),
                [this] { mainWindow().navigate(QStringLiteral("node"), m_node.nodeId); });

    auto *box = new QGroupBox(tr("Details"), this);
    auto *boxLayout = new QVBoxLayout(box);
    m_details = new QLabel(box);
    m_details->setObjectName(QStringLiteral("tenantNodeDetails"));
    m_details->setTextFormat(Qt::RichText);
    m_details->setWordWrap(true);
    connect(m_details, &QLabel::linkActivated, this, [this](const QString &link) {
        const QStringList parts = link.split(QLatin1Char(':'));
        mainWindow().navigate(parts.value(1), parts.value(2).toLongLong());
    });
    boxLayout->addWidget(m_details);
    contentLayout()->addWidget(box);

    contentLayout()->addWidget(new QLabel(tr("<b>Resource groups of the tenant on this node</b>"), this));
    m_groupModel = new ResourceGroupModel(this);
    m_groups = new QTableView(this);
    configureTable(m_groups, QStringLiteral("tenantNodeGroupsTable"), tr("Resource groups on this tenant node"));
    m_groups->setSelectionMode(QAbstractItemView::SingleSelection);
    m_groups->setSortingEnabled(false);
    m_groups->setModel(m_groupModel);
    m_groups->setColumnHidden(ResourceGroupModel::OwnerColumn, true);
    m_groups->setMaximumHeight(120);
    auto openGroup = [this](const QModelIndex &i) {
        if (i.isValid())
            mainWindow().navigate(QStringLiteral("group"), i.data(ResourceGroupModel::GroupIdRole).toLongLong());
    };
    enableWithSelection(m_groups, m_returnItem);
    connect(m_groups, &QTableView::doubleClicked, this, openGroup);
    connect(m_groups, &QTableView::activated, this, openGroup);
    contentLayout()->addWidget(m_groups);

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("<b>Devices</b>"), this));
    row->addStretch(1);
    auto *add = new QPushButton(Icons::groupClass(GroupClass::Gpu), tr("&New…"), this);
    add->setObjectName(QStringLiteral("newDeviceButton"));
    add->setAccessibleName(tr("New devices for the tenant node"));
    connect(add, &QPushButton::clicked, this, [this] { newDevice(); });
    row->addWidget(add);
    contentLayout()->addLayout(row);
    m_deviceModel = new PciDeviceModel(this);
    m_devices = new QTableView(this);
    configureTable(m_devices, QStringLiteral("tenantNodeDevicesTable"), tr("Devices reserved to this tenant node"));
    m_devices->setSortingEnabled(false);
    m_devices->setModel(m_deviceModel);
    // One node, named in the heading; the key columns stay on screen, long names give way.
    m_devices->setColumnHidden(PciDeviceModel::NodeColumn, true);
    m_deviceFitter = new ColumnFitter(m_devices, {{PciDeviceModel::DeviceColumn, 110}, {PciDeviceModel::VendorColumn, 50},
                                                  {PciDeviceModel::ClassColumn, 34}, {PciDeviceModel::DriverColumn, 64}});
    contentLayout()->addWidget(m_devices, 1);
}

QString TenantNodeDashboard::title() const
{
    return m_node.name.isEmpty() ? tr("Tenant Node") : m_node.name;
}

QList<Crumb> TenantNodeDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Tenants"), QStringLiteral("tenants"), 0},
            {m_node.tenantName.isEmpty() ? tr("Tenant") : m_node.tenantName, QStringLiteral("tenant"), m_node.tenantId},
            {title(), dashboardId(), argument()}};
}

void TenantNodeDashboard::refresh()
{
    auto nodes = service().tenantNodes(0);
    if (!nodes) {
        showError(nodes.error());
        return;
    }
    bool found = false;
    for (const TenantNode &n : *nodes) {
        if (n.id == argument()) {
            m_node = n;
            found = true;
        }
    }
    if (!found) {
        showError(Error::make(ErrorCode::NotFound, tr("Opening tenant node #%1").arg(argument()),
                              tr("it no longer exists"), tr("Go back to the tenant's nodes.")));
        return;
    }
    setHeading(Icons::node(), tr("Tenant node %1").arg(m_node.name),
               tr("A node of tenant %1, running on host node %2.").arg(m_node.tenantName, m_node.nodeName));
    m_details->setText(tr("<table cellspacing=4>"
                          "<tr><td><b>Tenant</b></td><td><a href=\"nav:tenant:%1\">%2</a></td>"
                          "<td width=30></td><td><b>Reserved devices</b></td><td>%3</td></tr>"
                          "<tr><td><b>Runs on</b></td><td><a href=\"nav:node:%4\">%5</a></td>"
                          "<td></td><td><b>Resource groups</b></td><td>%6</td></tr></table>")
                           .arg(m_node.tenantId)
                           .arg(m_node.tenantName.toHtmlEscaped())
                           .arg(tr("%n PCI function(s)", nullptr, m_node.reservedDevices))
                           .arg(m_node.nodeId)
                           .arg(m_node.nodeName.toHtmlEscaped())
                           .arg(m_node.groupCount));
    auto groups = service().groups(GroupOwner::Tenant, m_node.tenantId);
    if (!groups) {
        showError(groups.error());
        return;
    }
    QList<ResourceGroup> mine;
    QList<DeviceRecord> devices;
    for (const ResourceGroup &g : *groups) {
        if (g.tenantNodeId != m_node.id)
            continue;
        mine << g;
        if (auto d = service().groupDevices(g.id)) {
            // Here the devices are the tenant's: name the tenant's group, not the host group
            // they were drawn from.
            for (DeviceRecord r : *d) {
                r.groupName = g.name;
                devices << r;
            }
        }
    }
    m_groupModel->setItems(mine);
    m_deviceModel->setDevices(devices);
    m_groups->resizeColumnsToContents();
    fitColumns(m_devices, 190);
    m_devices->setColumnWidth(PciDeviceModel::IommuGroupColumn, qMin(m_devices->columnWidth(PciDeviceModel::IommuGroupColumn), 92));
    m_devices->setColumnWidth(PciDeviceModel::NumaColumn, qMin(m_devices->columnWidth(PciDeviceModel::NumaColumn), 50));
    m_deviceFitter->capture();
}

DeviceEntryDialog *TenantNodeDashboard::newDevice()
{
    auto *dialog = DeviceEntryDialog::forTenantNode(service(), argument(), this);
    connect(dialog, &DeviceEntryDialog::passed, this, [this](const ResourceGroup &g) {
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Success,
                            tr("Resource group <a href=\"nav:group:%1\">%2</a> of tenant %3 now holds %4 "
                               "on node %5. They are reserved to the tenant: no host VM or other tenant can use them.")
                                .arg(g.id)
                                .arg(g.name.toHtmlEscaped(), m_node.tenantName.toHtmlEscaped(),
                                     PassthroughUnits::describe(g.total, g.functions, g.groupClass),
                                     m_node.nodeName.toHtmlEscaped()));
    });
    dialog->show();
    return dialog;
}

qint64 TenantNodeDashboard::selectedGroup() const
{
    const QModelIndexList rows = m_groups->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(ResourceGroupModel::GroupIdRole).toLongLong();
}

void TenantNodeDashboard::requestReturn()
{
    m_pendingReturn = selectedGroup();
    if (m_pendingReturn == 0)
        return;
    const int row = m_groupModel->rowOfId(m_pendingReturn);
    const ResourceGroup &g = m_groupModel->item(row);
    auto source = service().group(g.sourceGroupId);
    const QString sourceName = source ? source->name : tr("(deleted)");
    banner()->setNotice(QStringLiteral("confirm"), MessageBanner::Level::Warning,
                        tr("Return the %1 of group <b>%2</b> to host group %3? Tenant %4 can no longer use "
                           "them. <a href=\"confirm-return\">Return</a> &nbsp; <a href=\"cancel-return\">Cancel</a>")
                            .arg(PassthroughUnits::describe(g.total, g.functions, g.groupClass),
                                 g.name.toHtmlEscaped(), sourceName.toHtmlEscaped(), m_node.tenantName.toHtmlEscaped()));
}

void TenantNodeDashboard::handleLink(const QString &link)
{
    if (link == QLatin1String("confirm-return"))
        returnNow();
    else if (link == QLatin1String("cancel-return"))
        banner()->clearNotice(QStringLiteral("confirm"));
}

void TenantNodeDashboard::returnNow()
{
    banner()->clearNotice(QStringLiteral("confirm"));
    if (m_pendingReturn == 0)
        return;
    const int row = m_groupModel->rowOfId(m_pendingReturn);
    const QString name = row >= 0 ? m_groupModel->item(row).name : QString();
    Status s = service().deleteGroup(m_pendingReturn);
    m_pendingReturn = 0;
    if (!s) {
        showError(s.error());
        return;
    }
    showSuccess(tr("The devices of group \"%1\" went back to their host group.").arg(name));
}

} // namespace passdeck
