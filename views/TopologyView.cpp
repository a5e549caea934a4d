#include "views/TopologyView.h"

#include <QEvent>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>

namespace passdeck {

namespace {

constexpr qreal kIndent = 30;      // per level below the root complex
constexpr qreal kRow = TopologyBox::kHeight + 10;
constexpr qreal kBoxesRight = 640; // every box ends here, so group frames line up
constexpr qreal kLabelColumn = 150; // right of the boxes: the IOMMU group labels
constexpr qreal kFramePad = 4;

} // namespace

TopologyView::TopologyView(QWidget *parent) : QGraphicsView(parent)
{
    setObjectName(QStringLiteral("topologyView"));
    setAccessibleName(tr("PCI topology"));
    setAccessibleDescription(tr("The node's PCI tree: root complexes, ports and bridges, endpoints, with IOMMU groups "
                                "as coloured frames. Select a device to select it in PCI Devices."));
    setScene(new QGraphicsScene(this));
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setFocusPolicy(Qt::StrongFocus);
    m_colors = TopologyColors::fromPalette(palette());
    connect(scene(), &QGraphicsScene::selectionChanged, this, [this] {
        if (!m_updating)
            Q_EMIT selectionChanged();
    });
}

void TopologyView::setTopology(Topology topology)
{
    const QStringList selected = selectedAddresses();
    m_topology = std::move(topology);
    rebuild();
    selectAddresses(selected);
}

void TopologyView::rebuild()
{
    m_updating = true;
    scene()->clear();
    m_boxes.clear();
    setBackgroundBrush(palette().color(QPalette::Base).darker(m_colors.dark ? 80 : 103));
    const QFont bold = [this] {
        QFont f = font();
        f.setBold(true);
        return f;
    }();

    QHash<QString, qreal> rowY; // top of each device's row, for connectors
    qreal y = 0;
    qsizetype i = 0;
    // Rows first (root complex headers and boxes), then the frames and connectors behind them.
    struct Run
    {
        int group;
        qreal top, bottom, left;
    };
    QList<Run> runs;
    for (const TopologyRootBus &root : m_topology.rootBuses) {
        // The NUMA node of a root complex: the one all its devices report, if they agree.
        int numa = -2;
        for (qsizetype j = i; j < m_topology.items.size() && m_topology.items.at(j).rootBus == root.name; ++j) {
            const int n = m_topology.items.at(j).device.numaNode;
            numa = numa == -2 ? n : (numa == n ? numa : -1);
        }
        auto *header = scene()->addSimpleText(numa >= 0 ? tr("%1 — root complex, NUMA node %2").arg(root.name).arg(numa)
                                                        : tr("%1 — root complex").arg(root.name),
                                              bold);
        header->setBrush(m_colors.text);
        header->setPos(0, y + 6);
        y += 34;
        for (; i < m_topology.items.size() && m_topology.items.at(i).rootBus == root.name; ++i) {
            const TopologyItem &item = m_topology.items.at(i);
            const qreal x = kIndent * (item.depth + 1);
            auto *box = new TopologyBox(item, kBoxesRight - x, m_colors);
            box->setPos(x, y);
            box->setZValue(2);
            scene()->addItem(box);
            m_boxes.insert(item.device.address, box);
            rowY.insert(item.device.address, y);
            // Consecutive rows of one group share a frame (a group is a subtree or siblings, so
            // it is nearly always one run; a split one gets one frame per run, same colour).
            const int group = item.device.iommuGroup;
            if (group >= 0 && !runs.isEmpty() && runs.last().group == group && runs.last().bottom + 10 >= y)
                runs.last().bottom = y + TopologyBox::kHeight, runs.last().left = std::min(runs.last().left, x);
            else if (group >= 0)
                runs.append({group, y, y + TopologyBox::kHeight, x});
            y += kRow;
        }
        y += 12;
    }

    for (const Run &run : std::as_const(runs)) {
        const QColor c = m_colors.groupColor(run.group);
        QColor fill = c;
        fill.setAlpha(m_colors.dark ? 60 : 50);
        auto *frame = scene()->addRect(QRectF(run.left - kFramePad, run.top - kFramePad,
                                              kBoxesRight - run.left + kLabelColumn, run.bottom - run.top + 2 * kFramePad),
                                       QPen(c, 2), fill);
        frame->setZValue(0);
        frame->setToolTip(tr("IOMMU group %1: %2").arg(run.group).arg(m_topology.iommuGroups.value(run.group).join(QLatin1String(", "))));
        auto *label = scene()->addSimpleText(tr("IOMMU group %1").arg(run.group), bold);
        label->setBrush(m_colors.text);
        label->setPos(kBoxesRight + 10, run.top + (run.bottom - run.top - label->boundingRect().height()) / 2);
        label->setZValue(1);
    }

    // Connectors: down from the bridge's left edge, across to each child.
    QPainterPath path;
    for (const TopologyItem &item : std::as_const(m_topology.items)) {
        if (item.children.isEmpty())
            continue;
        const qreal px = kIndent * (item.depth + 1) + 10;
        const qreal py = rowY.value(item.device.address) + TopologyBox::kHeight;
        const qreal lastY = rowY.value(item.children.last()) + TopologyBox::kHeight / 2.0;
        path.moveTo(px, py);
        path.lineTo(px, lastY);
        for (const QString &c : item.children) {
            const qreal cy = rowY.value(c) + TopologyBox::kHeight / 2.0;
            path.moveTo(px, cy);
            path.lineTo(kIndent * (item.depth + 2), cy);
        }
    }
    auto *connectors = scene()->addPath(path, QPen(m_colors.connector, 1.5));
    connectors->setZValue(1);
    scene()->setSceneRect(scene()->itemsBoundingRect().adjusted(-8, -8, 8, 8));
    m_updating = false;
}

QStringList TopologyView::selectedAddresses() const
{
    QStringList out;
    for (QGraphicsItem *item : scene()->selectedItems())
        if (auto *b = dynamic_cast<TopologyBox *>(item))
            out.append(b->address());
    out.sort();
    return out;
}

void TopologyView::selectAddresses(const QStringList &addresses)
{
    m_updating = true;
    scene()->clearSelection();
    TopologyBox *first = nullptr;
    for (const QString &a : addresses) {
        if (TopologyBox *b = m_boxes.value(a)) {
            b->setSelected(true);
            if (!first)
                first = b;
        }
    }
    if (first)
        ensureVisible(first, 20, 20);
    m_updating = false;
}

QPoint TopologyView::viewportPointOf(const QString &address) const
{
    const TopologyBox *b = m_boxes.value(address);
    return b ? mapFromScene(b->sceneBoundingRect().center()) : QPoint();
}

void TopologyView::setZoom(qreal factor)
{
    const qreal z = std::clamp(zoom() * factor, 0.2, 4.0);
    setTransform(QTransform::fromScale(z, z));
}

void TopologyView::zoomIn()
{
    setZoom(1.25);
}

void TopologyView::zoomOut()
{
    setZoom(0.8);
}

void TopologyView::fitWidth()
{
    const qreal w = scene()->sceneRect().width();
    if (w <= 0)
        return;
    // Shrinks to fit, never enlarges past 100 %: bigger boxes hold no more text.
    const qreal z = std::clamp((viewport()->width() - 4) / w, 0.2, 1.0);
    setTransform(QTransform::fromScale(z, z));
}

void TopologyView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        setZoom(event->angleDelta().y() > 0 ? 1.15 : 1 / 1.15);
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void TopologyView::changeEvent(QEvent *event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange
        || event->type() == QEvent::FontChange) {
        m_colors = TopologyColors::fromPalette(palette());
        const QStringList selected = selectedAddresses();
        rebuild();
        selectAddresses(selected);
    }
}

} // namespace passdeck
