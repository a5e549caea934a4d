#include "models/NodeModel.h"

#include "models/Icons.h"
#include "service/TrackedNode.h"

#include <QBrush>
#include <QColor>

namespace passdeck {

NodeModel::NodeModel(QObject *parent) : RecordTableModel(parent) {}

QString NodeModel::statusText(const NodeInfo &n, const NodeReadiness *readiness)
{
    QStringList parts;
    if (readiness && !readiness->ready()) {
        QStringList missing;
        if (!readiness->reachable)
            missing << tr("cannot be read");
        if (!readiness->iommu)
            missing << tr("no IOMMU");
        if (!readiness->vfioPci)
            missing << tr("vfio-pci not loaded");
        parts << tr("Cannot pass through: %1").arg(missing.join(QStringLiteral(", ")));
    }
    if (n.maintenance)
        parts << tr("Maintenance mode");
    if (n.rebootRequired)
        parts << tr("Reboot required");
    if (n.flaggedDevices > 0)
        parts << tr("%n device(s) flagged", nullptr, n.flaggedDevices);
    return parts.isEmpty() ? tr("Ready") : parts.join(QStringLiteral(", "));
}

QString NodeModel::stateText(const NodeInfo &n)
{
    if (n.unreachableSince.isValid())
        return tr("Unreachable since %1").arg(unreachableSinceText(n.unreachableSince));
    return tr("Connected");
}

void NodeModel::setReadiness(QHash<qint64, NodeReadiness> readiness)
{
    m_readiness = std::move(readiness);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, StatusColumn), index(rowCount() - 1, StatusColumn));
}

const NodeReadiness *NodeModel::readinessOf(qint64 nodeId) const
{
    const auto it = m_readiness.constFind(nodeId);
    return it == m_readiness.cend() ? nullptr : &*it;
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
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn) {
            if (const NodeReadiness *r = readinessOf(n.id); r && !r->ready())
                return r->reasons.join(QLatin1Char('\n'));
        }
        if (index.column() == StateColumn && n.unreachableSince.isValid())
            return tr("Node %1 does not answer. Its devices are shown as last seen; changes that need the node are "
                      "refused until it answers again. Passdeck tries it again every 30 seconds (Reconnect Now: at once).")
                .arg(n.name);
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return n.name;
        case KindColumn:
            if (!n.agentFingerprint.isEmpty())
                return n.simulated ? tr("Simulated, agent") : tr("Real host, agent");
            return n.simulated ? tr("Simulated") : tr("Real host");
        case StatusColumn: return statusText(n, readinessOf(n.id));
        case DevicesColumn: return n.deviceCount;
        case HostRootColumn: return n.hostRoot;
        case AgentVersionColumn:
            if (n.agentFingerprint.isEmpty())
                return tr("local");
            return n.agentVersion.isEmpty() ? tr("unknown") : n.agentVersion;
        case StateColumn: return stateText(n);
        default: return {};
        }
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return Icons::node();
        if (index.column() == StatusColumn) {
            if (const NodeReadiness *r = readinessOf(n.id); r && !r->ready())
                return Icons::blocker();
            if (n.rebootRequired)
                return Icons::warning();
        }
        if (index.column() == StateColumn)
            return n.unreachableSince.isValid() ? Icons::blocker() : Icons::ok();
        return {};
    case Qt::ForegroundRole:
        // Visibly marked, not by colour alone (the icon and the words say it too).
        if (index.column() == StateColumn && n.unreachableSince.isValid())
            return QBrush(QColor(0xb0, 0x00, 0x20));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == DevicesColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case NodeIdRole: return n.id;
    case SimulatedRole: return n.simulated;
    case MaintenanceRole: return n.maintenance;
    case RebootRequiredRole: return n.rebootRequired;
    case UnreachableRole: return n.unreachableSince.isValid();
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
    case HostRootColumn: return tr("Address");
    case AgentVersionColumn: return tr("Agent");
    case StateColumn: return tr("State");
    default: return {};
    }
}

} // namespace passdeck
