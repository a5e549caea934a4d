#include "views/VmDashboard.h"

#include "views/DeviceEntryDialog.h"
#include "service/DomainService.h"
#include "models/Icons.h"
#include "models/MachineDeviceModel.h"
#include "views/MainWindow.h"
#include "views/MoveVmDialog.h"
#include "views/TableSetup.h"
#include "service/VmPassthroughSnippets.h"
#include "models/VmModel.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

VmDashboard::VmDashboard(MainWindow &window, qint64 vmId) : Dashboard(window, QStringLiteral("vm"), vmId)
{
    m_vm.id = vmId;
    addMenuItem(QStringLiteral("menuDevices"), Icons::groupClass(GroupClass::Other), tr("Devices"), [this] {
        // Visibly there: the focus in the table, on its first row when none is chosen yet.
        m_table->setFocus(Qt::OtherFocusReason);
        if (!m_table->selectionModel()->hasSelection() && m_model->rowCount() > 0)
            m_table->selectRow(0);
        if (m_table->currentIndex().isValid())
            m_table->scrollTo(m_table->currentIndex());
    });
    addMenuItem(QStringLiteral("menuNewDevice"), Icons::groupClass(GroupClass::Gpu), tr("New Device…"),
                [this] { newDevice(); });
    m_restartItem = addMenuItem(QStringLiteral("menuRestart"), Icons::warning(), tr("Restart"), [this] { restart(); });
    m_attachNowItem = addMenuItem(QStringLiteral("menuAttachNow"), Icons::ok(), tr("Attach Now"), [this] { attachNow(); });
    m_powerOnItem = addMenuItem(QStringLiteral("menuPowerOn"), Icons::ok(), tr("Power On"), [this] { powerOn(); });
    m_powerOffItem = addMenuItem(QStringLiteral("menuPowerOff"), Icons::blocker(), tr("Power Off"), [this] { powerOff(); });
    addMenuItem(QStringLiteral("menuMoveVm"), Icons::node(), tr("Move to Node…"), [this] { moveToNode(); });
    addMenuItem(QStringLiteral("menuDeleteVm"), Icons::blocker(), tr("Delete VM"), [this] { requestDeleteVm(); });
    addMenuItem(QStringLiteral("menuVms"), Icons::vm(), tr("Virtual Machines"),
                [this] { mainWindow().navigate(QStringLiteral("vms")); });

    auto *status = new QGroupBox(tr("Status"), this);
    auto *form = new QFormLayout(status);
    form->setLabelAlignment(Qt::AlignRight);
    auto label = [this](const QString &name, const QString &accessible) {
        auto *l = new QLabel(this);
        l->setObjectName(name);
        l->setAccessibleName(accessible);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return l;
    };
    m_state = label(QStringLiteral("vmState"), tr("Power state"));
    m_node = label(QStringLiteral("vmNode"), tr("Node"));
    m_owner = label(QStringLiteral("vmOwner"), tr("Owner"));
    m_summary = label(QStringLiteral("vmDeviceSummary"), tr("Devices"));
    m_domain = label(QStringLiteral("vmDomain"), tr("libvirt domain"));
    m_domain->setWordWrap(true);
    m_size = label(QStringLiteral("vmSize"), tr("vCPUs and memory"));
    m_foreign = label(QStringLiteral("vmForeignHostdevs"), tr("Devices assigned outside Passdeck"));
    m_foreign->setWordWrap(true);
    m_timeout = new QSpinBox(this);
    m_timeout->setObjectName(QStringLiteral("shutdownTimeoutSpin"));
    m_timeout->setAccessibleName(tr("Shutdown timeout"));
    m_timeout->setRange(0, 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_timeout->setToolTip(tr("How long a Restart or Power Off waits for the guest to shut down (ACPI) before libvirt destroys it."));
    connect(m_timeout, &QSpinBox::editingFinished, this, [this] { applyShutdownTimeout(); });
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("Domain:"), m_domain);
    form->addRow(tr("vCPUs / memory:"), m_size);
    form->addRow(tr("Node:"), m_node);
    form->addRow(tr("Owner:"), m_owner);
    form->addRow(tr("Devices:"), m_summary);
    form->addRow(tr("Outside Passdeck:"), m_foreign);
    // A compact field with what it means beside it (a form row would stretch it across the page).
    auto *timeoutRow = new QHBoxLayout;
    timeoutRow->addWidget(m_timeout);
    auto *timeoutHint = new QLabel(tr("for the guest to shut down (ACPI) at a Restart or Power Off; then libvirt destroys it"), this);
    timeoutHint->setObjectName(QStringLiteral("shutdownTimeoutHint"));
    timeoutHint->setWordWrap(true);
    timeoutRow->addWidget(timeoutHint, 1);
    auto *timeoutLabel = new QLabel(tr("Shutdown &timeout:"), this);
    timeoutLabel->setBuddy(m_timeout);
    form->addRow(timeoutLabel, timeoutRow);
    contentLayout()->addWidget(status);

    auto *devicesRow = new QHBoxLayout;
    devicesRow->addWidget(new QLabel(tr("<b>Devices</b>"), this));
    devicesRow->addStretch(1);
    auto *add = new QPushButton(Icons::groupClass(GroupClass::Gpu), tr("&New…"), this);
    add->setObjectName(QStringLiteral("newDeviceButton"));
    add->setAccessibleName(tr("New device"));
    connect(add, &QPushButton::clicked, this, [this] { newDevice(); });
    m_delete = new QPushButton(Icons::blocker(), tr("&Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteDeviceButton"));
    m_delete->setAccessibleName(tr("Delete device"));
    m_delete->setEnabled(false);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteSelected(); });
    devicesRow->addWidget(add);
    devicesRow->addWidget(m_delete);
    contentLayout()->addLayout(devicesRow);

    m_model = new MachineDeviceModel(this);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("vmDevicesTable"), tr("Machine devices"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(false);
    m_table->setModel(m_model);
    m_table->setColumnHidden(MachineDeviceModel::VmColumn, true);
    m_table->setMinimumHeight(90);
    enableWithSelection(m_table, m_delete);
    contentLayout()->addWidget(m_table, 2);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("restartProgress"));
    m_progress->setAccessibleName(tr("Restart progress"));
    m_progress->setTextVisible(true);
    m_progress->hide();
    contentLayout()->addWidget(m_progress);

    auto *snippets = new QGroupBox(tr("Passthrough configuration"), this);
    snippets->setObjectName(QStringLiteral("passthroughBox"));
    auto *grid = new QGridLayout(snippets);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto snippet = [&](const QString &name, const QString &accessible, const QString &heading, int column) {
        auto *edit = new QPlainTextEdit(snippets);
        edit->setObjectName(name);
        edit->setAccessibleName(accessible);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        edit->setPlaceholderText(tr("Restart the VM to allocate its devices."));
        edit->setMinimumHeight(60);
        auto *copy = new QPushButton(tr("Copy"), snippets);
        copy->setObjectName(name + QStringLiteral("Copy"));
        copy->setAccessibleName(tr("Copy %1").arg(accessible));
        connect(copy, &QPushButton::clicked, this, [edit] { QApplication::clipboard()->setText(edit->toPlainText()); });
        auto *top = new QHBoxLayout;
        top->addWidget(new QLabel(heading, snippets), 1);
        top->addWidget(copy);
        grid->addLayout(top, 0, column);
        grid->addWidget(edit, 1, column);
        return edit;
    };
    m_qemu = snippet(QStringLiteral("qemuSnippet"), tr("QEMU arguments"), tr("QEMU command line"), 0);
    m_libvirt = snippet(QStringLiteral("libvirtSnippet"), tr("libvirt hostdev XML"), tr("libvirt domain XML"), 1);
    contentLayout()->addWidget(snippets, 3);
    m_snippetBox = snippets;

    // The domain's persistent definition exactly as libvirt returns it (read-only).
    auto *domainBox = new QGroupBox(tr("libvirt domain XML"), this);
    domainBox->setObjectName(QStringLiteral("domainXmlBox"));
    auto *domainLayout = new QVBoxLayout(domainBox);
    m_domainXml = new QPlainTextEdit(domainBox);
    m_domainXml->setObjectName(QStringLiteral("domainXml"));
    m_domainXml->setAccessibleName(tr("Domain XML"));
    m_domainXml->setReadOnly(true);
    m_domainXml->setFont(mono);
    m_domainXml->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_domainXml->setMinimumHeight(60);
    domainLayout->addWidget(m_domainXml);
    contentLayout()->addWidget(domainBox, 3);
    m_domainBox = domainBox;
}

