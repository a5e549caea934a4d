#pragma once

#include "Dashboard.h"

class QTableView;

namespace passdeck {

class TenantModel;

// Tenants → List. Double-click opens the "tenant" dashboard once one is registered.
class TenantListDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit TenantListDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override;

    QTableView *tenantsTable() const { return m_table; }
    TenantModel *model() const { return m_model; }

private:
    TenantModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    bool m_sized = false;
};

} // namespace passdeck
