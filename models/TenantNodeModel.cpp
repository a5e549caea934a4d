#include "models/TenantNodeModel.h"

#include "models/Icons.h"

namespace passdeck {

TenantNodeModel::TenantNodeModel(QObject *parent) : RecordTableModel(parent) {}

int TenantNodeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TenantNodeModel::data(const QModelIndex &index, int role) const
{
    if (!validIndex(index))
        return {};
    const TenantNode &n = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn: return n.name;
        case NodeColumn: return n.nodeName;
        case ReservedColumn: return n.reservedDevices;
        case GroupsColumn: return n.groupCount;
        default: return {};
        }
    case Qt::DecorationRole:
        return index.column() == NameColumn || index.column() == NodeColumn ? QVariant(Icons::node()) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == ReservedColumn || index.column() == GroupsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TenantNodeIdRole: return n.id;
    case NodeIdRole: return n.nodeId;
    case TenantIdRole: return n.tenantId;
    default: return {};
    }
}

QVariant TenantNodeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Tenant node");
    case NodeColumn: return tr("Runs on node");
    case ReservedColumn: return tr("Reserved devices");
    case GroupsColumn: return tr("Resource groups");
    default: return {};
    }
}

} // namespace passdeck
