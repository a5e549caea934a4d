#pragma once

#include "core/DomainTypes.h"
#include "models/RecordTableModel.h"

namespace passdeck {

// A tenant's nodes: the host node each runs on, the devices reserved to it and its groups.
class TenantNodeModel : public RecordTableModel<TenantNode>
{
    Q_OBJECT
public:
    enum Column { NameColumn, NodeColumn, ReservedColumn, GroupsColumn, ColumnCount };
    enum Role { TenantNodeIdRole = Qt::UserRole + 1, NodeIdRole, TenantIdRole };
    Q_ENUM(Column)

    explicit TenantNodeModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace passdeck
