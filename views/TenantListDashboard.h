#pragma once

#include "views/Dashboard.h"

class QTableView;
class QToolButton;

namespace passdeck {

class TenantCreateDialog;
class TenantModel;

// Tenants → List: New Tenant (a form), Delete Tenant (refused at once while the tenant has VMs,
// with the reason also in the item's tooltip; otherwise confirmed in the banner, listing the
// devices that go back). Double-click opens the tenant's dashboard.
class TenantListDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit TenantListDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override;

    QTableView *tenantsTable() const { return m_table; }
    TenantModel *model() const { return m_model; }
    TenantCreateDialog *newTenant();
    void requestDelete();
    void deleteNow();

protected:
    void handleLink(const QString &link) override;

private:
    void updateDeleteItem();

    TenantModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QToolButton *m_deleteItem = nullptr;
    qint64 m_pendingDelete = 0;
};

} // namespace passdeck
