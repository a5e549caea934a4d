#include "views/DeviceEntryDialog.h"

#include "service/DomainService.h"
#include "models/Icons.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace passdeck {

namespace {
constexpr int maxCount = 999;
QString bold(const QString &text) { return QStringLiteral("<b>%1</b>").arg(text.toHtmlEscaped()); }
} // namespace

DeviceEntryDialog *DeviceEntryDialog::forVm(DomainService &service, qint64 vmId, QWidget *parent)
{
    return new DeviceEntryDialog(service, Mode::Vm, vmId, parent);
}

DeviceEntryDialog *DeviceEntryDialog::forGroup(DomainService &service, qint64 groupId, QWidget *parent)
{
    return new DeviceEntryDialog(service, Mode::Group, groupId, parent);
}

DeviceEntryDialog *DeviceEntryDialog::forTenantNode(DomainService &service, qint64 tenantNodeId, QWidget *parent)
{
    return new DeviceEntryDialog(service, Mode::TenantNode, tenantNodeId, parent);
}

DeviceEntryDialog::DeviceEntryDialog(DomainService &service, Mode mode, qint64 subjectId, QWidget *parent)
    : QDialog(parent), m_service(service), m_mode(mode), m_subjectId(subjectId)
{
    setObjectName(QStringLiteral("deviceEntryDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(640);
    build();
    load();
    updateState();
}

void DeviceEntryDialog::build()
{
    auto *layout = new QVBoxLayout(this);
    m_intro = new QLabel(this);
    m_intro->setObjectName(QStringLiteral("deviceEntryIntro"));
    m_intro->setWordWrap(true);
    m_intro->setTextFormat(Qt::RichText);
    layout->addWidget(m_intro);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto named = [](QWidget *w, const QString &objectName, const QString &accessible) {
        w->setObjectName(objectName);
        w->setAccessibleName(accessible);
    };
    m_machine = new QComboBox(this);
    named(m_machine, QStringLiteral("machineCombo"), tr("Machine"));
    m_machine->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_machine->setMinimumContentsLength(32);
    m_name = new QLineEdit(this);
    named(m_name, QStringLiteral("deviceNameEdit"), tr("Name"));
    m_name->setMaxLength(128);
    m_type = new QComboBox(this);
    named(m_type, QStringLiteral("deviceTypeCombo"), tr("Type"));
    m_type->addItem(tr("PCI"), QStringLiteral("PCI"));
    m_description = new QLineEdit(this);
    named(m_description, QStringLiteral("deviceDescriptionEdit"), tr("Description"));
    m_description->setPlaceholderText(tr("Optional"));
    m_group = new QComboBox(this);
    named(m_group, QStringLiteral("resourceGroupCombo"), tr("Resource Group"));
    // Names and counts are never cut ("render-01 (node-a)", "GPUs — 1 GPU (2 functions) free on node-a").
    m_group->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_group->setMinimumContentsLength(32);
    m_count = new QSpinBox(this);
    named(m_count, QStringLiteral("deviceCountSpin"), tr("Count"));
    m_count->setRange(1, maxCount);
    m_availability = new QLabel(this);
    m_availability->setObjectName(QStringLiteral("availabilityLabel"));
    m_availability->setWordWrap(true);
    m_availability->setTextFormat(Qt::RichText);
    auto *countRow = new QHBoxLayout;
    countRow->addWidget(m_count);
    countRow->addWidget(m_availability, 1);

    if (m_mode == Mode::Group)
        form->addRow(tr("&Machine:"), m_machine);
    else
        m_machine->hide();
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Resource Group:"), m_group);
    auto *countLabel = new QLabel(tr("&Count:"), this);
    countLabel->setBuddy(m_count);
    form->addRow(countLabel, countRow);
    layout->addLayout(form);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("deviceEntryMessage"));
    m_message->setAccessibleName(tr("Message"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_message->hide();
    layout->addWidget(m_message);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(tr("&Submit"), QDialogButtonBox::AcceptRole);
    named(m_submit, QStringLiteral("submitButton"), tr("Submit"));
    m_submit->setDefault(true);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    named(cancel, QStringLiteral("cancelButton"), tr("Cancel"));
    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_machine, &QComboBox::currentIndexChanged, this, [this] { fillGroups(); });
    connect(m_group, &QComboBox::currentIndexChanged, this, [this] { updateState(); });
    connect(m_count, &QSpinBox::valueChanged, this, [this] { updateState(); });
}

void DeviceEntryDialog::load()
{
    auto fail = [this](const Error &e) {
        showMessage(bold(e.what) + QStringLiteral(": ") + e.why.toHtmlEscaped(), true);
    };
    if (auto tn = m_service.tenantNodes(0))
        m_allTenantNodes = *tn;
    QString groupName;
    switch (m_mode) {
    case Mode::Vm: {
        auto vm = m_service.vm(m_subjectId);
        if (!vm)
            return fail(vm.error());
        m_vms = {*vm};
        // A tenant VM is offered all of its tenant's groups, so that one attached to another
        // tenant node is explained rather than silently missing.
        auto groups = vm->owner == GroupOwner::Host ? m_service.groups(GroupOwner::Host)
                                                    : m_service.groups(GroupOwner::Tenant, vm->tenantId);
        if (!groups)
            return fail(groups.error());
        m_groups = *groups;
        setWindowTitle(tr("New device for %1").arg(vm->name));
        m_intro->setText(tr("Give VM %1 (node %2) devices from a resource group. The VM gets them at its next restart.")
                             .arg(bold(vm->name), bold(vm->nodeName)));
        break;
    }
    case Mode::Group: {
        auto group = m_service.group(m_subjectId);
        if (!group)
            return fail(group.error());
        m_groups = {*group};
        groupName = group->name;
        auto vms = m_service.vms(group->owner == GroupOwner::Host ? 0 : group->tenantId);
        if (!vms)
            return fail(vms.error());
        m_vms = *vms;
        setWindowTitle(tr("New machine device from %1").arg(group->name));
        m_intro->setText(tr("Give a machine devices from resource group %1. It gets them at its next restart.")
                             .arg(bold(group->name)));
        break;
    }
    case Mode::TenantNode: {
        for (const TenantNode &n : std::as_const(m_allTenantNodes))
            if (n.id == m_subjectId)
                m_tenantNode = n;
        if (m_tenantNode.id == 0)
            return fail(Error::make(ErrorCode::NotFound, tr("Opening the tenant node"),
                                    tr("tenant node #%1 no longer exists").arg(m_subjectId)));
        auto groups = m_service.groups(GroupOwner::Host);
        if (!groups)
            return fail(groups.error());
        m_groups = *groups;
        setWindowTitle(tr("New devices for tenant node %1").arg(m_tenantNode.name));
        m_intro->setText(tr("Pass devices of a host resource group on node %1 to tenant %2's node %3. They become a "
                            "new resource group of the tenant, reserved to it even while idle (thick provisioning). "
                            "The Name names that group.")
                             .arg(bold(m_tenantNode.nodeName), bold(m_tenantNode.tenantName), bold(m_tenantNode.name)));
        break;
    }
    }
    {
        const QSignalBlocker blocker(m_machine);
        for (const Vm &v : std::as_const(m_vms)) {
            const QString where = v.owner == GroupOwner::Host
                                      ? v.nodeName
                                      : tr("tenant node %1 on %2").arg(v.tenantNodeName, v.nodeName);
            m_machine->addItem(Icons::vm(), tr("%1 (%2)").arg(v.name, where), v.id);
        }
    }
    m_loaded = true;
    fillGroups();
}

void DeviceEntryDialog::fillGroups()
{
    if (!m_loaded)
        return;
    const qint64 keep = m_group->currentData().toLongLong();
    const QSignalBlocker blocker(m_group);
    m_group->clear();
    const Vm *vm = nullptr;
    if (m_mode != Mode::TenantNode && m_machine->currentIndex() >= 0 && m_machine->currentIndex() < m_vms.size())
        vm = &m_vms.at(m_machine->currentIndex());
    int firstUsable = -1;
    for (const ResourceGroup &g : std::as_const(m_groups)) {
        QString text;
        GroupAvailability a;
        if (m_mode == Mode::TenantNode) {
            a = availability(g.id, 0);
            text = tr("%1 — %2 free on %3").arg(g.name, MachineDeviceCapacity::unitsText(a, a.free), m_tenantNode.nodeName);
        } else if (vm) {
            a = availability(g.id, vm->id);
            if (a.wrongTenantNode)
                text = tr("%1 — on tenant node %2, not the VM's").arg(g.name, g.tenantNodeName);
            else
                text = tr("%1 — %2 free on %3").arg(g.name, MachineDeviceCapacity::unitsText(a, a.free), vm->nodeName);
        } else {
            text = g.name;
        }
        m_group->addItem(Icons::groupClass(g.groupClass), text, g.id);
        m_group->setItemData(m_group->count() - 1, text, Qt::ToolTipRole);
        if (firstUsable < 0 && a.capacity > 0 && !a.wrongTenantNode)
            firstUsable = m_group->count() - 1;
    }
    // Keep the user's choice; otherwise preselect a group the consumer can actually draw from.
    const int row = m_group->findData(keep);
    m_group->setCurrentIndex(row >= 0 ? row : (firstUsable >= 0 ? firstUsable : (m_group->count() > 0 ? 0 : -1)));
    m_group->setEnabled(m_mode != Mode::Group && m_group->count() > 0);
    m_submit->setEnabled(false);
    updateState();
}

bool DeviceEntryDialog::selectGroup(qint64 groupId)
{
    const int row = m_group->findData(groupId);
    if (row < 0)
        return false;
    m_group->setCurrentIndex(row);
    return true;
}

bool DeviceEntryDialog::selectMachine(qint64 vmId)
{
    const int row = m_machine->findData(vmId);
    if (row < 0)
        return false;
    m_machine->setCurrentIndex(row);
    return true;
}

void DeviceEntryDialog::updateState()
{
    if (!m_loaded) {
        m_submit->setEnabled(false);
        return;
    }
    m_message->hide();
    const qint64 groupId = m_group->currentData().toLongLong();
    const ResourceGroup *group = nullptr;
    for (const ResourceGroup &g : std::as_const(m_groups))
        if (g.id == groupId)
            group = &g;
    const Vm *vm = nullptr;
    if (m_mode != Mode::TenantNode && m_machine->currentIndex() >= 0 && m_machine->currentIndex() < m_vms.size())
        vm = &m_vms.at(m_machine->currentIndex());

    if (!group || (m_mode != Mode::TenantNode && !vm)) {
        m_current = {};
        m_availability->clear();
        showMessage(!group ? tr("There is no resource group to draw from. Make devices a resource first "
                                "(Resource Manager → PCI Devices → Make Resource).")
                           : tr("There is no machine that may use this group. Create a VM first "
                                "(Virtual Machines → List → New VM)."),
                    true);
        m_submit->setEnabled(false);
        return;
    }
    m_name->setPlaceholderText(tr("Blank: generated (e.g. %1-1)").arg(group->name));
    QString where;
    if (m_mode == Mode::TenantNode) {
        m_current = availability(group->id, 0);
        where = m_tenantNode.nodeName;
    } else {
        m_current = availability(group->id, vm->id);
        where = vm->nodeName;
    }
    const int count = m_count->value();
    // What this Count gets (a unit is a whole IOMMU group: "1 GPU (2 functions)"), then what
    // there is on the node.
    QString text = tr("Count %1 = %2.").arg(count).arg(MachineDeviceCapacity::unitsText(m_current, count)) + QLatin1Char(' ')
                   + tr("%1 available on node %2").arg(MachineDeviceCapacity::unitsText(m_current, m_current.capacity), bold(where));
    if (m_current.free != m_current.capacity)
        text += tr(" (%1 free now)").arg(m_current.free);
    if (m_current.own > 0)
        text += tr("; %n held by this VM now (its restart takes them again)", nullptr, m_current.own);
    if (m_current.claimed > 0)
        text += tr("; %n taken by the VM's other machine devices of the group", nullptr, m_current.claimed);
    if (m_current.reserved > 0)
        text += tr("; %n owned by tenants", nullptr, m_current.reserved);
    if (m_current.wrongTenantNode)
        text = tr("none for this VM: the group's devices are on tenant node %1").arg(bold(group->tenantNodeName));
    m_availability->setText(text);
    m_availability->setToolTip(tr("A unit is all the group's devices of one IOMMU group on the node (a GPU and its audio "
                                  "function are one): VFIO gives an IOMMU group to one VM or tenant only."));

    if (m_current.wrongTenantNode) {
        QString node;
        for (const TenantNode &n : std::as_const(m_allTenantNodes))
            if (n.id == group->tenantNodeId)
                node = n.nodeName;
        showMessage(tr("The devices of group %1 are attached to tenant node %2 on node %3, but VM %4 runs on tenant "
                       "node %5. The VM must run on tenant node %2 (node %3) to use them.")
                        .arg(bold(group->name), bold(group->tenantNodeName), bold(node), bold(vm->name),
                             bold(vm->tenantNodeName)),
                    true);
        m_submit->setEnabled(false);
        return;
    }
    if (count > m_current.capacity) {
        QString why;
        if (m_mode == Mode::TenantNode)
            why = tr("Count is %1, but group %2 has only %3 free on node %4.")
                      .arg(count).arg(bold(group->name), MachineDeviceCapacity::unitsText(m_current, m_current.capacity), bold(where));
        else
            why = tr("Count is %1, but VM %2 can get only %3 of group %4 on node %5.")
                      .arg(count).arg(bold(vm->name), MachineDeviceCapacity::unitsText(m_current, m_current.capacity),
                                      bold(group->name), bold(where));
        if (m_current.claimed > 0)
            why += QLatin1Char(' ') + tr("The VM's other machine devices of the group already take %n.", nullptr, m_current.claimed);
        if (m_current.reserved > 0)
            why += QLatin1Char(' ')
                   + tr("%n unit(s) of the group on that node are owned by a tenant and cannot be used by "
                        "host VMs or other tenants.", nullptr, m_current.reserved);
        if (m_mode == Mode::TenantNode && m_current.inUse > 0)
            why += QLatin1Char(' ') + tr("%n unit(s) are in use by running VMs.", nullptr, m_current.inUse);
        if (m_current.rebootPending > 0)
            why += QLatin1Char(' ') + tr("%n unit(s) wait for the node's reboot.", nullptr, m_current.rebootPending);
        if (m_current.flagged > 0)
            why += QLatin1Char(' ') + tr("%n unit(s) are left out because a device vanished or its ids changed.", nullptr,
                                         m_current.flagged);
        showMessage(why + QLatin1Char(' ') + tr("Lower the Count, or make more devices a resource of the group."), true);
        m_submit->setEnabled(false);
        return;
    }
    if (m_mode != Mode::TenantNode && count > m_current.free) {
        // Say what actually keeps the units from being free; the VM's own units never count
        // against it (its restart releases them first).
        QStringList reasons;
        if (m_current.inUse > 0)
            reasons << tr("%n in use by other running VMs (the restart gets them once those are powered off)", nullptr,
                          m_current.inUse);
        if (m_current.rebootPending > 0)
            reasons << tr("%n waiting for node %1 to reboot", nullptr, m_current.rebootPending).arg(bold(where));
        if (m_current.moving > 0)
            reasons << tr("%n being moved by an operation in progress", nullptr, m_current.moving);
        if (m_current.claimed > 0)
            reasons << tr("%n taken by the VM's other machine devices of the group", nullptr, m_current.claimed);
        showMessage(tr("Only %1 free now: %2. The device is added anyway; the VM's restart needs them free.")
                        .arg(MachineDeviceCapacity::unitsText(m_current, m_current.free), reasons.join(QLatin1String("; "))),
                    false);
    }
    m_submit->setEnabled(true);
}

GroupAvailability DeviceEntryDialog::availability(qint64 groupId, qint64 vmId)
{
    auto a = m_mode == Mode::TenantNode ? MachineDeviceCapacity::forTenantNode(m_service, m_tenantNode.id, groupId)
                                        : MachineDeviceCapacity::forVm(m_service, vmId, groupId);
    if (!a) {
        showMessage(bold(a.error().what) + QStringLiteral(": ") + a.error().why.toHtmlEscaped(), true);
        return {};
    }
    return *a;
}

void DeviceEntryDialog::showMessage(const QString &html, bool error)
{
    m_message->setText(html);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: palette(text); background: rgba(220,50,47,0.15);"
                                                    " border: 1px solid rgba(220,50,47,0.6); border-radius: 4px; padding: 6px; }")
                                   : QStringLiteral("QLabel { color: palette(text); background: rgba(181,137,0,0.15);"
                                                    " border: 1px solid rgba(181,137,0,0.6); border-radius: 4px; padding: 6px; }"));
    m_message->setAccessibleDescription(m_message->text());
    m_message->show();
}

