#include "MachineDevicesDashboard.h"

#include "DeviceEntryDialog.h"
#include "DomainService.h"
#include "Icons.h"
#include "MachineDeviceModel.h"
#include "MainWindow.h"
#include "TableSetup.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace passdeck {

MachineDevicesDashboard::MachineDevicesDashboard(MainWindow &window, qint64 groupId)
    : Dashboard(window, QStringLiteral("groupmachines"), groupId)
{
    m_group.id = groupId;
    addMenuItem(QStringLiteral("menuNewMachineDevice"), Icons::groupClass(GroupClass::Gpu), tr("New Machine Device…"),
                [this] { newDevice(); });
    addMenuItem(QStringLiteral("menuGroup"), Icons::resources(), tr("Resource Group"),
                [this] { mainWindow().navigate(QStringLiteral("group"), argument()); });
    addMenuItem(QStringLiteral("menuVms"), Icons::vm(), tr("Virtual Machines"),
                [this] { mainWindow().navigate(QStringLiteral("vms")); });

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("<b>Machine devices drawing from this group</b>"), this));
    row->addStretch(1);
    auto *add = new QPushButton(Icons::groupClass(GroupClass::Gpu), tr("&New…"), this);
    add->setObjectName(QStringLiteral("newMachineDeviceButton"));
    add->setAccessibleName(tr("New machine device"));
    connect(add, &QPushButton::clicked, this, [this] { newDevice(); });
    m_delete = new QPushButton(Icons::blocker(), tr("&Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteMachineDeviceButton"));
    m_delete->setAccessibleName(tr("Delete machine device"));
    m_delete->setEnabled(false);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteSelected(); });
    row->addWidget(add);
    row->addWidget(m_delete);
    contentLayout()->addLayout(row);

    m_model = new MachineDeviceModel(this);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("groupMachineDevicesTable"), tr("Machine devices of the group"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(false);
    m_table->setModel(m_model);
    m_table->setColumnHidden(MachineDeviceModel::GroupColumn, true);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_delete->setEnabled(m_table->selectionModel()->hasSelection()); });
    auto open = [this](const QModelIndex &i) {
        if (i.isValid())
            mainWindow().navigate(QStringLiteral("vm"), i.data(MachineDeviceModel::VmIdRole).toLongLong());
    };
    connect(m_table, &QTableView::doubleClicked, this, open);
    connect(m_table, &QTableView::activated, this, open);
    contentLayout()->addWidget(m_table, 1);
}

QString MachineDevicesDashboard::title() const
{
    return tr("Machine Devices");
}

QList<Crumb> MachineDevicesDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Resource Manager"), QStringLiteral("resources"), 0},
            {m_group.name.isEmpty() ? tr("Resource Group") : m_group.name, QStringLiteral("group"), argument()},
            {title(), dashboardId(), argument()}};
}

void MachineDevicesDashboard::refresh()
{
    auto group = service().group(argument());
    if (!group) {
        showError(group.error());
        return;
    }
    m_group = *group;
    setHeading(Icons::groupClass(m_group.groupClass), tr("Machine devices of %1").arg(m_group.name),
               tr("%1 device(s) in the group, %2 free, %3 in use.").arg(m_group.total).arg(m_group.free).arg(m_group.inUse));
    auto devices = service().groupMachineDevices(argument());
    if (!devices) {
        showError(devices.error());
        return;
    }
    m_model->setItems(*devices);
    m_table->resizeColumnsToContents();

    // The VMs that still have to restart to get their devices, each a link to its dashboard.
    QStringList waiting;
    QSet<qint64> seen;
    for (const MachineDevice &m : *devices) {
        if (m.allocated.size() >= m.count || seen.contains(m.vmId))
            continue;
        auto vm = service().vm(m.vmId);
        if (vm && vm->restartNeeded) {
            seen.insert(m.vmId);
            waiting << QStringLiteral("<a href=\"nav:vm:%1\">%2</a>").arg(m.vmId).arg(m.vmName.toHtmlEscaped());
        }
    }
    if (waiting.isEmpty())
        banner()->clearNotice(QStringLiteral("restart"));
    else
        banner()->setNotice(QStringLiteral("restart"), MessageBanner::Level::Warning,
                            tr("%1 need(s) a restart to attach the device. Open the VM and click Restart.")
                                .arg(waiting.join(QStringLiteral(", "))));
}

DeviceEntryDialog *MachineDevicesDashboard::newDevice()
{
    auto *dialog = DeviceEntryDialog::forGroup(service(), argument(), this);
    connect(dialog, &DeviceEntryDialog::attached, this, [this](const MachineDevice &d) {
        showSuccess(tr("Machine device \"%1\" was added to VM %2; it needs a restart to attach the device.")
                        .arg(d.name, d.vmName));
    });
    dialog->show();
    return dialog;
}

void MachineDevicesDashboard::deleteSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const MachineDevice d = m_model->item(rows.first().row());
    Status s = service().detach(d.vmId, d.id);
    if (!s) {
        showError(s.error());
        return;
    }
    showSuccess(tr("Machine device \"%1\" was removed from VM %2.").arg(d.name, d.vmName));
}

} // namespace passdeck
