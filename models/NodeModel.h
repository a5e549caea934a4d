#pragma once

#include "core/DomainTypes.h"
#include "core/NodeChecks.h"
#include "models/RecordTableModel.h"

#include <QHash>

namespace passdeck {

// The Nodes list: name, kind, status (ready / cannot pass through / maintenance / reboot
// required), devices.
class NodeModel : public RecordTableModel<NodeInfo>
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, StatusColumn, DevicesColumn, HostRootColumn, ColumnCount };
    enum Role { NodeIdRole = Qt::UserRole + 1, SimulatedRole, MaintenanceRole, RebootRequiredRole };
    Q_ENUM(Column)

    explicit NodeModel(QObject *parent = nullptr);

    // readiness: what the node can pass through (nullptr: not known, not shown).
    static QString statusText(const NodeInfo &node, const NodeReadiness *readiness = nullptr);
    // Per node id, from the service; rows without an entry show no readiness.
    void setReadiness(QHash<qint64, NodeReadiness> readiness);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const NodeReadiness *readinessOf(qint64 nodeId) const;

    QHash<qint64, NodeReadiness> m_readiness;
};

} // namespace passdeck