bool DeviceEntryDialog::submit()
{
    if (!m_submit->isEnabled())
        return false;
    const qint64 groupId = m_group->currentData().toLongLong();
    auto refused = [this](const Error &e) {
        QString html = bold(e.what);
        if (!e.why.isEmpty())
            html += QStringLiteral(": ") + e.why.toHtmlEscaped();
        if (!e.hint.isEmpty())
            html += QStringLiteral("<br>") + e.hint.toHtmlEscaped();
        showMessage(html, true);
        return false;
    };
    if (m_mode == Mode::TenantNode) {
        PassSpec spec;
        spec.tenantNodeId = m_tenantNode.id;
        spec.hostGroupId = groupId;
        spec.count = m_count->value();
        spec.name = m_name->text().trimmed();
        spec.description = m_description->text().trimmed();
        auto group = m_service.passToTenant(spec);
        if (!group)
            return refused(group.error());
        Q_EMIT passed(*group);
    } else {
        AttachSpec spec;
        spec.vmId = m_machine->currentData().toLongLong();
        spec.groupId = groupId;
        spec.count = m_count->value();
        spec.name = m_name->text().trimmed();
        spec.description = m_description->text().trimmed();
        auto device = m_service.attach(spec);
        if (!device)
            return refused(device.error());
        Q_EMIT attached(*device);
    }
    accept();
    return true;
}

} // namespace passdeck
