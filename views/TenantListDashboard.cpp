#include "views/TenantListDashboard.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "views/TableSetup.h"
#include "views/TenantCreateDialog.h"
#include "models/TenantModel.h"

#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

TenantListDashboard::TenantListDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("tenants"), 0)
{
    setHeading(Icons::tenant(), tr("Tenants"),
               tr("Tenants own the devices passed to their tenant nodes (thick provisioning)."));
    addMenuItem(QStringLiteral("menuNewTenant"), Icons::tenant(), tr("New Tenant…"), [this] { newTenant(); });
    m_deleteItem = addMenuItem(QStringLiteral("menuDeleteTenant"), Icons::blocker(), tr("Delete Tenant"),
                               [this] { requestDelete(); });
    m_deleteItem->setEnabled(false);
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
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { updateDeleteItem(); });
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
    // Few rows: sizing on every refresh keeps new, longer names readable.
    m_table->resizeColumnsToContents();
    updateDeleteItem();
}

void TenantListDashboard::updateDeleteItem()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    m_deleteItem->setEnabled(!rows.isEmpty());
    if (rows.isEmpty()) {
        m_deleteItem->setToolTip(tr("Select a tenant to delete it."));
        return;
    }
    // Why Delete would be refused, before anyone clicks it.
    auto impact = service().deleteTenantImpact(rows.first().data(TenantModel::TenantIdRole).toLongLong());
    if (impact && impact->refusal)
        m_deleteItem->setToolTip(tr("Cannot be deleted now: %1. %2").arg(impact->refusal->why, impact->refusal->hint));
    else
        m_deleteItem->setToolTip(tr("Delete the tenant; the devices reserved to it go back to their host groups."));
}

TenantCreateDialog *TenantListDashboard::newTenant()
{
    auto *dialog = new TenantCreateDialog(service(), 0, this);
    connect(dialog, &TenantCreateDialog::tenantCreated, this, [this](const Tenant &t) {
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Success,
                            tr("Tenant <a href=\"nav:tenant:%1\">%2</a> was created. Open it to add its nodes.")
                                .arg(t.id)
                                .arg(t.name.toHtmlEscaped()));
    });
    dialog->show();
    return dialog;
}

void TenantListDashboard::requestDelete()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const qint64 id = rows.first().data(TenantModel::TenantIdRole).toLongLong();
    const QString name = rows.first().data(Qt::DisplayRole).toString();
    m_pendingDelete = 0;
    auto impact = service().deleteTenantImpact(id);
    if (!impact) {
        showError(impact.error());
        return;
    }
    if (impact->refusal) {
        // Refused as things stand: say so now instead of asking first and refusing after.
        banner()->clearNotice(QStringLiteral("confirm"));
        showError(*impact->refusal);
        return;
    }
    m_pendingDelete = id;
    askConfirmation(impact->devices.isEmpty()
                        ? tr("Delete tenant <b>%1</b>? No device is reserved to it.").arg(name.toHtmlEscaped())
                        : tr("Delete tenant <b>%1</b>? Its groups and tenant nodes go with it, and the %n device(s) "
                             "reserved to it go back to their host groups:", nullptr, int(impact->devices.size()))
                              .arg(name.toHtmlEscaped()),
                    impact->devices,
                    {{QStringLiteral("confirm-delete"), tr("Delete")}, {QStringLiteral("cancel-delete"), tr("Cancel")}});
}

void TenantListDashboard::handleLink(const QString &link)
{
    if (link == QLatin1String("confirm-delete"))
        deleteNow();
    else if (link == QLatin1String("cancel-delete"))
        banner()->clearNotice(QStringLiteral("confirm"));
}

void TenantListDashboard::deleteNow()
{
    banner()->clearNotice(QStringLiteral("confirm"));
    if (m_pendingDelete == 0)
        return;
    auto tenant = service().tenant(m_pendingDelete);
    Status s = service().deleteTenant(m_pendingDelete);
    m_pendingDelete = 0;
    if (!s) {
        showError(s.error());
        return;
    }
    showSuccess(tr("Tenant \"%1\" was deleted.").arg(tenant ? tenant->name : QString()));
}

} // namespace passdeck
