#include "views/TopologyDashboard.h"

#include "models/DeviceSelection.h"
#include "models/Icons.h"
#include "service/DomainService.h"
#include "service/Topology.h"
#include "views/MainWindow.h"
#include "views/TopologyView.h"

#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace passdeck {

TopologyDashboard::TopologyDashboard(MainWindow &window, qint64 nodeId)
    : Dashboard(window, QStringLiteral("topology"), nodeId)
{
    addMenuItem(QStringLiteral("menuTopologyPci"), Icons::groupClass(GroupClass::Other), tr("PCI Devices"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), argument()); });
    addMenuItem(QStringLiteral("menuTopologyReload"), Icons::info(), tr("Read Again"), [this] { reload(); });
    addMenuItem(QStringLiteral("menuTopologyFit"), QIcon(), tr("Fit Width"),
                [this] { m_view->fitWidth(); });
    addMenuItem(QStringLiteral("menuTopologyZoomIn"), QIcon(), tr("Zoom In"),
                [this] { m_view->zoomIn(); });
    addMenuItem(QStringLiteral("menuTopologyZoomOut"), QIcon(), tr("Zoom Out"),
                [this] { m_view->zoomOut(); });
    addMenuItem(QStringLiteral("menuNode"), Icons::node(), tr("Node Dashboard"),
                [this] { mainWindow().navigate(QStringLiteral("node"), argument()); });

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("topologySummary"));
    m_summary->setAccessibleName(tr("Topology summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    contentLayout()->addWidget(m_summary);
    m_view = new TopologyView(this);
    contentLayout()->addWidget(m_view, 1);

    DeviceSelection &selection = DeviceSelection::of(mainWindow());
    connect(m_view, &TopologyView::selectionChanged, this,
            [this, &selection] { selection.select(argument(), m_view->selectedAddresses()); });
    connect(&selection, &DeviceSelection::changed, this, &TopologyDashboard::followSelection);
}

QString TopologyDashboard::title() const
{
    return tr("Topology");
}

QList<Crumb> TopologyDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Nodes"), QStringLiteral("nodes"), 0},
            {m_nodeName.isEmpty() ? tr("Node") : m_nodeName, QStringLiteral("node"), argument()},
            {title(), dashboardId(), argument()}};
}

void TopologyDashboard::refresh()
{
    if (auto node = service().node(argument()))
        m_nodeName = node->name;
    setHeading(Icons::node(), tr("Topology — %1").arg(m_nodeName),
               tr("Root complexes, ports and bridges, endpoints; IOMMU groups as coloured frames. Select a device to "
                  "select it in PCI Devices."));
    // The picture is read from the node itself: once, then on Read Again (a store change such
    // as a rebind does not move devices in the tree).
    if (!m_loaded)
        reload();
    else
        followSelection();
}

void TopologyDashboard::reload()
{
    if (busy())
        return;
    m_loaded = true;
    DomainService *s = &service();
    const qint64 id = argument();
    runInBackground<Result<Topology>>([s, id] { return s->topology(id); }, [this](const Result<Topology> &t) {
        if (!t) {
            m_summary->setText(tr("The topology cannot be read."));
            showError(t.error());
            return;
        }
        const auto degraded = std::count_if(t->items.cbegin(), t->items.cend(), [](const TopologyItem &i) { return i.linkDegraded; });
        const auto noAcs = std::count_if(t->items.cbegin(), t->items.cend(), [](const TopologyItem &i) {
            return TopologyFacts::isPort(i.device) && !i.switchUpstreamPort && (i.acs == AcsState::Off || i.acs == AcsState::Absent);
        });
        QStringList parts{tr("%n device(s)", nullptr, int(t->items.size())),
                          tr("%n root complex(es)", nullptr, int(t->rootBuses.size())),
                          tr("%n IOMMU group(s)", nullptr, int(t->iommuGroups.size()))};
        if (degraded > 0)
            parts << tr("%n degraded link(s)", nullptr, int(degraded));
        if (noAcs > 0)
            parts << tr("%n port(s) without ACS", nullptr, int(noAcs));
        m_summary->setText(parts.join(QStringLiteral(" · ")));
        m_view->setTopology(*t);
        followSelection();
    });
}

void TopologyDashboard::followSelection()
{
    const DeviceSelection &selection = DeviceSelection::of(mainWindow());
    if (selection.nodeId() == argument() && selection.addresses() != m_view->selectedAddresses())
        m_view->selectAddresses(selection.addresses());
}

} // namespace passdeck
