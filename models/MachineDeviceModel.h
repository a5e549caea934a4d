#pragma once

#include "core/DomainTypes.h"
#include "models/RecordTableModel.h"

namespace passdeck {

// Machine devices of one VM (VM dashboard) or of every VM drawing from one group (View Machine
// Devices): name, VM, type, group, count and the concrete devices of the last (re)start.
class MachineDeviceModel : public RecordTableModel<MachineDevice>
{
    Q_OBJECT
public:
    enum Column { NameColumn, VmColumn, TypeColumn, GroupColumn, CountColumn, AllocatedColumn, DescriptionColumn,
                  ColumnCount };
    enum Role { MachineDeviceIdRole = Qt::UserRole + 1, VmIdRole, GroupIdRole, AllocatedAddressesRole, RemovalPendingRole };
    Q_ENUM(Column)

    explicit MachineDeviceModel(QObject *parent = nullptr);

    // "0000:17:00.0, 0000:3c:00.0" or "not allocated (restart the VM)"; a device removed while its
    // VM runs says it goes when the VM stops.
    static QString allocatedText(const MachineDevice &device);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace passdeck
