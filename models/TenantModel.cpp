#include "models/TenantModel.h"

#include "models/Icons.h"

namespace passdeck {

TenantModel::TenantModel(QObject *parent) : RecordTableModel(parent) {}

int TenantModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TenantModel::data(const QModelIndex &index, int role) const
{
    if (!validIndex(index))
        return {};
    const Tenant &t = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn: return t.name;
        case NodesColumn: return t.nodeCount;
        case GroupsColumn: return t.groupCount;
        case VmsColumn: return t.vmCount;
        case ReservedColumn: return t.reservedDevices;
        case DescriptionColumn: return t.description;
        default: return {};
        }
    case Qt::DecorationRole:
        return index.column() == NameColumn ? QVariant(Icons::tenant()) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() >= NodesColumn && index.column() <= ReservedColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TenantIdRole: return t.id;
    default: return {};
    }
}

QVariant TenantModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case NodesColumn: return tr("Nodes");
    case GroupsColumn: return tr("Groups");
    case VmsColumn: return tr("VMs");
    case ReservedColumn: return tr("Reserved devices");
    case DescriptionColumn: return tr("Description");
    default: return {};
    }
}

} // namespace passdeck
