#include "models/MachineDeviceModel.h"

#include "models/Icons.h"

namespace passdeck {

MachineDeviceModel::MachineDeviceModel(QObject *parent) : RecordTableModel(parent) {}

QString MachineDeviceModel::allocatedText(const MachineDevice &device)
{
    if (device.allocated.isEmpty())
        return tr("not allocated yet (restart the VM)");
    QStringList addresses;
    for (const AllocatedDevice &a : device.allocated)
        addresses << a.address;
    if (device.removalPending)
        return tr("%1 (removed: the VM keeps them until it stops)").arg(addresses.join(QStringLiteral(", ")));
    return addresses.join(QStringLiteral(", "));
}

int MachineDeviceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MachineDeviceModel::data(const QModelIndex &index, int role) const
{
    if (!validIndex(index))
        return {};
    const MachineDevice &m = m_items.at(index.row());
    switch (role) {
    case Qt::ToolTipRole:
        if (index.column() == CountColumn)
            return tr("%n passthrough unit(s): each is all the group's devices of one IOMMU group (a GPU with its audio "
                      "function is one)", nullptr, m.count);
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return m.name;
        case VmColumn: return m.vmName;
        case TypeColumn: return m.type;
        case GroupColumn: return m.groupName;
        case CountColumn: return m.count;
        case AllocatedColumn: return allocatedText(m);
        case DescriptionColumn: return m.description;
        default: return {};
        }
    case Qt::DecorationRole:
        if (index.column() == VmColumn)
            return Icons::vm();
        if (index.column() == AllocatedColumn && (m.allocated.isEmpty() || m.removalPending))
            return Icons::warning();
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case MachineDeviceIdRole: return m.id;
    case VmIdRole: return m.vmId;
    case GroupIdRole: return m.groupId;
    case RemovalPendingRole: return m.removalPending;
    case AllocatedAddressesRole: {
        QStringList addresses;
        for (const AllocatedDevice &a : m.allocated)
            addresses << a.address;
        return addresses;
    }
    default: return {};
    }
}

QVariant MachineDeviceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case VmColumn: return tr("Machine");
    case TypeColumn: return tr("Type");
    case GroupColumn: return tr("Resource Group");
    case CountColumn: return tr("Count");
    case AllocatedColumn: return tr("Allocated devices");
    case DescriptionColumn: return tr("Description");
    default: return {};
    }
}

} // namespace passdeck