QString VmDashboard::title() const
{
    return m_vm.name.isEmpty() ? tr("Virtual Machine") : m_vm.name;
}

QList<Crumb> VmDashboard::breadcrumb() const
{
    if (m_vm.owner == GroupOwner::Tenant)
        return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
                {tr("Tenants"), QStringLiteral("tenants"), 0},
                {m_vm.tenantName, QStringLiteral("tenant"), m_vm.tenantId},
                {title(), dashboardId(), argument()}};
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Virtual Machines"), QStringLiteral("vms"), 0},
            {title(), dashboardId(), argument()}};
}

void VmDashboard::refresh()
{
    if (m_gone)
        return;
    auto vm = service().vm(argument());
    if (!vm) {
        showError(vm.error());
        return;
    }
    m_vm = *vm;
    const QString owner = m_vm.owner == GroupOwner::Host ? tr("Host") : tr("Tenant %1").arg(m_vm.tenantName);
    setHeading(Icons::vm(), tr("Virtual machine %1").arg(m_vm.name),
               m_vm.description.isEmpty() ? tr("Runs on node %1 · %2").arg(m_vm.nodeName, owner) : m_vm.description);
    m_state->setText(VmModel::vmStateText(m_vm));
    const bool hasDomain = !m_vm.domainUuid.isEmpty();
    if (!hasDomain)
        m_domain->setText(m_vm.hypervisorError.isEmpty() ? tr("none (Passdeck allocates and binds; the configuration below is to copy)")
                                                        : tr("none: %1").arg(m_vm.hypervisorError));
    else if (m_vm.vanishedSince.isValid())
        m_domain->setText(tr("%1 — vanished from libvirt since %2 (kept here; define it again or delete the VM)")
                              .arg(m_vm.domainUuid, QLocale().toString(m_vm.vanishedSince.toLocalTime(), QLocale::ShortFormat)));
    else
        m_domain->setText(m_vm.hypervisorError.isEmpty() ? m_vm.domainUuid
                                                         : tr("%1 (its node's hypervisor does not answer: %2)").arg(m_vm.domainUuid, m_vm.hypervisorError));
    m_size->setText(m_vm.vcpus > 0 ? tr("%1 vCPU(s), %2 MiB").arg(m_vm.vcpus).arg(m_vm.memoryMiB) : tr("unknown"));
    QStringList foreign;
    for (const DomainHostdev &h : m_vm.hostdevs)
        if (!h.passdeck)
            foreign << h.address;
    m_foreign->setText(foreign.isEmpty() ? tr("none")
                                         : tr("%1 — assigned outside Passdeck (left alone; no other VM or tenant gets them)")
                                               .arg(foreign.join(QStringLiteral(", "))));
    if (!m_timeout->hasFocus()) {
        const QSignalBlocker block(m_timeout);
        m_timeout->setValue(m_vm.shutdownTimeoutSec);
    }
    m_timeout->setEnabled(hasDomain);
    m_domainBox->setVisible(hasDomain);
    m_snippetBox->setVisible(!hasDomain);
    if (hasDomain) {
        auto xml = service().vmDomainXml(argument());
        m_domainXml->setPlainText(xml ? *xml : tr("The domain XML could not be read: %1").arg(xml.error().message()));
    }
    m_node->setText(m_vm.tenantNodeName.isEmpty() ? m_vm.nodeName
                                                  : tr("%1 (tenant node %2)").arg(m_vm.nodeName, m_vm.tenantNodeName));
    m_owner->setText(owner);
    const bool running = m_vm.power == PowerState::On;
    updatePowerItems();
    // A VM on a node that does not answer: its devices cannot be bound until the node is back.
    if (auto node = service().node(m_vm.nodeId))
        showUnreachableNodes({*node});

    // A stopped VM is started, not restarted: the notice says so (its link is "restart" either way).
    if (m_vm.restartNeeded && running && hasDomain)
        banner()->setNotice(QStringLiteral("restart"), MessageBanner::Level::Warning,
                            tr("VM <b>%1</b> needs a restart to attach the device. The restart allocates free devices "
                               "of its groups on node %2, binds them to vfio-pci, writes them into the domain and restarts it. "
                               "<a href=\"restart\">Restart</a> · <a href=\"attach-now\">Attach Now</a> (without a restart, "
                               "where the hypervisor allows it)")
                                .arg(m_vm.name.toHtmlEscaped(), m_vm.nodeName.toHtmlEscaped()));
    else if (m_vm.restartNeeded && running)
        banner()->setNotice(QStringLiteral("restart"), MessageBanner::Level::Warning,
                            tr("VM <b>%1</b> needs a restart to attach the device. The restart allocates free devices "
                               "of its groups on node %2 and binds them to vfio-pci. <a href=\"restart\">Restart</a>")
                                .arg(m_vm.name.toHtmlEscaped(), m_vm.nodeName.toHtmlEscaped()));
    else if (m_vm.restartNeeded)
        banner()->setNotice(QStringLiteral("restart"), MessageBanner::Level::Warning,
                            tr("VM <b>%1</b> is stopped: it gets the device when it powers on. Power On allocates free "
                               "devices of its groups on node %2 and binds them to vfio-pci. <a href=\"restart\">Power On</a>")
                                .arg(m_vm.name.toHtmlEscaped(), m_vm.nodeName.toHtmlEscaped()));
    else
        banner()->clearNotice(QStringLiteral("restart"));

    auto passthrough = VmPassthroughSnippets::forVm(service(), argument());
    if (!passthrough) {
        showError(passthrough.error());
        return;
    }
    const QList<MachineDevice> &devices = passthrough->machineDevices;
    m_model->setItems(devices);
    m_table->resizeColumnsToContents();
    m_summary->setText(devices.isEmpty() ? tr("none yet — click New Device…")
                                         : tr("%1 of %2 requested device(s) allocated (%3 PCI function(s)), in %4 machine device(s)")
                                               .arg(passthrough->allocatedUnits)
                                               .arg(passthrough->requested)
                                               .arg(passthrough->allocated.size())
                                               .arg(devices.size()));
    m_qemu->setPlainText(passthrough->qemu);
    m_libvirt->setPlainText(passthrough->libvirt);
}

