#pragma once

#include "core/DomainTypes.h"
#include "models/RecordTableModel.h"

namespace passdeck {

// The Tenants list: nodes, groups, VMs and devices reserved per tenant.
class TenantModel : public RecordTableModel<Tenant>
{
    Q_OBJECT
public:
    enum Column { NameColumn, NodesColumn, GroupsColumn, VmsColumn, ReservedColumn, DescriptionColumn, ColumnCount };
    enum Role { TenantIdRole = Qt::UserRole + 1 };
    Q_ENUM(Column)

    explicit TenantModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace passdeck
