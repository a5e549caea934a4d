#include "TenantListDashboard.h"

#include "DomainService.h"
#include "Icons.h"
#include "MainWindow.h"
#include "TableSetup.h"
#include "TenantModel.h"

#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace passdeck {

TenantListDashboard::TenantListDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("tenants"), 0)
{
    setHeading(Icons::tenant(), tr("Tenants"),
               tr("Tenants own the devices passed to their tenant nodes (thick provisioning)."));
    addMenuItem(QStringLiteral("menuVms"), Icons::vm(), tr("Virtual Machines"),
                [this] { mainWindow().navigate(QStringLiteral("vms")); });
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });
    m_model = new TenantModel(this);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("tenantsTable"), tr("Tenants"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setModel(proxy);
    m_table->sortByColumn(TenantModel::NameColumn, Qt::AscendingOrder);
    auto open = [this](const QModelIndex &i) {
        if (i.isValid() && mainWindow().hasDashboard(QStringLiteral("tenant")))
            mainWindow().navigate(QStringLiteral("tenant"), i.data(TenantModel::TenantIdRole).toLongLong());
    };
    connect(m_table, &QTableView::doubleClicked, this, open);
    connect(m_table, &QTableView::activated, this, open);
    contentLayout()->addWidget(m_table, 1);
}

QString TenantListDashboard::title() const
{
    return tr("Tenants");
}

void TenantListDashboard::refresh()
{
    auto tenants = service().tenants();
    if (!tenants) {
        showError(tenants.error());
        return;
    }
    m_model->setItems(*tenants);
    if (!m_sized && !tenants->isEmpty()) {
        m_sized = true;
        m_table->resizeColumnsToContents();
    }
}

} // namespace passdeck
