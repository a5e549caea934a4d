#pragma once

#include "DomainTypes.h"
#include "RecordTableModel.h"

namespace passdeck {

// The Nodes list: name, kind, status (ready / maintenance / reboot required), devices.
class NodeModel : public RecordTableModel<NodeInfo>
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, StatusColumn, DevicesColumn, HostRootColumn, ColumnCount };
    enum Role { NodeIdRole = Qt::UserRole + 1, SimulatedRole, MaintenanceRole, RebootRequiredRole };
    Q_ENUM(Column)

    explicit NodeModel(QObject *parent = nullptr);

    static QString statusText(const NodeInfo &node);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace passdeck
