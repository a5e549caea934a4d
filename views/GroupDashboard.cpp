#include "views/GroupDashboard.h"

#include "service/DomainService.h"
#include "service/PassthroughUnits.h"
#include "models/GroupClassNames.h"
#include "views/GroupEditDialog.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"
#include "views/TableSetup.h"

#include <QGroupBox>
#include <QLabel>
#include <QMap>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

GroupDashboard::GroupDashboard(MainWindow &window, qint64 groupId) : Dashboard(window, QStringLiteral("group"), groupId)
{
    m_group.id = groupId;
    addMenuItem(QStringLiteral("menuEditGroup"), Icons::info(), tr("Edit…"), [this] { edit(); });
    addMenuItem(QStringLiteral("menuAddDevices"), Icons::groupClass(GroupClass::Other), tr("Add Devices…"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), 0); });
    m_remove = addMenuItem(QStringLiteral("menuRemoveFromGroup"), Icons::warning(), tr("Remove from Group"),
                           [this] { removeSelected(); });
    m_remove->setEnabled(false);
    addMenuItem(QStringLiteral("menuViewMachineDevices"), Icons::vm(), tr("View Machine Devices"),
                [this] { mainWindow().navigate(QStringLiteral("groupmachines"), argument()); });
    m_deleteItem = addMenuItem(QStringLiteral("menuDeleteGroup"), Icons::blocker(), tr("Delete Group"),
                               [this] { requestDelete(); });
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });

    auto *box = new QGroupBox(tr("Details"), this);
    auto *boxLayout = new QVBoxLayout(box);
    m_details = new QLabel(box);
    m_details->setObjectName(QStringLiteral("groupDetails"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    boxLayout->addWidget(m_details);
    contentLayout()->addWidget(box);

    m_model = new PciDeviceModel(this);
    m_proxy = new PciDeviceFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("groupDevicesTable"), tr("Devices in this group"));
    m_table->setModel(m_proxy);
    m_table->sortByColumn(PciDeviceModel::NodeColumn, Qt::AscendingOrder);
    m_table->setColumnHidden(PciDeviceModel::ResourceGroupColumn, true); // this group, on every row
    enableWithSelection(m_table, m_remove);
    auto *devicesTitle = new QLabel(tr("<b>Devices</b>"), this);
    contentLayout()->addWidget(devicesTitle);
    contentLayout()->addWidget(m_table, 1);
}

QString GroupDashboard::title() const
{
    return m_group.name.isEmpty() ? tr("Resource Group") : m_group.name;
}

QList<Crumb> GroupDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Resource Manager"), QStringLiteral("resources"), 0},
            {title(), dashboardId(), argument()}};
}

void GroupDashboard::refresh()
{
    if (m_gone)
        return;
    auto group = service().group(argument());
    if (!group) {
        showError(group.error());
        return;
    }
    m_group = *group;
    setHeading(Icons::groupClass(m_group.groupClass), tr("Resource group %1").arg(m_group.name),
               m_group.description);
    QString details = tr("<table cellspacing=4>"
                         "<tr><td><b>Type</b></td><td>%1</td><td width=30></td><td><b>Units</b></td><td>%2</td></tr>"
                         "<tr><td><b>Class</b></td><td>%3</td><td></td><td><b>Free</b></td><td>%4</td></tr>"
                         "<tr><td><b>Owner</b></td><td>%5</td><td></td><td><b>In use</b></td><td>%6</td></tr>"
                         "</table>")
                          .arg(m_group.type.toHtmlEscaped())
                          .arg(PassthroughUnits::describe(m_group.total, m_group.functions, m_group.groupClass))
                          .arg(GroupClassNames::display(m_group.groupClass).toHtmlEscaped())
                          .arg(PassthroughUnits::describe(m_group.free, 0, m_group.groupClass))
                          .arg(GroupClassNames::owner(m_group).toHtmlEscaped())
                          .arg(PassthroughUnits::describe(m_group.inUse + m_group.tenantReserved, 0, m_group.groupClass));
    m_details->setText(details);
    auto devices = service().groupDevices(argument());
    if (!devices) {
        showError(devices.error());
        return;
    }
    m_model->setDevices(*devices);
    fitColumns(m_table, 220);
    // Why Delete would be refused, before anyone clicks it.
    if (auto impact = service().deleteGroupImpact(argument()); impact && impact->refusal)
        m_deleteItem->setToolTip(tr("Cannot be deleted now: %1. %2").arg(impact->refusal->why, impact->refusal->hint));
    else
        m_deleteItem->setToolTip(tr("Delete this group; its devices go back to their host drivers."));
    if (auto notices = service().rebootRequired())
        showRebootNotices(*notices);
}

