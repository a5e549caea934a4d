#include "views/NodeDashboard.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "models/NodeModel.h"
#include "views/MovedHardwarePanel.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

NodeDashboard::NodeDashboard(MainWindow &window, qint64 nodeId) : Dashboard(window, QStringLiteral("node"), nodeId)
{
    m_node.id = nodeId;
    addMenuItem(QStringLiteral("menuPciDevices"), Icons::groupClass(GroupClass::Other), tr("PCI Devices"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), argument()); });
    addMenuItem(QStringLiteral("menuReadiness"), Icons::ok(), tr("Readiness"),
                [this] { mainWindow().navigate(QStringLiteral("readiness"), argument()); });
    addMenuItem(QStringLiteral("menuTopology"), Icons::node(), tr("Topology"),
                [this] { mainWindow().navigate(QStringLiteral("topology"), argument()); });
    m_refreshButton = addMenuItem(QStringLiteral("menuRefreshNode"), Icons::info(), tr("Refresh Inventory"),
                                  [this] { refreshInventory(); });
    m_rebootButton = addMenuItem(QStringLiteral("menuReboot"), Icons::warning(), tr("Reboot"), [this] { reboot(); });
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });
    m_twinButton = addMenuItem(QStringLiteral("menuRehearseTwin"), Icons::node(), tr("Rehearse on a Twin"),
                               [this] { rehearseOnTwin(); });
    m_twinButton->setToolTip(tr("Copy this node into a simulated twin and open it: try changes there first."));
    m_moved = new MovedHardwarePanel(this);
    connect(m_moved, &MovedHardwarePanel::answered, this, &NodeDashboard::answerMove);
    contentLayout()->addWidget(m_moved);

    auto *box = new QGroupBox(tr("Status"), this);
    auto *form = new QFormLayout(box);
    form->setLabelAlignment(Qt::AlignRight);
    auto label = [this](const QString &name) {
        auto *l = new QLabel(this);
        l->setObjectName(name);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
        return l;
    };
    m_status = label(QStringLiteral("nodeStatus"));
    m_kind = label(QStringLiteral("nodeKind"));
    m_root = label(QStringLiteral("nodeHostRoot"));
    m_agent = label(QStringLiteral("nodeAgent"));
    m_state = label(QStringLiteral("nodeState"));
    m_devices = label(QStringLiteral("nodeDevices"));
    m_refreshed = label(QStringLiteral("nodeRefreshed"));
    form->addRow(tr("Status:"), m_status);
    form->addRow(tr("Kind:"), m_kind);
    form->addRow(tr("Address:"), m_root);
    form->addRow(tr("Agent:"), m_agent);
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("PCI devices:"), m_devices);
    form->addRow(tr("Inventory read:"), m_refreshed);
    m_maintenance = new QCheckBox(tr("&Maintenance mode"), this);
    m_maintenance->setObjectName(QStringLiteral("maintenanceToggle"));
    m_maintenance->setAccessibleName(tr("Maintenance mode"));
    m_maintenance->setToolTip(tr("Migrate or stop the node's VMs and turn this on before a reboot."));
    connect(m_maintenance, &QCheckBox::clicked, this, &NodeDashboard::setMaintenance);
    form->addRow(QString(), m_maintenance);
    contentLayout()->addWidget(box);
    contentLayout()->addStretch(1);
}

QString NodeDashboard::title() const
{
    return m_node.name.isEmpty() ? tr("Node") : m_node.name;
}

QList<Crumb> NodeDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Nodes"), QStringLiteral("nodes"), 0},
            {title(), dashboardId(), argument()}};
}

