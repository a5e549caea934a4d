#include "models/VmModel.h"

#include "models/Icons.h"

namespace passdeck {

VmModel::VmModel(QObject *parent) : RecordTableModel(parent) {}

int VmModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant VmModel::data(const QModelIndex &index, int role) const
{
    if (!validIndex(index))
        return {};
    const Vm &v = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn: return v.name;
        case NodeColumn:
            return v.tenantNodeName.isEmpty() ? v.nodeName
                                              : tr("%1 (tenant node %2)").arg(v.nodeName, v.tenantNodeName);
        case OwnerColumn: return v.owner == GroupOwner::Host ? tr("Host") : tr("Tenant %1").arg(v.tenantName);
        case PowerColumn: return vmStateText(v);
        case VcpusColumn: return v.vcpus > 0 ? QString::number(v.vcpus) : QString();
        case MemoryColumn: return v.memoryMiB > 0 ? tr("%1 MiB").arg(v.memoryMiB) : QString();
        case DevicesColumn:
            return tr("%1 allocated / %2 requested")
                .arg(v.allocatedDeviceCount)
                .arg(m_requested.value(v.id, v.machineDeviceCount));
        case RestartColumn: return v.restartNeeded ? tr("Restart needed") : QString();
        default: return {};
        }
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return Icons::vm();
        if (index.column() == RestartColumn && v.restartNeeded)
            return Icons::warning();
        if (index.column() == PowerColumn && v.vanishedSince.isValid())
            return Icons::warning();
        return {};
    case VmIdRole: return v.id;
    case RestartNeededRole: return v.restartNeeded;
    case TenantIdRole: return v.tenantId;
    case VanishedRole: return v.vanishedSince.isValid();
    default: return {};
    }
}

QVariant VmModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case NodeColumn: return tr("Node");
    case OwnerColumn: return tr("Owner");
    case PowerColumn: return tr("State");
    case VcpusColumn: return tr("vCPUs");
    case MemoryColumn: return tr("Memory");
    case DevicesColumn: return tr("Devices");
    case RestartColumn: return tr("Restart");
    default: return {};
    }
}

QString VmModel::stateText(const QString &s)
{
    if (s == QLatin1String("running")) return tr("Running");
    if (s == QLatin1String("shut-off")) return tr("Shut off");
    if (s == QLatin1String("paused")) return tr("Paused");
    if (s == QLatin1String("blocked")) return tr("Blocked");
    if (s == QLatin1String("shutting-down")) return tr("Shutting down");
    if (s == QLatin1String("crashed")) return tr("Crashed");
    if (s == QLatin1String("suspended")) return tr("Suspended");
    if (s == QLatin1String("no-state")) return tr("No state");
    return s;
}

QString VmModel::vmStateText(const Vm &v)
{
    if (v.vanishedSince.isValid())
        return tr("Domain vanished");
    if (!v.libvirtState.isEmpty())
        return stateText(v.libvirtState);
    return v.power == PowerState::On ? tr("Running") : tr("Stopped");
}

} // namespace passdeck
