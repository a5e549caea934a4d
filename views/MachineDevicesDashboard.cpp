#include "views/MachineDevicesDashboard.h"

#include "views/DeviceEntryDialog.h"
#include "service/DomainService.h"
#include "service/PassthroughUnits.h"
#include "models/Icons.h"
#include "models/MachineDeviceModel.h"
#include "views/MainWindow.h"
#include "views/TableSetup.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

MachineDevicesDashboard::MachineDevicesDashboard(MainWindow &window, qint64 groupId)
    : Dashboard(window, QStringLiteral("groupmachines"), groupId)
{
    m_group.id = groupId;
    // "New Machine Device…" would be cut in the menu's width; the tooltip says it in full.
    addMenuItem(QStringLiteral("menuNewMachineDevice"), Icons::groupClass(GroupClass::Gpu), tr("New Device…"),
                [this] { newDevice(); })
        ->setToolTip(tr("New machine device: give a VM devices from this group"));
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
    enableWithSelection(m_table, m_delete);
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
               tr("%1 in the group, %2 free, %3 in use.")
                   .arg(PassthroughUnits::describe(m_group.total, m_group.functions, m_group.groupClass),
                        QString::number(m_group.free), QString::number(m_group.inUse)));
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
    auto impact = service().detachImpact(d.vmId, d.id);
    if (!impact) {
        showError(impact.error());
        return;
    }
    if (impact->runningVms.isEmpty()) {
        detachNow(d, false);
        return;
    }
    // A running VM keeps its devices until it stops: the administrator chooses when.
    m_pendingRemove = d;
    askConfirmation(tr("VM <b>%1</b> is running with machine device <b>%2</b>. Remove it when the VM next restarts "
                       "(it keeps the device until then), or stop the VM now and remove it?")
                        .arg(d.vmName.toHtmlEscaped(), d.name.toHtmlEscaped()),
                    impact->devices,
                    {{QStringLiteral("remove-at-restart"), tr("Remove at next restart")},
                     {QStringLiteral("stop-and-remove"), tr("Stop the VM now and remove")},
                     {QStringLiteral("cancel-remove"), tr("Cancel")}});
}

void MachineDevicesDashboard::handleLink(const QString &link)
{
    if (link != QLatin1String("remove-at-restart") && link != QLatin1String("stop-and-remove")
        && link != QLatin1String("cancel-remove"))
        return;
    banner()->clearNotice(QStringLiteral("confirm"));
    const MachineDevice d = m_pendingRemove;
    m_pendingRemove = {};
    if (d.id != 0 && link != QLatin1String("cancel-remove"))
        detachNow(d, link == QLatin1String("stop-and-remove"));
}

void MachineDevicesDashboard::detachNow(const MachineDevice &device, bool stopFirst)
{
    // One change in the service: stop the VM and remove (StopVmFirst), or keep a running VM's
    // device until it stops (KeepUntilStop).
    Status s = service().detach(device.vmId, device.id, stopFirst ? RunningVmPolicy::StopVmFirst : RunningVmPolicy::KeepUntilStop);
    if (!s) {
        showError(s.error());
        return;
    }
    // Read what happened: the service may keep a running VM's device until its restart.
    bool stillThere = false;
    if (auto left = service().machineDevices(device.vmId))
        for (const MachineDevice &m : *left)
            stillThere = stillThere || m.id == device.id;
    QString text = stillThere ? tr("Machine device \"%1\" will be removed from VM %2 when it restarts; it keeps its "
                                   "devices until then.").arg(device.name, device.vmName)
                              : tr("Machine device \"%1\" was removed from VM %2.").arg(device.name, device.vmName);
    if (stopFirst)
        text = tr("VM %1 was powered off.").arg(device.vmName) + QLatin1Char(' ') + text;
    showSuccess(text);
}

} // namespace passdeck