DeviceEntryDialog *VmDashboard::newDevice()
{
    auto *dialog = DeviceEntryDialog::forVm(service(), argument(), this);
    connect(dialog, &DeviceEntryDialog::attached, this, [this](const MachineDevice &d) {
        showSuccess(tr("Machine device \"%1\" (%n device(s) of group %2) was added.", nullptr, d.count)
                        .arg(d.name, d.groupName));
    });
    dialog->show();
    return dialog;
}

void VmDashboard::updatePowerItems()
{
    // Restart for a running VM, Power On for a stopped one: never "Restart" to start it.
    const bool running = m_vm.power == PowerState::On;
    m_restartItem->setVisible(running);
    m_powerOnItem->setVisible(!running);
    m_restartItem->setEnabled(running && !busy());
    m_powerOnItem->setEnabled(!running && !busy());
    m_powerOffItem->setEnabled(running && !busy());
    // Attach Now beside Restart: a running domain with machine devices waiting for theirs.
    const bool live = running && m_vm.restartNeeded && !m_vm.domainUuid.isEmpty();
    m_attachNowItem->setVisible(live);
    m_attachNowItem->setEnabled(live && !busy());
}

void VmDashboard::attachNow()
{
    start(true, true);
}

void VmDashboard::applyShutdownTimeout()
{
    if (m_vm.id == 0 || m_timeout->value() == m_vm.shutdownTimeoutSec)
        return;
    Status s = service().setShutdownTimeout(argument(), m_timeout->value());
    if (!s) {
        showError(s.error());
        return;
    }
    showSuccess(tr("VM %1: a Restart or Power Off now waits %2 s for the guest to shut down before libvirt destroys it.")
                    .arg(m_vm.name).arg(m_timeout->value()));
}

