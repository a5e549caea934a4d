#pragma once

#include "views/Dashboard.h"

class QLabel;

namespace passdeck {

class DashboardTile;

// The landing page: tiles with live counts for Resources, Nodes, Virtual Machines, Tenants.
class MainDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit MainDashboard(MainWindow &window);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    DashboardTile *tile(const QString &dashboardId) const;

private:
    DashboardTile *m_resources = nullptr;
    DashboardTile *m_nodes = nullptr;
    DashboardTile *m_vms = nullptr;
    DashboardTile *m_tenants = nullptr;
    QLabel *m_recent = nullptr;
};

} // namespace passdeck
