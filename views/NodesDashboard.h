#pragma once

#include "views/Dashboard.h"

class QTableView;
class QSortFilterProxyModel;

namespace passdeck {

class AddNodeDialog;
class NodeModel;

// The Nodes list; double-click (or Enter) opens a node's dashboard. Add Node… opens the form.
// The Status column says when a node cannot pass anything through (no IOMMU, no vfio-pci).
class NodesDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit NodesDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override;

    QTableView *nodesTable() const { return m_table; }
    NodeModel *model() const { return m_model; }
    void openNode(const QModelIndex &proxyIndex);
    // Shown, non-modal; the one already open is raised instead.
    AddNodeDialog *addNode();

private:
    NodeModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QString m_fitted; // the rows and unreachable nodes the columns were fitted to
};

} // namespace passdeck
