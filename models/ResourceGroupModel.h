#pragma once

#include "core/DomainTypes.h"
#include "models/RecordTableModel.h"

namespace passdeck {

// The Resource Manager's groups: class icon, owner, passthrough units total / free / in use
// (display and sort stay numbers; the headers say "units", the tooltips word them).
class ResourceGroupModel : public RecordTableModel<ResourceGroup>
{
    Q_OBJECT
public:
    enum Column { NameColumn, ClassColumn, OwnerColumn, TotalColumn, FreeColumn, InUseColumn,
                  DescriptionColumn, ColumnCount };
    enum Role { GroupIdRole = Qt::UserRole + 1, GroupClassRole, OwnerRole, TenantIdRole };
    Q_ENUM(Column)

    explicit ResourceGroupModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace passdeck
