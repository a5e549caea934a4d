#include "views/PciDevicesView.h"

#include "views/ColumnFitter.h"
#include "models/Icons.h"
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"
#include "views/TableSetup.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QShortcut>
#include <QTableView>
#include <QVBoxLayout>

namespace passdeck {

namespace {
QString baseClassName(int base)
{
    switch (base) {
    case 0x01: return QCoreApplication::translate("PciDevicesView", "Storage controllers");
    case 0x02: return QCoreApplication::translate("PciDevicesView", "Network controllers");
    case 0x03: return QCoreApplication::translate("PciDevicesView", "Display controllers (GPUs)");
    case 0x04: return QCoreApplication::translate("PciDevicesView", "Multimedia (audio)");
    case 0x05: return QCoreApplication::translate("PciDevicesView", "Memory controllers");
    case 0x06: return QCoreApplication::translate("PciDevicesView", "Bridges");
    case 0x07: return QCoreApplication::translate("PciDevicesView", "Communication controllers");
    case 0x08: return QCoreApplication::translate("PciDevicesView", "System peripherals");
    case 0x0c: return QCoreApplication::translate("PciDevicesView", "Serial bus (USB, SMBus)");
    case 0x0b: return QCoreApplication::translate("PciDevicesView", "Processors");
    case 0x12: return QCoreApplication::translate("PciDevicesView", "Processing accelerators");
    default: return QCoreApplication::translate("PciDevicesView", "Class %1").arg(base, 2, 16, QLatin1Char('0'));
    }
}
} // namespace

PciDevicesView::PciDevicesView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("pciDevicesView"));
    m_model = new PciDeviceModel(this);
    m_proxy = new PciDeviceFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("pciFilter"));
    m_filter->setAccessibleName(tr("Filter devices"));
    m_filter->setPlaceholderText(tr("Filter by slot, vendor, device, driver, group, status… (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    m_class = new QComboBox(this);
    m_class->setObjectName(QStringLiteral("pciClassFilter"));
    m_class->setAccessibleName(tr("Device class"));
    m_class->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_class->addItem(tr("All classes"), -1);
    m_onlyFree = new QCheckBox(tr("Only &free"), this);
    m_onlyFree->setObjectName(QStringLiteral("pciOnlyFree"));
    m_onlyFree->setAccessibleName(tr("Only free devices"));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("pciCount"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_class);
    bar->addWidget(m_onlyFree);

    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("pciTable"), tr("PCI devices"));
    m_table->setModel(m_proxy);
    m_table->sortByColumn(PciDeviceModel::SlotColumn, Qt::AscendingOrder);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // A narrow window (1024x768) keeps Status, IOMMU Group and Resource Group on screen: the
    // long names give way first, elided, complete in their tooltips.
    m_fitter = new ColumnFitter(m_table, {{PciDeviceModel::DeviceColumn, 110}, {PciDeviceModel::VendorColumn, 50},
                                          {PciDeviceModel::ClassColumn, 34}, {PciDeviceModel::DriverColumn, 64}});

    auto *legend = new QLabel(tr("Amber rows share an IOMMU group with the selection and move with it."), this);
    legend->setObjectName(QStringLiteral("pciLegend"));
    setMuted(legend);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    auto *foot = new QHBoxLayout;
    foot->addWidget(m_count);
    foot->addStretch(1);
    foot->addWidget(legend);
    layout->addLayout(foot);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &t) {
        m_proxy->setFilterText(t);
        updateCount();
    });
    connect(m_class, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setBaseClassFilter(m_class->currentData().toInt());
        updateCount();
    });
    connect(m_onlyFree, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setOnlyFree(on);
        updateCount();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &PciDevicesView::updateSelection);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT activated(m_model->device(m_proxy->mapToSource(index).row()));
    });
    // Right-click: the table's actions (the dashboard adds Make Resource in front).
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copy = new QAction(tr("Copy Addresses"), m_table);
    copy->setObjectName(QStringLiteral("actionCopyAddresses"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, [this] {
        QStringList lines;
        for (const DeviceRecord &d : selectedDevices())
            lines << d.address;
        QGuiApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
    });
    m_table->addAction(copy);

    auto *find = new QShortcut(QKeySequence::Find, this);
    // The whole window: Ctrl+F reaches the filter wherever the focus is (the left menu after a
    // click, the banner); only the visible view's shortcut is live.
    find->setContext(Qt::WindowShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    updateCount();
}

bool PciDevicesView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape && !m_filter->text().isEmpty()) {
            m_filter->clear();
            return true;
        }
        if (key->key() == Qt::Key_Down && m_proxy->rowCount() > 0) {
            m_table->setFocus();
            if (!m_table->currentIndex().isValid())
                m_table->selectRow(0);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void PciDevicesView::setDevices(QList<DeviceRecord> devices)
{
    m_model->setDevices(std::move(devices));
    updateClassFilter();
    if (!m_sized && m_model->rowCount() > 0) {
        m_sized = true;
        fitColumns(m_table, 190);
        // Long names (and the headers of short numbers) would push Status off screen; the full
        // text is in each cell's tooltip.
        const std::pair<int, int> caps[] = {{PciDeviceModel::VendorColumn, 160}, {PciDeviceModel::ClassColumn, 165},
                                            {PciDeviceModel::IommuGroupColumn, 92}, {PciDeviceModel::NumaColumn, 50},
                                            {PciDeviceModel::ResourceGroupColumn, 115}};
        for (const auto &[column, cap] : caps)
            m_table->setColumnWidth(column, qMin(m_table->columnWidth(column), cap));
        m_fitter->capture();
    }
    updateSelection();
    updateCount();
}

void PciDevicesView::setNodeColumnVisible(bool visible)
{
    m_table->setColumnHidden(PciDeviceModel::NodeColumn, !visible);
    // All nodes: one node's devices together, in slot order.
    m_table->sortByColumn(visible ? PciDeviceModel::NodeColumn : PciDeviceModel::SlotColumn, Qt::AscendingOrder);
    m_fitter->apply();
}

void PciDevicesView::updateClassFilter()
{
    QMap<int, int> counts;
    for (const DeviceRecord &d : m_model->devices()) {
        if (d.classId >= 0)
            ++counts[(d.classId >> 16) & 0xff];
    }
    const int current = m_class->currentData().toInt();
    QList<int> existing;
    for (int i = 1; i < m_class->count(); ++i)
        existing << m_class->itemData(i).toInt();
    if (existing == counts.keys())
        return;
    QSignalBlocker block(m_class);
    while (m_class->count() > 1)
        m_class->removeItem(1);
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        m_class->addItem(Icons::groupClass(Icons::classForPciClass(it.key() << 16)), baseClassName(it.key()), it.key());
    const int idx = m_class->findData(current);
    m_class->setCurrentIndex(idx < 0 ? 0 : idx);
    m_proxy->setBaseClassFilter(m_class->currentData().toInt());
}

QList<DeviceRecord> PciDevicesView::selectedDevices() const
{
    QList<DeviceRecord> out;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows)
        out.append(m_model->device(m_proxy->mapToSource(i).row()));
    std::sort(out.begin(), out.end(), [](const DeviceRecord &a, const DeviceRecord &b) {
        return a.nodeName != b.nodeName ? a.nodeName < b.nodeName : a.address < b.address;
    });
    return out;
}