GroupEditDialog *GroupDashboard::edit()
{
    return GroupEditDialog::editGroup(service(), m_group, this);
}

void GroupDashboard::removeSelected()
{
    QMap<qint64, QStringList> byNode;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows) {
        const DeviceRecord &d = m_model->device(m_proxy->mapToSource(i).row());
        byNode[d.nodeId] << d.address;
    }
    if (byNode.isEmpty())
        return;
    m_remove->setEnabled(false);
    DomainService *s = &service();
    runInBackground<Result<QList<ResourceChange>>>(
        [s, byNode]() -> Result<QList<ResourceChange>> {
            QList<ResourceChange> changes;
            for (auto it = byNode.constBegin(); it != byNode.constEnd(); ++it) {
                auto change = s->removeResource(it.key(), it.value());
                if (!change)
                    return change.error();
                changes << *change;
            }
            return changes;
        },
        [this](const Result<QList<ResourceChange>> &r) {
            if (!r)
                showError(r.error());
            else
                showSuccess(removalOutcome(*r));
            refresh();
        });
}

QString GroupDashboard::removalOutcome(const QList<ResourceChange> &changes)
{
    // What happened, not what was asked: a device that stayed busy keeps vfio-pci until its
    // node reboots, and the message must agree with the reboot banner beside it.
    int moved = 0;
    QStringList waiting;
    for (const ResourceChange &c : changes) {
        moved += int(c.devices.size());
        if (c.rebootRequired) {
            for (const QString &a : c.rebootDevices)
                waiting << tr("%1 on %2").arg(a, c.nodeName);
        }
    }
    if (waiting.isEmpty())
        return tr("%n device(s) went back to their host drivers and left the group.", nullptr, moved);
    const int back = moved - int(waiting.size());
    QString text = tr("%n device(s) left the group.", nullptr, moved);
    if (back > 0)
        text += QLatin1Char(' ') + tr("%n went back to their host drivers.", nullptr, back);
    text += QLatin1Char(' ') + tr("%1 stay on vfio-pci until the node reboots.").arg(waiting.join(QStringLiteral(", ")));
    return text;
}

void GroupDashboard::requestDelete()
{
    auto impact = service().deleteGroupImpact(argument());
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
    const QString question = m_group.owner == GroupOwner::Host && m_group.total > 0
        ? tr("Delete resource group <b>%1</b>? Its %2 go back to their host drivers.")
              .arg(m_group.name.toHtmlEscaped(),
                   PassthroughUnits::describe(m_group.total, m_group.functions, m_group.groupClass))
        : tr("Delete resource group <b>%1</b>?").arg(m_group.name.toHtmlEscaped());
    askConfirmation(question, impact->devices,
                    {{QStringLiteral("confirm-delete"), tr("Delete")}, {QStringLiteral("cancel-delete"), tr("Cancel")}});
}

void GroupDashboard::handleLink(const QString &link)
{
    if (link == QLatin1String("confirm-delete"))
        deleteNow();
    else if (link == QLatin1String("cancel-delete"))
        banner()->clearNotice(QStringLiteral("confirm"));
}

void GroupDashboard::deleteNow()
{
    banner()->clearNotice(QStringLiteral("confirm"));
    // A group in use (machine devices, tenant groups drawn from it) is refused as it stands, so
    // the reason is shown and nothing moved. Otherwise its devices go back to the host first,
    // off the GUI thread: the service deletes only an empty group.
    QMap<qint64, QStringList> byNode;
    if (m_group.owner == GroupOwner::Host && m_group.machineDevices == 0) {
        for (const DeviceRecord &d : m_model->devices())
            byNode[d.nodeId] << d.address;
    }
    DomainService *s = &service();
    const qint64 id = argument();
    runInBackground<Result<QList<ResourceChange>>>(
        [s, id, byNode]() -> Result<QList<ResourceChange>> {
            QList<ResourceChange> changes;
            for (auto it = byNode.constBegin(); it != byNode.constEnd(); ++it) {
                auto change = s->removeResource(it.key(), it.value());
                if (!change)
                    return change.error();
                changes << *change;
            }
            if (Status st = s->deleteGroup(id); !st)
                return st.error();
            return changes;
        },
        [this](const Result<QList<ResourceChange>> &r) {
            if (!r) {
                showError(r.error());
                refresh();
                return;
            }
            m_gone = true;
            const QString name = m_group.name;
            QString text = tr("Resource group \"%1\" was deleted.").arg(name);
            if (!r->isEmpty())
                text += QLatin1Char(' ') + removalOutcome(*r);
            MainWindow &w = mainWindow();
            w.discard(this);
            if (Dashboard *d = w.navigate(QStringLiteral("resources")))
                d->showSuccess(text);
        });
}

} // namespace passdeck
