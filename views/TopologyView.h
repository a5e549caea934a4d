#pragma once

#include "service/Topology.h"
#include "views/TopologyBox.h"

#include <QGraphicsView>
#include <QHash>

namespace passdeck {

// A node's PCI tree as a picture (docs/topology.md): one row per root complex, then its ports,
// bridges and endpoints indented under their bridge with connectors; IOMMU groups as coloured
// frames with their number at the right; NUMA, link and ACS on each box. Selecting boxes (click,
// Ctrl+click) emits selectionChanged(); Ctrl+wheel zooms. Colours follow the palette.
class TopologyView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit TopologyView(QWidget *parent = nullptr);

    void setTopology(Topology topology);
    const Topology &topology() const { return m_topology; }

    QStringList selectedAddresses() const;
    // Selects exactly these boxes (unknown addresses are ignored) and scrolls to the first;
    // emits nothing.
    void selectAddresses(const QStringList &addresses);
    TopologyBox *box(const QString &address) const { return m_boxes.value(address); }
    int boxCount() const { return int(m_boxes.size()); }
    // Where a box's centre is in viewport coordinates (for tests and keyboard users).
    QPoint viewportPointOf(const QString &address) const;

    void zoomIn();
    void zoomOut();
    void fitWidth();   // the whole width in view, at most 100 % (hundreds of devices scroll vertically)
    qreal zoom() const { return transform().m11(); }

Q_SIGNALS:
    void selectionChanged();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    void setZoom(qreal factor);

    Topology m_topology;
    TopologyColors m_colors;
    QHash<QString, TopologyBox *> m_boxes;
    bool m_updating = false;
};

} // namespace passdeck
