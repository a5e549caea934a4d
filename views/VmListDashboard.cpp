#include "VmListDashboard.h"

#include "DomainService.h"
#include "Icons.h"
#include "MainWindow.h"
#include "TableSetup.h"
#include "VmModel.h"

#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace passdeck {

VmListDashboard::VmListDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("vms"), 0)
{
    setHeading(Icons::vm(), tr("Virtual Machines"), tr("VMs and the PCI devices they draw from resource groups."));
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });
    addMenuItem(QStringLiteral("menuTenants"), Icons::tenant(), tr("Tenants"),
                [this] { mainWindow().navigate(QStringLiteral("tenants")); });
    m_model = new VmModel(this);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("vmsTable"), tr("Virtual machines"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setModel(proxy);
    m_table->sortByColumn(VmModel::NameColumn, Qt::AscendingOrder);
    auto open = [this](const QModelIndex &i) {
        if (i.isValid() && mainWindow().hasDashboard(QStringLiteral("vm")))
            mainWindow().navigate(QStringLiteral("vm"), i.data(VmModel::VmIdRole).toLongLong());
    };
    connect(m_table, &QTableView::doubleClicked, this, open);
    connect(m_table, &QTableView::activated, this, open);
    contentLayout()->addWidget(m_table, 1);
}

QString VmListDashboard::title() const
{
    return tr("Virtual Machines");
}

void VmListDashboard::refresh()
{
    auto vms = service().vms();
    if (!vms) {
        showError(vms.error());
        return;
    }
    m_model->setItems(*vms);
    if (!m_sized && !vms->isEmpty()) {
        m_sized = true;
        m_table->resizeColumnsToContents();
    }
}

} // namespace passdeck