void VmDashboard::restart()
{
    start(m_vm.power == PowerState::On);
}

void VmDashboard::powerOn()
{
    start(false);
}

void VmDashboard::start(bool restart, bool live)
{
    if (busy())
        return;
    m_attachNowItem->setEnabled(false);
    m_restartItem->setEnabled(false);
    m_powerOnItem->setEnabled(false);
    m_powerOffItem->setEnabled(false);
    m_progress->setRange(0, 0);
    m_progress->setFormat(live ? tr("Attaching devices to %1…").arg(m_vm.name)
                          : restart ? tr("Restarting %1…").arg(m_vm.name) : tr("Powering on %1…").arg(m_vm.name));
    m_progress->show();
    banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Info,
                        (live ? tr("Attaching devices to VM %1…") : restart ? tr("Restarting VM %1…") : tr("Powering on VM %1…"))
                            .arg(m_vm.name.toHtmlEscaped()));
    DomainService *s = &service();
    const qint64 id = argument();
    QPointer<VmDashboard> self(this);
    ProgressFn progress = [self](int done, int total, const QString &step) {
        // Called on the worker thread: hand the figures to the GUI thread.
        QMetaObject::invokeMethod(
            qApp,
            [self, done, total, step] {
                if (self)
                    self->setProgress(done, total, step);
            },
            Qt::QueuedConnection);
    };
    runInBackground<Result<RestartResult>>(
        [s, id, restart, live, progress] {
            return live ? s->attachNow(id, progress) : restart ? s->restartVm(id, progress) : s->powerOn(id, progress);
        },
        [this, restart, live](const Result<RestartResult> &r) {
            m_progress->hide();
            if (!r) {
                showError(r.error());
            } else {
                QStringList addresses;
                for (const AllocatedDevice &a : r->allocated)
                    addresses << a.address;
                QString text = (live ? tr("VM %1 got its devices without a restart") : restart ? tr("VM %1 restarted") : tr("VM %1 is running"))
                                   .arg(r->vm.name);
                text += addresses.isEmpty() ? tr(" without PCI devices.")
                                            : tr(" with %1.").arg(addresses.join(QStringLiteral(", ")));
                if (!r->bound.isEmpty())
                    text += QLatin1Char(' ') + tr("Bound to vfio-pci now: %1.").arg(r->bound.join(QStringLiteral(", ")));
                showSuccess(text);
            }
            refresh();
        });
}

