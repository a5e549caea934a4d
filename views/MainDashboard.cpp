#include "views/MainDashboard.h"

#include "views/DashboardTile.h"
#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLocale>
#include <QLabel>
#include <QVBoxLayout>

namespace passdeck {

MainDashboard::MainDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("main"), 0)
{
    setHeading(QIcon(QStringLiteral(":/icons/passdeck.svg")), tr("Main Dashboard"),
               tr("PCI passthrough for virtual machines and tenants"));
    addMenuHeading(tr("Infrastructure"));
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });
    addMenuItem(QStringLiteral("menuNodes"), Icons::node(), tr("Nodes"),
                [this] { mainWindow().navigate(QStringLiteral("nodes")); });
    addMenuItem(QStringLiteral("menuAllPciDevices"), Icons::groupClass(GroupClass::Other), tr("PCI Devices"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), 0); });
    addMenuHeading(tr("Workloads"));
    addMenuItem(QStringLiteral("menuVms"), Icons::vm(), tr("Virtual Machines"),
                [this] { mainWindow().navigate(QStringLiteral("vms")); });
    addMenuItem(QStringLiteral("menuTenants"), Icons::tenant(), tr("Tenants"),
                [this] { mainWindow().navigate(QStringLiteral("tenants")); });
    addMenuHeading(tr("Help"));
    addMenuItem(QStringLiteral("menuRisks"), Icons::warning(), tr("Risks and Precautions"),
                [this] { mainWindow().navigate(QStringLiteral("risks")); });

    auto *grid = new QGridLayout;
    grid->setSpacing(16);
    auto makeTile = [this, grid](const QString &name, const QIcon &icon, const QString &text, const QString &target,
                                 int r, int c) {
        auto *t = new DashboardTile(icon, text, this);
        t->setObjectName(name);
        connect(t, &DashboardTile::clicked, this, [this, target] { mainWindow().navigate(target); });
        grid->addWidget(t, r, c);
        return t;
    };
    m_resources = makeTile(QStringLiteral("tileResources"), Icons::resources(), tr("Resources"),
                           QStringLiteral("resources"), 0, 0);
    m_nodes = makeTile(QStringLiteral("tileNodes"), Icons::node(), tr("Nodes"), QStringLiteral("nodes"), 0, 1);
    m_vms = makeTile(QStringLiteral("tileVms"), Icons::vm(), tr("Virtual Machines"), QStringLiteral("vms"), 1, 0);
    m_tenants = makeTile(QStringLiteral("tileTenants"), Icons::tenant(), tr("Tenants"), QStringLiteral("tenants"), 1, 1);
    contentLayout()->addLayout(grid);

    auto *start = new QLabel(this);
    start->setObjectName(QStringLiteral("gettingStarted"));
    start->setWordWrap(true);
    start->setTextFormat(Qt::RichText);
    start->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    start->setText(tr("<h3>Getting started</h3>"
                      "<p><b>1. Make devices a resource.</b> <a href=\"resources\">Resource Manager</a> → "
                      "<b>PCI Devices</b>, select devices, click <b>Make Resource</b> and pick or create a group.</p>"
                      "<p><b>2. Give a VM devices.</b> <a href=\"vms\">Virtual Machines</a> → a VM → "
                      "<b>Devices</b> → <b>New</b>, then restart the VM.</p>"
                      "<p><b>3. Pass devices to a tenant.</b> <a href=\"tenants\">Tenants</a> → a tenant → "
                      "<b>Nodes</b> → a tenant node → <b>Devices</b> → <b>New</b>.</p>"
                      "<p>Read <a href=\"risks\">Risks and Precautions</a> before the first change.</p>"));
    connect(start, &QLabel::linkActivated, this, [this](const QString &id) { mainWindow().navigate(id); });
    // The last changes from the audit log: what happened, by whom, and whether it worked.
    m_recent = new QLabel(this);
    m_recent->setObjectName(QStringLiteral("recentChanges"));
    m_recent->setAccessibleName(tr("Recent changes"));
    m_recent->setTextFormat(Qt::RichText);
    m_recent->setWordWrap(true);
    m_recent->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *lower = new QHBoxLayout;
    lower->setSpacing(24);
    lower->addWidget(start, 1, Qt::AlignTop);
    lower->addWidget(m_recent, 1, Qt::AlignTop);
    contentLayout()->addSpacing(8);
    contentLayout()->addLayout(lower);
    contentLayout()->addStretch(1);
    // Refusals are audited without changing anything: they arrive through auditAppended only.
    connect(&window.service(), &DomainService::auditAppended, this, [this] {
        if (isVisible())
            refresh();
    });
}