void NodeDashboard::refresh()
{
    auto node = service().node(argument());
    if (!node) {
        showError(node.error());
        return;
    }
    m_node = *node;
    const Result<QString> twin = service().twinOf(argument());
    const QString twinOf = twin ? *twin : QString();
    setHeading(Icons::node(), twinOf.isEmpty() ? tr("Node %1").arg(m_node.name) : tr("Node %1 — Twin of %2").arg(m_node.name, twinOf),
               !twinOf.isEmpty() ? tr("A simulated twin of node %1: rehearse changes here; nothing done here reaches %1.").arg(twinOf)
               : m_node.simulated ? tr("A simulated node: its sysfs lives in a directory and it can be rebooted from here.")
                                  : tr("The real host. Passdeck never reboots it; it gives instructions instead."));
    if (auto moved = service().movedHardware(argument()))
        m_moved->setOffers(*moved);
    // Said before any wizard: a node without an IOMMU or vfio-pci cannot pass anything through.
    auto readiness = readinessOf(m_node);
    m_status->setText(NodeModel::statusText(m_node, readiness ? &*readiness : nullptr));
    // An unreachable node gets its own banner (below), which says it all.
    if (readiness && !readiness->ready() && !m_node.unreachableSince.isValid()) {
        QStringList reasons;
        for (const QString &r : readiness->reasons)
            reasons << r.toHtmlEscaped();
        banner()->setNotice(QStringLiteral("readiness"), MessageBanner::Level::Error,
                            tr("<b>Node %1 cannot pass any device through.</b> %2")
                                .arg(m_node.name.toHtmlEscaped(), reasons.join(QStringLiteral("<br>"))));
    } else {
        banner()->clearNotice(QStringLiteral("readiness"));
    }
    // The readiness check asked the node: whether it answered is as of now.
    if (auto again = service().node(argument()))
        m_node = *again;
    m_kind->setText(m_node.simulated ? tr("Simulated") : tr("Real host"));
    m_root->setText(m_node.hostRoot);
    m_agent->setText(m_node.agentFingerprint.isEmpty()
                         ? tr("none: a host root on this machine")
                         : tr("passdeckd %1, certificate %2")
                               .arg(m_node.agentVersion.isEmpty() ? tr("(version unknown)") : m_node.agentVersion, m_node.agentFingerprint));
    m_state->setText(NodeModel::stateText(m_node));
    m_state->setStyleSheet(m_node.unreachableSince.isValid() ? QStringLiteral("color: #b00020; font-weight: bold;") : QString());
    showUnreachableNodes({m_node});
    QString devices = QString::number(m_node.deviceCount);
    if (auto all = service().devices(argument())) {
        // Where the node's devices stand, as the PCI Devices status column counts them.
        int counts[5] = {};
        for (const DeviceRecord &d : *all) {
            if (d.present && !d.isBridge)
                ++counts[int(d.status)];
        }
        QStringList parts;
        if (counts[int(DeviceStatus::InResourceGroup)] > 0)
            parts << tr("%n in resource groups", nullptr, counts[int(DeviceStatus::InResourceGroup)]);
        if (counts[int(DeviceStatus::UsedByVm)] > 0)
            parts << tr("%n used by VMs", nullptr, counts[int(DeviceStatus::UsedByVm)]);
        if (counts[int(DeviceStatus::OwnedByTenant)] > 0)
            parts << tr("%n owned by tenants", nullptr, counts[int(DeviceStatus::OwnedByTenant)]);
        parts << tr("%n in use by the host", nullptr, counts[int(DeviceStatus::InUseByHost)]);
        if (counts[int(DeviceStatus::Free)] > 0)
            parts << tr("%n free", nullptr, counts[int(DeviceStatus::Free)]);
        devices += QStringLiteral(" — ") + parts.join(QStringLiteral(", ")) + tr(" (bridges not counted)");
    }
    if (m_node.flaggedDevices > 0)
        devices += tr("; %n flagged: vanished or changed ids", nullptr, m_node.flaggedDevices);
    m_devices->setText(devices);
    m_refreshed->setText(m_node.refreshedAt.isValid()
                             ? QLocale().toString(m_node.refreshedAt.toLocalTime(), QLocale::ShortFormat)
                             : tr("never"));
    m_maintenance->setChecked(m_node.maintenance);
    if (m_node.rebootRequired)
        showRebootNotices({RebootNotice{m_node.id, m_node.name, m_node.rebootDevices}});
    else
        showRebootNotices({});
}

void NodeDashboard::setMaintenance(bool on)
{
    if (on) {
        auto impact = service().maintenanceImpact(argument());
        if (!impact) {
            showError(impact.error());
            m_maintenance->setChecked(false);
            return;
        }
        if (!impact->runningVms.isEmpty()) {
            m_maintenance->setChecked(false);   // not before the answer
            askConfirmation(tr("Turn on maintenance mode for node <b>%1</b>? %n VM(s) run on it. They keep running "
                               "now, and stop when the node reboots; stop or move them first:",
                               nullptr, int(impact->runningVms.size()))
                                .arg(m_node.name.toHtmlEscaped()),
                            ChangeImpact::describe(impact->runningVms),
                            {{QStringLiteral("confirm-maintenance"), tr("Turn on maintenance mode")},
                             {QStringLiteral("cancel-maintenance"), tr("Cancel")}});
            return;
        }
    }
    applyMaintenance(on);
}

void NodeDashboard::handleLink(const QString &link)
{
    if (link == QLatin1String("confirm-maintenance")) {
        banner()->clearNotice(QStringLiteral("confirm"));
        applyMaintenance(true);
    } else if (link == QLatin1String("confirm-reboot")) {
        banner()->clearNotice(QStringLiteral("confirm"));
        rebootNow();
    } else if (link == QLatin1String("cancel-maintenance") || link == QLatin1String("cancel-reboot")) {
        banner()->clearNotice(QStringLiteral("confirm"));
    }
}

void NodeDashboard::applyMaintenance(bool on)
{
    Status s = service().setMaintenance(argument(), on);
    if (!s) {
        showError(s.error());
        m_maintenance->setChecked(!on);
        return;
    }
    showSuccess(on ? tr("Node %1 is in maintenance mode.").arg(m_node.name)
                   : tr("Node %1 left maintenance mode.").arg(m_node.name));
}

