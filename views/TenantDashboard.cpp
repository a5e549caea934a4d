#include "views/TenantDashboard.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "models/ResourceGroupModel.h"
#include "views/TableSetup.h"
#include "views/TenantCreateDialog.h"
#include "models/TenantNodeModel.h"
#include "views/VmCreateDialog.h"
#include "models/VmModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace passdeck {

TenantDashboard::TenantDashboard(MainWindow &window, qint64 tenantId) : Dashboard(window, QStringLiteral("tenant"), tenantId)
{
    m_tenant.id = tenantId;
    addMenuItem(QStringLiteral("menuTenantNodes"), Icons::node(), tr("Nodes"), [this] { m_tabs->setCurrentIndex(0); });
    addMenuItem(QStringLiteral("menuTenantGroups"), Icons::resources(), tr("Resource Groups"),
                [this] { m_tabs->setCurrentIndex(1); });
    addMenuItem(QStringLiteral("menuTenantVms"), Icons::vm(), tr("Virtual Machines"), [this] { m_tabs->setCurrentIndex(2); });
    addMenuHeading(tr("Actions"));
    addMenuItem(QStringLiteral("menuAddTenantNode"), Icons::node(), tr("Add Tenant Node…"), [this] { addNode(); });
    addMenuItem(QStringLiteral("menuNewTenantVm"), Icons::vm(), tr("New VM…"), [this] { newVm(); });
    addMenuItem(QStringLiteral("menuTenants"), Icons::tenant(), tr("Tenants"),
                [this] { mainWindow().navigate(QStringLiteral("tenants")); });

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tenantTabs"));
    m_tabs->setAccessibleName(tr("Tenant"));
    m_nodeModel = new TenantNodeModel(this);
    m_nodes = new QTableView(this);
    configureTable(m_nodes, QStringLiteral("tenantNodesTable"), tr("Tenant nodes"));
    m_nodes->setSelectionMode(QAbstractItemView::SingleSelection);
    m_nodes->setSortingEnabled(false);
    m_nodes->setModel(m_nodeModel);
    // Its last column is a number: stretched, it would sit far from its heading.
    m_nodes->horizontalHeader()->setStretchLastSection(false);
    m_nodes->setToolTip(tr("Double-click a tenant node to see its devices and pass it more."));
    auto openNode = [this](const QModelIndex &i) {
        if (i.isValid())
            mainWindow().navigate(QStringLiteral("tenantnode"), i.data(TenantNodeModel::TenantNodeIdRole).toLongLong());
    };
    connect(m_nodes, &QTableView::doubleClicked, this, openNode);
    connect(m_nodes, &QTableView::activated, this, openNode);
    m_tabs->addTab(m_nodes, Icons::node(), tr("Nodes"));

    m_groupModel = new ResourceGroupModel(this);
    m_groups = new QTableView(this);
    configureTable(m_groups, QStringLiteral("tenantGroupsTable"), tr("Tenant resource groups"));
    m_groups->setSelectionMode(QAbstractItemView::SingleSelection);
    m_groups->setSortingEnabled(false);
    m_groups->setModel(m_groupModel);
    auto openGroup = [this](const QModelIndex &i) {
        if (i.isValid())
            mainWindow().navigate(QStringLiteral("group"), i.data(ResourceGroupModel::GroupIdRole).toLongLong());
    };
    connect(m_groups, &QTableView::doubleClicked, this, openGroup);
    connect(m_groups, &QTableView::activated, this, openGroup);
    m_tabs->addTab(m_groups, Icons::resources(), tr("Resource Groups"));

    m_vmModel = new VmModel(this);
    m_vms = new QTableView(this);
    configureTable(m_vms, QStringLiteral("tenantVmsTable"), tr("Tenant VMs"));
    m_vms->setSelectionMode(QAbstractItemView::SingleSelection);
    m_vms->setSortingEnabled(false);
    m_vms->setModel(m_vmModel);
    m_vms->setColumnHidden(VmModel::OwnerColumn, true);
    auto openVm = [this](const QModelIndex &i) {
        if (i.isValid())
            mainWindow().navigate(QStringLiteral("vm"), i.data(VmModel::VmIdRole).toLongLong());
    };
    connect(m_vms, &QTableView::doubleClicked, this, openVm);
    connect(m_vms, &QTableView::activated, this, openVm);
    m_tabs->addTab(m_vms, Icons::vm(), tr("Virtual Machines"));
    contentLayout()->addWidget(m_tabs, 1);
    auto *hint = new QLabel(tr("Double-click a tenant node to pass it devices, a group to see its devices, a VM to "
                               "give it devices from the tenant's groups."),
                            this);
    hint->setObjectName(QStringLiteral("tenantHint"));
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: palette(dark);"));
    contentLayout()->addWidget(hint);
}

