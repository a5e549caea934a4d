#include "service/Topology.h"

#include <QCoreApplication>

#include <algorithm>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Topology", text);
}

// ACS control bits (PCIe spec 7.7.8): Source Validation, Translation Blocking, P2P Request
// Redirect, P2P Completion Redirect, Upstream Forwarding, P2P Egress Control, Direct Translated P2P.
constexpr int kAcsSv = 0x01, kAcsRr = 0x04, kAcsCr = 0x08, kAcsUf = 0x10;
constexpr int kAcsIsolation = kAcsSv | kAcsRr | kAcsCr | kAcsUf; // Linux's REQ_ACS_FLAGS

QString shortSpeed(const QString &speed)
{
    QString s = speed;
    if (s.endsWith(QLatin1String(" PCIe")))
        s.chop(5);
    return s;
}

} // namespace

namespace TopologyFacts {

double linkSpeedGts(const QString &speed)
{
    const qsizetype space = speed.indexOf(u' ');
    if (space <= 0)
        return -1;
    bool ok = false;
    const double v = speed.left(space).toDouble(&ok);
    return ok && v > 0 ? v : -1;
}

bool isLinkDegraded(const PciDevice &d)
{
    const double now = linkSpeedGts(d.linkSpeed);
    const double max = linkSpeedGts(d.maxLinkSpeed);
    // A width of 0 is a link that is down: not degraded, just not trained.
    if (d.linkWidth <= 0)
        return false;
    if (now > 0 && max > 0 && now < max)
        return true;
    return d.maxLinkWidth > 0 && d.linkWidth < d.maxLinkWidth;
}

AcsState acsState(const PciDevice &d)
{
    if (!d.acsKnown)
        return AcsState::Unknown;
    if (d.acsCapability < 0)
        return AcsState::Absent;
    // As pci_acs_flags_enabled(): a flag the port cannot control is hard-wired, so only the
    // controllable ones must be on.
    const int needed = kAcsIsolation & d.acsCapability;
    return (std::max(d.acsControl, 0) & needed) == needed ? AcsState::On : AcsState::Off;
}

bool isPort(const PciDevice &d)
{
    return d.baseClass() == 0x06 && (d.subClass() == 0x04 || d.subClass() == 0x09);
}

QString linkText(const PciDevice &d)
{
    if (d.linkSpeed.isEmpty() && d.linkWidth < 0)
        return {};
    const QString now = tr("%1 x%2").arg(shortSpeed(d.linkSpeed)).arg(d.linkWidth);
    if (shortSpeed(d.linkSpeed) == shortSpeed(d.maxLinkSpeed) && d.linkWidth == d.maxLinkWidth)
        return now;
    QString text = tr("%1 (capable %2 x%3)").arg(now, shortSpeed(d.maxLinkSpeed)).arg(d.maxLinkWidth);
    if (isLinkDegraded(d))
        text += tr(" DEGRADED");
    return text;
}

QString acsText(AcsState state)
{
    switch (state) {
    case AcsState::On: return tr("on");
    case AcsState::Off: return tr("off");
    case AcsState::Absent: return tr("absent");
    case AcsState::Unknown: break;
    }
    return tr("unknown");
}

QString acsFlagsText(int bits)
{
    if (bits <= 0)
        return {};
    static const char *const names[] = {"SV", "TB", "RR", "CR", "UF", "EC", "DT"};
    QStringList set;
    for (int i = 0; i < 7; ++i)
        if (bits & (1 << i))
            set.append(QLatin1String(names[i]));
    return set.join(u' ');
}

} // namespace TopologyFacts

const TopologyItem *Topology::find(const QString &address) const
{
    const qsizetype i = indexOf(address);
    return i < 0 ? nullptr : &items.at(i);
}

Topology Topology::build(const InventorySnapshot &snapshot)
{
    Topology t;
    t.iommuGroups = snapshot.iommuGroups;
    QHash<QString, const PciDevice *> byAddress;
    for (const PciDevice &d : snapshot.devices)
        byAddress.insert(d.address, &d);

    // Children per parent; devices arrive sorted by address, so the lists are too.
    QHash<QString, QStringList> children;
    QMap<QString, QStringList> roots; // root bus name -> top-level addresses
    for (const PciDevice &d : snapshot.devices) {
        if (!d.parent.isEmpty() && byAddress.contains(d.parent))
            children[d.parent].append(d.address);
        else
            roots[QStringLiteral("pci") + d.address.left(7)].append(d.address);
    }

    const auto isUpstreamPort = [&](const PciDevice &d, bool onRootBus) {
        const QStringList &kids = children.value(d.address);
        return TopologyFacts::isPort(d) && !onRootBus && !kids.isEmpty()
               && std::all_of(kids.cbegin(), kids.cend(), [&](const QString &k) { return TopologyFacts::isPort(*byAddress.value(k)); });
    };

    t.items.reserve(snapshot.devices.size());
    for (auto r = roots.cbegin(); r != roots.cend(); ++r) {
        t.rootBuses.append({r.key(), r.value()});
        // Depth-first with an explicit stack (a deep tree cannot overflow the call stack):
        // each entry carries the bridges above it, nearest first, and their ACS gaps.
        struct Pending
        {
            QString address;
            int depth;
            QStringList bridgesAbove;
            QStringList gapsAbove;
        };
        QList<Pending> stack;
        for (auto it = r.value().crbegin(); it != r.value().crend(); ++it)
            stack.append({*it, 0, {}, {}});
        while (!stack.isEmpty()) {
            Pending p = stack.takeLast();
            const PciDevice &d = *byAddress.value(p.address);
            TopologyItem item;
            item.device = d;
            item.rootBus = r.key();
            item.depth = p.depth;
            item.children = children.value(d.address);
            item.linkDegraded = TopologyFacts::isLinkDegraded(d);
            item.acs = TopologyFacts::acsState(d);
            item.switchUpstreamPort = isUpstreamPort(d, p.depth == 0);
            item.bridgesAbove = p.bridgesAbove;
            item.acsGapsAbove = p.gapsAbove;
            QStringList below{d.address};
            below.append(p.bridgesAbove);
            QStringList gaps = p.gapsAbove;
            if (TopologyFacts::isPort(d) && !item.switchUpstreamPort && item.acs != AcsState::On)
                gaps.prepend(d.address);
            for (auto c = item.children.crbegin(); c != item.children.crend(); ++c)
                stack.append({*c, p.depth + 1, below, gaps});
            t.m_index.insert(d.address, t.items.size());
            t.items.append(std::move(item));
        }
    }
    return t;
}

} // namespace passdeck
