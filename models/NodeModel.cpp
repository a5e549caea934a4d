#include "NodeModel.h"

#include "Icons.h"

namespace passdeck {

NodeModel::NodeModel(QObject *parent) : RecordTableModel(parent) {}

QString NodeModel::statusText(const NodeInfo &n)
{
    QStringList parts;
    if (n.maintenance)
        parts << tr("Maintenance mode");
    if (n.rebootRequired)
        parts << tr("Reboot required");
    if (n.flaggedDevices > 0)
        parts << tr("%n device(s) flagged", nullptr, n.flaggedDevices);
    return parts.isEmpty() ? tr("Ready") : parts.join(QStringLiteral(", "));
}

int NodeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeModel::data(const QModelIndex &index, int role) const
{
    if (!validIndex(index))
        return {};
    const NodeInfo &n = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn: return n.name;
        case KindColumn: return n.simulated ? tr("Simulated") : tr("Real host");
        case StatusColumn: return statusText(n);
        case DevicesColumn: return n.deviceCount;
        case HostRootColumn: return n.hostRoot;
        default: return {};
        }
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return Icons::node();
        if (index.column() == StatusColumn && n.rebootRequired)
            return Icons::warning();
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == DevicesColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case NodeIdRole: return n.id;
    case SimulatedRole: return n.simulated;
    case MaintenanceRole: return n.maintenance;
    case RebootRequiredRole: return n.rebootRequired;
    default: return {};
    }
}

QVariant NodeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case KindColumn: return tr("Kind");
    case StatusColumn: return tr("Status");
    case DevicesColumn: return tr("Devices");
    case HostRootColumn: return tr("Host root");
    default: return {};
    }
}

} // namespace passdeck