QString TenantDashboard::title() const
{
    return m_tenant.name.isEmpty() ? tr("Tenant") : m_tenant.name;
}

QList<Crumb> TenantDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Tenants"), QStringLiteral("tenants"), 0},
            {title(), dashboardId(), argument()}};
}

void TenantDashboard::refresh()
{
    auto tenant = service().tenant(argument());
    if (!tenant) {
        showError(tenant.error());
        return;
    }
    m_tenant = *tenant;
    setHeading(Icons::tenant(), tr("Tenant %1").arg(m_tenant.name),
               m_tenant.description.isEmpty()
                   ? tr("%n device(s) reserved to the tenant (thick provisioning).", nullptr, m_tenant.reservedDevices)
                   : m_tenant.description);
    m_tabs->setTabText(0, tr("Nodes (%1)").arg(m_tenant.nodeCount));
    m_tabs->setTabText(1, tr("Resource Groups (%1)").arg(m_tenant.groupCount));
    m_tabs->setTabText(2, tr("Virtual Machines (%1)").arg(m_tenant.vmCount));
    if (auto nodes = service().tenantNodes(argument()))
        m_nodeModel->setItems(*nodes);
    else
        showError(nodes.error());
    if (auto groups = service().groups(GroupOwner::Tenant, argument()))
        m_groupModel->setItems(*groups);
    else
        showError(groups.error());
    if (auto vms = service().vms(argument())) {
        QHash<qint64, int> requested;
        for (const Vm &v : *vms) {
            int n = 0;
            if (auto devices = service().machineDevices(v.id))
                for (const MachineDevice &m : *devices)
                    n += m.count;
            requested.insert(v.id, n);
        }
        m_vmModel->setRequestedDevices(requested);
        m_vmModel->setItems(*vms);
    }
    else
        showError(vms.error());
    for (QTableView *t : {m_nodes, m_groups, m_vms})
        t->resizeColumnsToContents();
}

TenantCreateDialog *TenantDashboard::addNode()
{
    auto *dialog = new TenantCreateDialog(service(), argument(), this);
    connect(dialog, &TenantCreateDialog::tenantNodeCreated, this, [this](const TenantNode &n) {
        m_tabs->setCurrentIndex(0);
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Success,
                            tr("Tenant node <a href=\"nav:tenantnode:%1\">%2</a> on node %3 was added. Open it to pass "
                               "it devices.")
                                .arg(n.id)
                                .arg(n.name.toHtmlEscaped(), n.nodeName.toHtmlEscaped()));
    });
    dialog->show();
    return dialog;
}

VmCreateDialog *TenantDashboard::newVm()
{
    auto *dialog = new VmCreateDialog(service(), this);
    dialog->selectOwner(argument());
    connect(dialog, &VmCreateDialog::created, this, [this](const Vm &vm) {
        m_tabs->setCurrentIndex(2);
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Success,
                            tr("VM <a href=\"nav:vm:%1\">%2</a> was created on tenant node %3.")
                                .arg(vm.id)
                                .arg(vm.name.toHtmlEscaped(), vm.tenantNodeName.toHtmlEscaped()));
    });
    dialog->show();
    return dialog;
}

} // namespace passdeck