QString MainDashboard::title() const
{
    return tr("Main Dashboard");
}

QList<Crumb> MainDashboard::breadcrumb() const
{
    return {{title(), QStringLiteral("main"), 0}};
}

DashboardTile *MainDashboard::tile(const QString &dashboardId) const
{
    if (dashboardId == QLatin1String("resources"))
        return m_resources;
    if (dashboardId == QLatin1String("nodes"))
        return m_nodes;
    if (dashboardId == QLatin1String("vms"))
        return m_vms;
    if (dashboardId == QLatin1String("tenants"))
        return m_tenants;
    return nullptr;
}

void MainDashboard::refresh()
{
    DomainService &s = service();
    if (auto groups = s.allGroups()) {
        int units = 0, functions = 0;
        // Host groups only (a tenant group's units are drawn from one), counted as the service
        // allocates: passthrough units, with the PCI functions they have (docs/store.md).
        for (const ResourceGroup &g : *groups) {
            if (g.owner != GroupOwner::Host)
                continue;
            units += g.total;
            functions += g.functions;
        }
        QString detail = tr("resource groups holding %n passthrough unit(s)", nullptr, units);
        if (functions > units)
            detail += tr(" (%n PCI function(s))", nullptr, functions);
        m_resources->setCount(int(groups->size()), detail);
    }
    if (auto nodes = s.nodes()) {
        int devices = 0, reboot = 0;
        for (const NodeInfo &n : *nodes) {
            devices += n.deviceCount;
            reboot += n.rebootRequired ? 1 : 0;
        }
        QString detail = tr("%n PCI device(s)", nullptr, devices);
        if (reboot > 0)
            detail += tr(", %n need(s) a reboot", nullptr, reboot);
        m_nodes->setCount(int(nodes->size()), detail);
    }
    if (auto vms = s.vms()) {
        int running = 0, restart = 0;
        for (const Vm &v : *vms) {
            running += v.power == PowerState::On ? 1 : 0;
            restart += v.restartNeeded ? 1 : 0;
        }
        QString detail = tr("%n running", nullptr, running);
        if (restart > 0)
            detail += tr(", %n need(s) a restart", nullptr, restart);
        m_vms->setCount(int(vms->size()), detail);
    }
    if (auto tenants = s.tenants()) {
        int reserved = 0;
        for (const Tenant &t : *tenants)
            reserved += t.reservedDevices;
        m_tenants->setCount(int(tenants->size()), tr("%n PCI function(s) reserved", nullptr, reserved));
    }
    if (auto notices = s.rebootRequired())
        showRebootNotices(*notices);
    if (auto entries = s.audit(8)) {
        QString rows;
        for (const AuditEntry &e : *entries) {
            const char *colour = e.result == AuditResult::Ok ? "#38a169" : e.result == AuditResult::Refused ? "#d69e2e" : "#e53e3e";
            const QString result = e.result == AuditResult::Ok ? tr("done") : e.result == AuditResult::Refused ? tr("refused") : tr("failed");
            // Who: the administrator the audit names (a database role on a shared store).
            rows += QStringLiteral("<tr><td style='white-space:nowrap'>%1</td><td>%2 <i>%3</i></td>"
                                   "<td style='color:%4'>%5</td><td>%6</td></tr>")
                        .arg(QLocale().toString(e.at.toLocalTime(), QStringLiteral("dd MMM HH:mm")),
                             e.action.toHtmlEscaped(), e.subject.toHtmlEscaped(), QLatin1String(colour), result,
                             e.user.toHtmlEscaped());
        }
        m_recent->setText(tr("<h3>Recent changes</h3>") + (rows.isEmpty()
            ? tr("<p>Nothing yet.</p>")
            : QStringLiteral("<table cellspacing=0 cellpadding=3>") + rows + QStringLiteral("</table>")));
    }
}

} // namespace passdeck
