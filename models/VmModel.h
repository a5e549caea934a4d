#pragma once

#include "DomainTypes.h"
#include "RecordTableModel.h"

namespace passdeck {

// The Virtual Machines list: node, owner, power state, devices, restart-needed marker.
class VmModel : public RecordTableModel<Vm>
{
    Q_OBJECT
public:
    enum Column { NameColumn, NodeColumn, OwnerColumn, PowerColumn, DevicesColumn, RestartColumn, ColumnCount };
    enum Role { VmIdRole = Qt::UserRole + 1, RestartNeededRole, TenantIdRole };
    Q_ENUM(Column)

    explicit VmModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace passdeck
