// passdeck-cli topology [--node N] [--json]: a node's PCI tree (docs/topology.md, docs/cli.md).
#include "cli/CliContext.h"
#include "cli/StoreCommands.h"

#include "node/host/HostRoot.h"
#include "node/inventory/Inventory.h"
#include "service/Topology.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

namespace passdeck::cli {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("TopologyCommand", text, disambiguation, n);
}

QString orDash(const QString &s)
{
    return s.isEmpty() ? QStringLiteral("-") : s;
}

QString deviceName(const PciDevice &d)
{
    const QString cls = d.className.isEmpty() ? tr("Class %1").arg(d.classId >> 8, 4, 16, QLatin1Char('0')) : d.className;
    const QString name = d.deviceName.isEmpty() ? tr("Device %1:%2").arg(d.vendorId, 4, 16, QLatin1Char('0')).arg(d.deviceId, 4, 16, QLatin1Char('0'))
                                                : d.deviceName;
    return tr("%1: %2").arg(cls, name);
}

// One line per function, indented by its depth below the root complex:
//   0000:01:00.0  VGA compatible controller: GA102  driver nvidia  group 12  numa 0
//                 link 8.0 GT/s x4 (capable 16.0 GT/s x16) DEGRADED  acs -  reset flr,bus
QString line(const TopologyItem &item)
{
    const PciDevice &d = item.device;
    QStringList parts{d.address, deviceName(d), tr("driver %1").arg(orDash(d.driver)),
                      tr("group %1").arg(d.iommuGroup < 0 ? QStringLiteral("-") : QString::number(d.iommuGroup)),
                      tr("numa %1").arg(d.numaNode < 0 ? QStringLiteral("-") : QString::number(d.numaNode))};
    if (const QString link = TopologyFacts::linkText(d); !link.isEmpty())
        parts.append(tr("link %1").arg(link));
    if (TopologyFacts::isPort(d)) {
        QString acs = tr("acs %1").arg(TopologyFacts::acsText(item.acs));
        if (item.switchUpstreamPort)
            acs += tr(" (switch upstream port, not needed)");
        parts.append(acs);
    }
    if (!item.acsGapsAbove.isEmpty())
        parts.append(tr("no ACS above at %1").arg(item.acsGapsAbove.join(QLatin1String(", "))));
    parts.append(tr("reset %1").arg(d.resetMethods.isEmpty() ? QStringLiteral("-") : d.resetMethods.join(u',')));
    return QString(item.depth * 2 + 2, u' ') + parts.join(QLatin1String("  "));
}

QJsonValue intOrNull(int v)
{
    return v < 0 ? QJsonValue() : QJsonValue(v);
}

QJsonValue stringOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonObject itemJson(const Topology &t, const TopologyItem &item)
{
    const PciDevice &d = item.device;
    QJsonArray children;
    for (const QString &c : item.children)
        children.append(itemJson(t, *t.find(c)));
    return QJsonObject{
        {QStringLiteral("address"), d.address},
        {QStringLiteral("parent"), stringOrNull(d.parent)},
        {QStringLiteral("class_name"), d.className},
        {QStringLiteral("device_name"), d.deviceName},
        {QStringLiteral("vendor_name"), d.vendorName},
        {QStringLiteral("is_bridge"), d.isBridge},
        {QStringLiteral("driver"), stringOrNull(d.driver)},
        {QStringLiteral("iommu_group"), intOrNull(d.iommuGroup)},
        {QStringLiteral("numa_node"), intOrNull(d.numaNode)},
        {QStringLiteral("link"), QJsonObject{{QStringLiteral("speed"), stringOrNull(d.linkSpeed)},
                                             {QStringLiteral("width"), intOrNull(d.linkWidth)},
                                             {QStringLiteral("max_speed"), stringOrNull(d.maxLinkSpeed)},
                                             {QStringLiteral("max_width"), intOrNull(d.maxLinkWidth)},
                                             {QStringLiteral("degraded"), item.linkDegraded}}},
        {QStringLiteral("acs"), QJsonObject{{QStringLiteral("state"), TopologyFacts::acsText(item.acs)},
                                            {QStringLiteral("capability"), intOrNull(d.acsCapability)},
                                            {QStringLiteral("control"), intOrNull(d.acsControl)},
                                            {QStringLiteral("switch_upstream_port"), item.switchUpstreamPort}}},
        {QStringLiteral("bridges_above"), QJsonArray::fromStringList(item.bridgesAbove)},
        {QStringLiteral("acs_gaps_above"), QJsonArray::fromStringList(item.acsGapsAbove)},
        {QStringLiteral("reset_methods"), QJsonArray::fromStringList(d.resetMethods)},
        {QStringLiteral("children"), children},
    };
}

QJsonObject topologyJson(const QString &node, const Topology &t)
{
    QJsonArray roots;
    for (const TopologyRootBus &r : t.rootBuses) {
        QJsonArray children;
        for (const QString &c : r.children)
            children.append(itemJson(t, *t.find(c)));
        roots.append(QJsonObject{{QStringLiteral("root_bus"), r.name}, {QStringLiteral("children"), children}});
    }
    return {{QStringLiteral("node"), node}, {QStringLiteral("root_complexes"), roots}};
}

void printTree(CliContext &ctx, const QString &node, const Topology &t)
{
    QTextStream &o = ctx.out();
    o << tr("Node %1: %n device(s)", nullptr, int(t.items.size())).arg(node) << '\n';
    qsizetype i = 0;
    for (const TopologyRootBus &r : t.rootBuses) {
        o << tr("%1 (root complex)").arg(r.name) << '\n';
        // items are in pre-order, one root bus after the other
        for (; i < t.items.size() && t.items.at(i).rootBus == r.name; ++i)
            o << line(t.items.at(i)) << '\n';
    }
    o.flush();
}

int runTopology(CliContext &ctx)
{
    const bool json = ctx.takeFlag(QStringLiteral("--json")) || ctx.json;
    QString nodeName;
    bool missing = false;
    const bool hasNode = ctx.takeOption(QStringLiteral("--node"), &nodeName, &missing);
    if (missing)
        return ctx.usage(tr("topology: --node needs the name of a node"));
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("topology: unknown option '%1'").arg(unknown));
    if (!ctx.args.isEmpty())
        return ctx.usage(tr("topology: unexpected argument '%1'").arg(ctx.args.first()));

    Result<Topology> topology = Error{};
    QString shownName = nodeName;
    if (hasNode) {
        // A node of the store, read through its node (an agent or a host root), like the GUI.
        int rc = ExitOk;
        auto service = openService(ctx, &rc);
        if (!service)
            return rc;
        auto node = service->findNode(nodeName);
        if (!node)
            return ctx.fail(node.error());
        topology = service->topology(node->id);
    } else {
        // No store: the host root given with --host-root (default /), as `devices` reads it.
        InventoryOptions options;
        options.pciIdsPath = ctx.pciIds;
        auto snapshot = Inventory::scan(HostRoot(ctx.hostRoot), options);
        if (!snapshot)
            return ctx.fail(snapshot.error());
        topology = Topology::build(*snapshot);
        shownName = ctx.hostRoot;
    }
    if (!topology)
        return ctx.fail(topology.error());
    if (json)
        ctx.printJson(topologyJson(shownName, *topology));
    else
        printTree(ctx, shownName, *topology);
    return ExitOk;
}

const bool registered = CliRegistry::add({QStringLiteral("topology"),
                                          QStringLiteral("topology [--node N] [--json]   the PCI tree: bridges, groups, links, ACS"),
                                          &runTopology});

} // namespace

} // namespace passdeck::cli
