#include "views/TopologyBox.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TopologyView", text);
}

bool acsWanted(const TopologyItem &item)
{
    return TopologyFacts::isPort(item.device) && !item.switchUpstreamPort;
}

} // namespace

TopologyColors TopologyColors::fromPalette(const QPalette &p)
{
    TopologyColors c;
    c.base = p.color(QPalette::Base);
    c.text = p.color(QPalette::Text);
    c.dark = c.base.lightness() < 128;
    c.mutedText = p.color(QPalette::PlaceholderText);
    if (!c.mutedText.isValid() || c.mutedText == c.text)
        c.mutedText = c.dark ? c.text.darker(140) : c.text.lighter(180);
    c.border = p.color(QPalette::Mid);
    c.highlight = p.color(QPalette::Highlight);
    c.highlightedText = p.color(QPalette::HighlightedText);
    c.connector = p.color(QPalette::Mid);
    // Amber that reads on both: darker on a light base, lighter on a dark one.
    c.warning = c.dark ? QColor(0xf6, 0xad, 0x55) : QColor(0xc0, 0x56, 0x21);
    return c;
}

QColor TopologyColors::groupColor(int group) const
{
    // Golden-angle hues: neighbouring group numbers get far-apart colours.
    const int hue = int(group * 137.508) % 360;
    return QColor::fromHsv(hue, dark ? 150 : 170, dark ? 200 : 190);
}

TopologyBox::TopologyBox(const TopologyItem &item, qreal width, const TopologyColors &colors)
    : m_item(item), m_width(width), m_colors(colors)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setToolTip(tooltip(item));
    setData(0, item.device.address);
}

QRectF TopologyBox::boundingRect() const
{
    return QRectF(0, 0, m_width, kHeight);
}

QString TopologyBox::title(const PciDevice &d)
{
    const QString cls = d.className.isEmpty() ? tr("Class %1").arg(d.classId >> 8, 4, 16, QLatin1Char('0')) : d.className;
    QString name = d.deviceName;
    if (name.isEmpty())
        name = tr("Device %1:%2").arg(d.vendorId, 4, 16, QLatin1Char('0')).arg(d.deviceId, 4, 16, QLatin1Char('0'));
    return tr("%1  %2: %3").arg(d.address, cls, name);
}

QString TopologyBox::details(const TopologyItem &item)
{
    const PciDevice &d = item.device;
    QStringList parts;
    parts << (d.driver.isEmpty() ? tr("no driver") : tr("driver %1").arg(d.driver));
    if (d.numaNode >= 0)
        parts << tr("NUMA %1").arg(d.numaNode);
    if (const QString link = TopologyFacts::linkText(d); !link.isEmpty())
        parts << link;
    if (TopologyFacts::isPort(d))
        parts << (item.switchUpstreamPort ? tr("ACS not needed (switch upstream port)")
                                          : tr("ACS %1").arg(TopologyFacts::acsText(item.acs)));
    return parts.join(QStringLiteral(" · "));
}

QString TopologyBox::tooltip(const TopologyItem &item)
{
    const PciDevice &d = item.device;
    QStringList lines;
    lines << title(d);
    if (!d.vendorName.isEmpty())
        lines << tr("Vendor: %1").arg(d.vendorName);
    lines << tr("Driver: %1").arg(d.driver.isEmpty() ? tr("none") : d.driver);
    lines << tr("IOMMU group: %1").arg(d.iommuGroup < 0 ? tr("none") : QString::number(d.iommuGroup));
    lines << tr("NUMA node: %1").arg(d.numaNode < 0 ? tr("unknown") : QString::number(d.numaNode));
    if (const QString link = TopologyFacts::linkText(d); !link.isEmpty())
        lines << tr("PCIe link: %1").arg(link);
    if (item.linkDegraded)
        lines << tr("The link runs below what the device can do: check the slot, the riser or the BIOS link "
                    "settings (a GPU at idle may also slow its link to save power).");
    lines << tr("Reset methods: %1").arg(d.resetMethods.isEmpty() ? tr("none (the device cannot be reset on its own)")
                                                                  : d.resetMethods.join(QLatin1String(", ")));
    if (TopologyFacts::isPort(d)) {
        QString acs = tr("ACS: %1").arg(TopologyFacts::acsText(item.acs));
        if (const QString flags = TopologyFacts::acsFlagsText(d.acsControl); item.acs != AcsState::Unknown && !flags.isEmpty())
            acs += tr(" (enabled: %1)").arg(flags);
        lines << acs;
        if (item.acs == AcsState::Unknown)
            lines << tr("ACS can be read only as root (the config space past 64 bytes).");
    }
    if (!item.acsGapsAbove.isEmpty())
        lines << tr("No ACS on %1 above: the devices below share an IOMMU group.")
                     .arg(item.acsGapsAbove.join(QLatin1String(", ")));
    return lines.join(u'\n');
}

void TopologyBox::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const bool selected = option->state & QStyle::State_Selected;
    const bool warn = m_item.linkDegraded || (acsWanted(m_item) && m_item.acs != AcsState::On && m_item.acs != AcsState::Unknown);
    const QRectF r = boundingRect().adjusted(1, 1, -1, -1);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(selected ? m_colors.highlight : warn ? m_colors.warning : m_colors.border, warn || selected ? 2 : 1));
    painter->setBrush(selected ? m_colors.highlight : m_colors.base);
    painter->drawRoundedRect(r, 5, 5);
    // A bridge gets a bar on its left edge: ports and bridges stand out from endpoints.
    if (TopologyFacts::isPort(m_item.device)) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(selected ? m_colors.highlightedText : m_colors.connector);
        painter->drawRect(QRectF(r.left() + 1, r.top() + 6, 4, r.height() - 12));
    }

    const QColor text = selected ? m_colors.highlightedText : m_colors.text;
    QFont bold = painter->font();
    bold.setBold(true);
    const QRectF textRect = r.adjusted(12, 4, -8, -4);
    painter->setFont(bold);
    painter->setPen(text);
    const QFontMetrics bm(bold);
    painter->drawText(QRectF(textRect.left(), textRect.top(), textRect.width(), bm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      bm.elidedText(title(m_item.device), Qt::ElideRight, int(textRect.width())));
    QFont normal = painter->font();
    normal.setBold(false);
    painter->setFont(normal);
    const QFontMetrics nm(normal);
    painter->setPen(selected ? m_colors.highlightedText : warn ? m_colors.warning : m_colors.mutedText);
    QString second = details(m_item);
    if (m_item.linkDegraded)
        second.prepend(QStringLiteral("⚠ "));
    painter->drawText(QRectF(textRect.left(), textRect.bottom() - nm.height(), textRect.width(), nm.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, nm.elidedText(second, Qt::ElideRight, int(textRect.width())));
}

} // namespace passdeck