int PciDevicesView::selectAddresses(const QStringList &addresses, qint64 nodeId)
{
    QItemSelection selection;
    int matched = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const DeviceRecord &d = m_model->device(row);
        if ((nodeId == 0 || d.nodeId == nodeId) && addresses.contains(d.address)) {
            const QModelIndex p = m_proxy->mapFromSource(m_model->index(row, 0));
            if (p.isValid()) {
                selection.select(p, p.siblingAtColumn(PciDeviceModel::ColumnCount - 1));
                ++matched;
            }
        }
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (!selection.isEmpty())
        m_table->selectionModel()->setCurrentIndex(selection.first().topLeft(), QItemSelectionModel::NoUpdate);
    return matched;
}

void PciDevicesView::updateSelection()
{
    updateCount();
    Q_EMIT selectionChanged();
    // The highlight is a dataChanged of the source model. The selection also changes while the
    // proxy is removing rows (a filter hides selected rows), and a source change in the middle
    // of that corrupts the proxy's mapping (Qt 6.4: rowCount() == -1). So: after the event.
    if (!m_highlightPending) {
        m_highlightPending = true;
        QMetaObject::invokeMethod(this, &PciDevicesView::updateHighlight, Qt::QueuedConnection);
    }
}

void PciDevicesView::updateHighlight()
{
    m_highlightPending = false;
    QSet<QPair<qint64, int>> groups;
    for (const DeviceRecord &d : selectedDevices()) {
        if (d.iommuGroup >= 0)
            groups.insert({d.nodeId, d.iommuGroup});
    }
    m_model->setHighlightedGroups(groups);
}

void PciDevicesView::updateCount()
{
    const int selected = int(m_table->selectionModel()->selectedRows().size());
    QString text = tr("Showing %1 of %n device(s)", nullptr, m_model->rowCount()).arg(m_proxy->rowCount());
    if (selected > 0)
        text += tr(", %n selected", nullptr, selected);
    text += m_proxy->onlyFreeExplanation().isEmpty() ? QString() : QStringLiteral(". ") + m_proxy->onlyFreeExplanation();
    m_count->setText(text);
}

} // namespace passdeck
