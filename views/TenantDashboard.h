#pragma once

#include "views/Dashboard.h"
#include "core/DomainTypes.h"

class QLabel;
class QTabWidget;
class QTableView;

namespace passdeck {

class ResourceGroupModel;
class TenantCreateDialog;
class TenantNodeModel;
class VmCreateDialog;
class VmModel;

// One tenant: its nodes (double-click: the tenant node's dashboard), its resource groups
// (double-click: the group's dashboard) and its VMs (double-click: the VM's dashboard).
class TenantDashboard : public Dashboard
{
    Q_OBJECT
public:
    TenantDashboard(MainWindow &window, qint64 tenantId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    const Tenant &tenant() const { return m_tenant; }
    QTabWidget *tabs() const { return m_tabs; }
    QTableView *nodesTable() const { return m_nodes; }
    QTableView *groupsTable() const { return m_groups; }
    QTableView *vmsTable() const { return m_vms; }
    TenantNodeModel *nodesModel() const { return m_nodeModel; }
    ResourceGroupModel *groupsModel() const { return m_groupModel; }
    VmModel *vmsModel() const { return m_vmModel; }

    TenantCreateDialog *addNode();
    VmCreateDialog *newVm();

private:
    Tenant m_tenant;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_nodes = nullptr;
    QTableView *m_groups = nullptr;
    QTableView *m_vms = nullptr;
    TenantNodeModel *m_nodeModel = nullptr;
    ResourceGroupModel *m_groupModel = nullptr;
    VmModel *m_vmModel = nullptr;
};

} // namespace passdeck
