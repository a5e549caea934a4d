#pragma once

#include "views/Dashboard.h"

class QTableView;
class QSortFilterProxyModel;

namespace passdeck {

class ResourceGroupModel;

// Resource Manager: every resource group with its class icon, owner and device counts; the
// reboot banner; PCI Devices and New Group… in the left menu; double-click opens a group.
class ResourceManagerDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit ResourceManagerDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override;

    QTableView *groupsTable() const { return m_table; }
    ResourceGroupModel *model() const { return m_model; }
    void openGroup(const QModelIndex &proxyIndex);

private:
    ResourceGroupModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    int m_fittedRows = -1;
};

} // namespace passdeck
