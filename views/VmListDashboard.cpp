#include "views/VmListDashboard.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "views/TableSetup.h"
#include "views/VmCreateDialog.h"
#include "views/VmDashboard.h"
#include "models/VmModel.h"

#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

VmListDashboard::VmListDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("vms"), 0)
{
    setHeading(Icons::vm(), tr("Virtual Machines"), tr("VMs and the PCI devices they draw from resource groups."));
    addMenuItem(QStringLiteral("menuNewVm"), Icons::vm(), tr("New VM…"), [this] { newVm(); });
    m_deleteItem = addMenuItem(QStringLiteral("menuDeleteVm"), Icons::blocker(), tr("Delete VM"),
                               [this] { requestDelete(); });
    m_deleteItem->setEnabled(false);
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
    enableWithSelection(m_table, m_deleteItem);
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
    // "requested" counts PCI devices (the machine devices' Counts), like "allocated" does.
    QHash<qint64, int> requested;
    for (const Vm &v : *vms) {
        if (v.machineDeviceCount == 0)
            continue;
        if (auto devices = service().machineDevices(v.id)) {
            int n = 0;
            for (const MachineDevice &m : *devices)
                n += m.count;
            requested.insert(v.id, n);
        }
    }
    m_model->setRequestedDevices(requested);
    m_model->setItems(*vms);
    // Few rows: sizing on every refresh keeps new, longer names readable.
    m_table->resizeColumnsToContents();
    int waiting = 0;
    for (const Vm &v : *vms)
        waiting += v.restartNeeded ? 1 : 0;
    if (waiting > 0)
        banner()->setNotice(QStringLiteral("restart"), MessageBanner::Level::Warning,
                            tr("%n VM(s) need a restart to attach their devices (marked in the Restart column).",
                               nullptr, waiting));
    else
        banner()->clearNotice(QStringLiteral("restart"));
}

VmCreateDialog *VmListDashboard::newVm()
{
    auto *dialog = new VmCreateDialog(service(), this);
    connect(dialog, &VmCreateDialog::created, this, [this](const Vm &vm) {
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Success,
                            tr("VM <a href=\"nav:vm:%1\">%2</a> was created on node %3. Open it to give it devices.")
                                .arg(vm.id)
                                .arg(vm.name.toHtmlEscaped(), vm.nodeName.toHtmlEscaped()));
    });
    dialog->show();
    return dialog;
}

qint64 VmListDashboard::selectedVm() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(VmModel::VmIdRole).toLongLong();
}

void VmListDashboard::requestDelete()
{
    m_pendingDelete = selectedVm();
    if (m_pendingDelete == 0)
        return;
    auto vm = service().vm(m_pendingDelete);
    if (!vm) {
        showError(vm.error());
        return;
    }
    auto impact = service().deleteVmImpact(m_pendingDelete);
    if (!impact) {
        showError(impact.error());
        return;
    }
    askConfirmation(VmDashboard::deleteQuestion(*vm, *impact), impact->devices,
                    {{QStringLiteral("confirm-delete"), vm->power == PowerState::On ? tr("Stop and delete") : tr("Delete")},
                     {QStringLiteral("cancel-delete"), tr("Cancel")}});
}

void VmListDashboard::handleLink(const QString &link)
{
    if (link == QLatin1String("confirm-delete"))
        deleteNow();
    else if (link == QLatin1String("cancel-delete"))
        banner()->clearNotice(QStringLiteral("confirm"));
}

void VmListDashboard::deleteNow()
{
    banner()->clearNotice(QStringLiteral("confirm"));
    if (m_pendingDelete == 0)
        return;
    auto vm = service().vm(m_pendingDelete);
    const QString name = vm ? vm->name : QString();
    Status s = service().deleteVm(m_pendingDelete);
    m_pendingDelete = 0;
    if (!s) {
        showError(s.error());
        return;
    }
    showSuccess(tr("VM \"%1\" was deleted.").arg(name));
}

} // namespace passdeck