void NodeDashboard::reboot()
{
    if (!m_node.simulated) {
        // Passdeck never reboots a real machine: explain what the administrator does instead.
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Info,
                            tr("Passdeck does not reboot a real host. To reboot <b>%1</b>: turn on maintenance "
                               "mode, migrate or stop its VMs, make sure you have out-of-band access (IPMI, "
                               "console), then run <code>systemctl reboot</code> on the host. Click "
                               "<b>Refresh Inventory</b> when it is back.")
                                .arg(m_node.name.toHtmlEscaped()));
        return;
    }
    if (!m_node.maintenance) {
        banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Warning,
                            tr("Turn on maintenance mode before rebooting node %1: its VMs lose their devices "
                               "while it restarts.").arg(m_node.name.toHtmlEscaped()));
        return;
    }
    auto impact = service().rebootImpact(argument());
    if (!impact) {
        showError(impact.error());
        return;
    }
    const int running = int(impact->runningVms.size());
    askConfirmation(running == 0 ? tr("Reboot node <b>%1</b>? No VM runs on it.").arg(m_node.name.toHtmlEscaped())
                                 : tr("Reboot node <b>%1</b>? It stops %n running VM(s), and their devices are released:",
                                      nullptr, running)
                                       .arg(m_node.name.toHtmlEscaped()),
                    ChangeImpact::describe(impact->runningVms),
                    {{QStringLiteral("confirm-reboot"), running == 0 ? tr("Reboot") : tr("Stop the VMs and reboot")},
                     {QStringLiteral("cancel-reboot"), tr("Cancel")}});
}

void NodeDashboard::rebootNow()
{
    if (busy())
        return;
    m_rebootButton->setEnabled(false);
    banner()->setNotice(QStringLiteral("result"), MessageBanner::Level::Info,
                        tr("Rebooting node %1…").arg(m_node.name.toHtmlEscaped()));
    DomainService *s = &service();
    const qint64 id = argument();
    QStringList stopped;
    if (auto impact = s->rebootImpact(id))
        for (const AffectedVm &v : impact->runningVms)
            stopped << v.name;
    runInBackground<Result<RefreshReport>>([s, id] { return s->rebootNode(id); },
                                           [this, stopped](const Result<RefreshReport> &r) {
                                               m_rebootButton->setEnabled(true);
                                               if (!r) {
                                                   showError(r.error());
                                               } else {
                                                   QString text = tr("Node %1 rebooted; %n device(s) found.", nullptr,
                                                                     r->node.deviceCount).arg(r->node.name);
                                                   if (!stopped.isEmpty())
                                                       text += QLatin1Char(' ') + tr("Stopped: %1.").arg(stopped.join(QStringLiteral(", ")));
                                                   showSuccess(text);
                                               }
                                               refresh();
                                           });
}

void NodeDashboard::answerMove(const MovedOffer &offer, bool confirm)
{
    auto r = confirm ? service().confirmMove(argument(), offer.oldAddress, offer.newAddress)
                     : service().dismissMove(argument(), offer.oldAddress, offer.newAddress);
    if (!r) {
        showError(r.error());
        return;
    }
    showSuccess(confirm ? tr("The rule of group '%1' moved from %2 to %3.").arg(offer.groupName, offer.oldAddress, offer.newAddress)
                        : tr("Dismissed: the rule stays at %1.").arg(offer.oldAddress));
    // What is now at the old address is read again after a move.
    if (confirm)
        refreshInventory();
    else
        refresh();
}

void NodeDashboard::rehearseOnTwin()
{
    if (busy())
        return;
    m_twinButton->setEnabled(false);
    DomainService *s = &service();
    const qint64 id = argument();
    const ProgressFn progress = progressReporter();
    runInBackground<Result<RefreshReport>>([s, id, progress] { return s->captureTwin(id, {}, progress); },
                                           [this](const Result<RefreshReport> &r) {
                                               m_twinButton->setEnabled(true);
                                               if (!r) {
                                                   showError(r.error());
                                                   return;
                                               }
                                               mainWindow().navigate(QStringLiteral("node"), r->node.id);
                                           });
}

void NodeDashboard::refreshInventory()
{
    m_refreshButton->setEnabled(false);
    DomainService *s = &service();
    const qint64 id = argument();
    const ProgressFn progress = progressReporter();
    runInBackground<Result<RefreshReport>>([s, id, progress] { return s->refreshNode(id, progress); },
                                           [this](const Result<RefreshReport> &r) {
                                               m_refreshButton->setEnabled(true);
                                               if (!r) {
                                                   showError(r.error());
                                                   return;
                                               }
                                               QString text = tr("Inventory read: %n new device(s)", nullptr, r->added);
                                               if (!r->vanished.isEmpty())
                                                   text += tr(", missing: %1").arg(r->vanished.join(QStringLiteral(", ")));
                                               if (!r->idsChanged.isEmpty())
                                                   text += tr(", ids changed: %1").arg(r->idsChanged.join(QStringLiteral(", ")));
                                               showSuccess(text + QLatin1Char('.'));
                                               refresh();
                                           });
}

} // namespace passdeck
