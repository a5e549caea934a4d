#include "views/NodesDashboard.h"

#include "views/AddNodeDialog.h"
#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MainWindow.h"
#include "views/NodeReconnector.h"
#include "models/NodeModel.h"
#include "views/TableSetup.h"

#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

NodesDashboard::NodesDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("nodes"), 0)
{
    setHeading(Icons::node(), tr("Nodes"), tr("The hosts whose PCI devices Passdeck manages."));
    auto *open = addMenuItem(QStringLiteral("menuOpenNode"), Icons::node(), tr("Open Node"),
                             [this] { openNode(m_table->currentIndex()); });
    auto *add = addMenuItem(QStringLiteral("menuAddNode"), Icons::node(), tr("Add Node…"), [this] { addNode(); });
    add->setToolTip(tr("Add a host: by its host root on this machine, or by the address of its agent (passdeckd)"));
    auto *reconnect = addMenuItem(QStringLiteral("menuReconnectNodes"), Icons::info(), tr("Reconnect Now"), [this] {
        if (!mainWindow().reconnector()->retryNow())
            showSuccess(tr("Every node answers; there is nothing to reconnect."));
    });
    reconnect->setToolTip(tr("Try the nodes that do not answer again now (Passdeck does it every 30 seconds)"));
    addMenuItem(QStringLiteral("menuPciDevices"), Icons::groupClass(GroupClass::Other), tr("All PCI Devices"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), 0); });
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });

    m_model = new NodeModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("nodesTable"), tr("Nodes"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setModel(m_proxy);
    m_table->sortByColumn(NodeModel::NameColumn, Qt::AscendingOrder);
    connect(m_table, &QTableView::doubleClicked, this, &NodesDashboard::openNode);
    connect(m_table, &QTableView::activated, this, &NodesDashboard::openNode);
    open->setEnabled(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this, open] { open->setEnabled(m_table->selectionModel()->hasSelection()); });
    contentLayout()->addWidget(m_table, 1);
    auto *hint = new QLabel(tr("Double-click a node to see its status, its PCI devices and to reboot it."), this);
    hint->setWordWrap(true);
    contentLayout()->addWidget(hint);
}

QString NodesDashboard::title() const
{
    return tr("Nodes");
}

void NodesDashboard::openNode(const QModelIndex &proxyIndex)
{
    if (proxyIndex.isValid())
        mainWindow().navigate(QStringLiteral("node"), proxyIndex.data(NodeModel::NodeIdRole).toLongLong());
}

AddNodeDialog *NodesDashboard::addNode()
{
    if (auto *open = findChild<AddNodeDialog *>(); open && open->isVisible()) {
        open->raise();
        open->activateWindow();
        return nullptr;
    }
    auto *dialog = new AddNodeDialog(service(), this);
    connect(dialog, &AddNodeDialog::nodeAdded, this, [this](const RefreshReport &r) {
        showSuccess(tr("Node %1 was added with %n PCI device(s).", nullptr, r.node.deviceCount).arg(r.node.name));
        refresh();
    });
    dialog->show();
    return dialog;
}

void NodesDashboard::refresh()
{
    auto nodes = service().nodes();
    if (!nodes) {
        showError(nodes.error());
        return;
    }
    // Whether each node can pass anything through at all, said before any wizard.
    QHash<qint64, NodeReadiness> readiness;
    for (const NodeInfo &n : *nodes) {
        if (auto r = readinessOf(n))
            readiness.insert(n.id, *r);
    }
    m_model->setReadiness(readiness);
    // The readiness check asked every node: whether each answered is as of now.
    if (auto again = service().nodes())
        nodes = std::move(again);
    m_model->setItems(*nodes);
    showUnreachableNodes(*nodes);
    // Refit when rows come or go, or a node stops or starts answering (its Status and State
    // change length); a plain refresh keeps the widths the user chose.
    QString fitted = QString::number(nodes->size());
    for (const NodeInfo &n : std::as_const(*nodes))
        fitted += n.unreachableSince.isValid() ? QStringLiteral(",%1").arg(n.id) : QString();
    if (fitted != m_fitted) {
        m_fitted = fitted;
        fitColumns(m_table);
    }
    if (auto notices = service().rebootRequired())
        showRebootNotices(*notices);
}

} // namespace passdeck
