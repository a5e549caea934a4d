#pragma once

#include "service/Topology.h"

#include <QColor>
#include <QGraphicsItem>

namespace passdeck {

// The colours of the topology picture, all from the widget's palette (so a dark palette gives a
// dark picture) except the group hues, whose lightness follows the palette's base.
struct TopologyColors
{
    QColor base, text, mutedText, border, highlight, highlightedText, connector, warning;
    bool dark = false;

    static TopologyColors fromPalette(const QPalette &palette);
    QColor groupColor(int group) const; // a distinct hue per IOMMU group
};

// One PCI function in the picture: a box with its address and name, and a line with driver,
// NUMA node, PCIe link and ACS. A degraded link or a port without ACS shows in the warning colour.
// Selectable; the tooltip carries the rest (reset methods, ACS flags, the bridges above).
class TopologyBox : public QGraphicsItem
{
public:
    static constexpr int kHeight = 46;

    TopologyBox(const TopologyItem &item, qreal width, const TopologyColors &colors);

    const QString &address() const { return m_item.device.address; }
    const TopologyItem &item() const { return m_item; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

    static QString title(const PciDevice &device);
    static QString details(const TopologyItem &item);
    static QString tooltip(const TopologyItem &item);

private:
    TopologyItem m_item;
    qreal m_width;
    const TopologyColors &m_colors;
};

} // namespace passdeck
