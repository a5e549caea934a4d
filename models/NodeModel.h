#pragma once

#include "core/DomainTypes.h"
#include "core/NodeChecks.h"
#include "models/RecordTableModel.h"

#include <QHash>

namespace passdeck {

// The Nodes list: name, kind, status (ready / cannot pass through / maintenance / reboot
// required), devices, address (a host root or an agent's HOST:PORT), the agent's version and
// the state (Connected / Unreachable since <time>, marked with the blocker icon and its colour).
class NodeModel : public RecordTableModel<NodeInfo>
{
    Q_OBJECT
public:
    // The address last: a long host root path is what may be cut, never the state.
    enum Column { NameColumn, KindColumn, StatusColumn, DevicesColumn, StateColumn, AgentVersionColumn, HostRootColumn, ColumnCount };
    enum Role { NodeIdRole = Qt::UserRole + 1, SimulatedRole, MaintenanceRole, RebootRequiredRole, UnreachableRole };
    Q_ENUM(Column)

    explicit NodeModel(QObject *parent = nullptr);

    // readiness: what the node can pass through (nullptr: not known, not shown).
    static QString statusText(const NodeInfo &node, const NodeReadiness *readiness = nullptr);
    // "Connected", or "Unreachable since 2026-12-01 22:10:03 UTC".
    static QString stateText(const NodeInfo &node);
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