void VmDashboard::setProgress(int done, int total, const QString &step)
{
    m_progress->setRange(0, qMax(total, 1));
    m_progress->setValue(done);
    m_progress->setFormat(step.isEmpty() ? QStringLiteral("%p%") : step + QStringLiteral(" (%p%)"));
}

void VmDashboard::powerOff()
{
    if (busy())
        return;
    Status s = service().powerOff(argument());
    if (!s) {
        showError(s.error());
        return;
    }
    showSuccess(tr("VM %1 is powered off; its devices are free for other VMs.").arg(m_vm.name));
}

void VmDashboard::deleteSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const MachineDevice d = m_model->item(rows.first().row());
    auto impact = service().detachImpact(argument(), d.id);
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
                        .arg(m_vm.name.toHtmlEscaped(), d.name.toHtmlEscaped()),
                    impact->devices,
                    {{QStringLiteral("remove-at-restart"), tr("Remove at next restart")},
                     {QStringLiteral("stop-and-remove"), tr("Stop the VM now and remove")},
                     {QStringLiteral("cancel-remove"), tr("Cancel")}});
}

void VmDashboard::detachNow(const MachineDevice &device, bool stopFirst)
{
    // The service stops the VM and removes the device in one change (StopVmFirst), or keeps a
    // running VM's device until it stops (KeepUntilStop).
    Status s = service().detach(argument(), device.id, stopFirst ? RunningVmPolicy::StopVmFirst : RunningVmPolicy::KeepUntilStop);
    if (!s) {
        showError(s.error());
        return;
    }
    // Read what happened: the service may keep a running VM's device until its restart.
    bool stillThere = false;
    if (auto left = service().machineDevices(argument()))
        for (const MachineDevice &m : *left)
            stillThere = stillThere || m.id == device.id;
    QString text;
    if (stillThere)
        text = tr("Machine device \"%1\" will be removed when VM %2 restarts; it keeps its devices until then.")
                   .arg(device.name, m_vm.name);
    else if (device.allocated.isEmpty())
        text = tr("Machine device \"%1\" was removed.").arg(device.name);
    else
        text = tr("Machine device \"%1\" was removed; its devices are free again.").arg(device.name);
    if (stopFirst)
        text = tr("VM %1 was powered off.").arg(m_vm.name) + QLatin1Char(' ') + text;
    showSuccess(text);
}

