#include "models/ResourceGroupModel.h"

#include "models/GroupClassNames.h"
#include "models/Icons.h"
#include "service/PassthroughUnits.h"

namespace passdeck {

ResourceGroupModel::ResourceGroupModel(QObject *parent) : RecordTableModel(parent) {}

int ResourceGroupModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResourceGroupModel::data(const QModelIndex &index, int role) const
{
    if (!validIndex(index))
        return {};
    const ResourceGroup &g = m_items.at(index.row());
    switch (role) {
    case Qt::ToolTipRole:
        // Counts are passthrough units (whole IOMMU groups); the tooltip words them.
        if (index.column() == TotalColumn)
            return PassthroughUnits::describe(g.total, g.functions, g.groupClass);
        if (index.column() == FreeColumn)
            return tr("%1 free").arg(PassthroughUnits::describe(g.free, 0, g.groupClass));
        if (index.column() == InUseColumn)
            return tr("%1 in use").arg(PassthroughUnits::describe(
                g.inUse + (g.owner == GroupOwner::Host ? g.tenantReserved : 0), 0, g.groupClass));
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return g.name;
        case ClassColumn: return GroupClassNames::display(g.groupClass);
        case OwnerColumn: return GroupClassNames::owner(g);
        case TotalColumn: return g.total;
        case FreeColumn: return g.free;
        case InUseColumn:
            // Tenant reservations are "in use" from the host's point of view.
            return g.inUse + (g.owner == GroupOwner::Host ? g.tenantReserved : 0);
        case DescriptionColumn: return g.description;
        default: return {};
        }
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return Icons::groupClass(g.groupClass);
        if (index.column() == OwnerColumn && g.owner == GroupOwner::Tenant)
            return Icons::tenant();
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= TotalColumn && index.column() <= InUseColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case GroupIdRole: return g.id;
    case GroupClassRole: return int(g.groupClass);
    case OwnerRole: return int(g.owner);
    case TenantIdRole: return g.tenantId;
    default: return {};
    }
}

QVariant ResourceGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section >= TotalColumn && section <= InUseColumn)
        return tr("Counted in passthrough units: all the group's devices of one IOMMU group on a node (a GPU and its "
                  "audio function are one unit), what a VM or a tenant gets whole.");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case ClassColumn: return tr("Class");
    case OwnerColumn: return tr("Owner");
    case TotalColumn: return tr("Total (units)");
    case FreeColumn: return tr("Free (units)");
    case InUseColumn: return tr("In use (units)");
    case DescriptionColumn: return tr("Description");
    default: return {};
    }
}

} // namespace passdeck