QString VmDashboard::deleteQuestion(const Vm &vm, const ChangeImpactReport &impact)
{
    if (!impact.runningVms.isEmpty())
        return impact.devices.isEmpty()
            ? tr("Delete VM <b>%1</b>? It is <b>running</b> on node %2: deleting it stops it. Its machine devices go "
                 "with it.").arg(vm.name.toHtmlEscaped(), vm.nodeName.toHtmlEscaped())
            : tr("Delete VM <b>%1</b>? It is <b>running</b> on node %2: deleting it stops it, its machine devices go "
                 "with it, and the devices it runs with become free:").arg(vm.name.toHtmlEscaped(), vm.nodeName.toHtmlEscaped());
    return tr("Delete VM <b>%1</b>? It is stopped. Its machine devices go with it.").arg(vm.name.toHtmlEscaped());
}

void VmDashboard::handleLink(const QString &link)
{
    if (link == QLatin1String("restart")) {
        restart();
    } else if (link == QLatin1String("attach-now")) {
        attachNow();
    } else if (link == QLatin1String("remove-at-restart") || link == QLatin1String("stop-and-remove")) {
        banner()->clearNotice(QStringLiteral("confirm"));
        const MachineDevice d = m_pendingRemove;
        m_pendingRemove = {};
        if (d.id != 0 && !busy())
            detachNow(d, link == QLatin1String("stop-and-remove"));
    } else if (link == QLatin1String("cancel-remove")) {
        banner()->clearNotice(QStringLiteral("confirm"));
        m_pendingRemove = {};
    } else if (link == QLatin1String("confirm-delete-vm")) {
        deleteVmNow();
    } else if (link == QLatin1String("cancel-delete-vm")) {
        banner()->clearNotice(QStringLiteral("confirm"));
    }
}

void VmDashboard::requestDeleteVm()
{
    auto impact = service().deleteVmImpact(argument());
    if (!impact) {
        showError(impact.error());
        return;
    }
    askConfirmation(deleteQuestion(m_vm, *impact), impact->devices,
                    {{QStringLiteral("confirm-delete-vm"), impact->runningVms.isEmpty() ? tr("Delete") : tr("Stop and delete")},
                     {QStringLiteral("cancel-delete-vm"), tr("Cancel")}});
}

void VmDashboard::deleteVmNow()
{
    banner()->clearNotice(QStringLiteral("confirm"));
    if (busy())
        return;
    Status s = service().deleteVm(argument());
    if (!s) {
        showError(s.error());
        return;
    }
    m_gone = true;
    const QString name = m_vm.name;
    MainWindow &w = mainWindow();
    w.discard(this);
    if (Dashboard *d = w.navigate(QStringLiteral("vms")))
        d->showSuccess(tr("VM \"%1\" was deleted.").arg(name));
}

MoveVmDialog *VmDashboard::moveToNode()
{
    if (auto *open = findChild<MoveVmDialog *>(); open && open->isVisible()) {
        open->raise();
        open->activateWindow();
        return nullptr;
    }
    auto *dialog = new MoveVmDialog(service(), argument(), this);
    connect(dialog, &MoveVmDialog::moved, this, [this](const QString &message) {
        showSuccess(message);
        refresh();
    });
    dialog->show();
    return dialog;
}

} // namespace passdeck
