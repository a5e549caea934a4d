#include "models/PciDeviceModel.h"

#include "models/Icons.h"
#include "service/MakeResourceImpact.h"

#include <QColor>
#include <QFont>
#include <QRegularExpression>

namespace passdeck {

namespace {
QString hex4(int v)
{
    return v < 0 ? QString() : QStringLiteral("%1").arg(v, 4, 16, QLatin1Char('0'));
}

QString orId(const QString &name, int id)
{
    if (!name.isEmpty() || id < 0)
        return name;
    return QStringLiteral("[") + hex4(id) + QStringLiteral("]");
}

// "Intel Corporation" -> "Intel", "Samsung Electronics Co Ltd" -> "Samsung Electronics": the
// legal suffixes take a third of a narrow column. The full name stays in the tooltip.
QString shortVendor(const QString &name)
{
    static const char *const suffixes[] = {" Corporation", " Corp.", ", Inc.", " Inc.", " Co Ltd", " Co., Ltd.",
                                           " Co., Ltd", " Ltd.", " Ltd", " Technology", " Technologies"};
    QString s = name;
    for (bool again = true; again;) {
        again = false;
        for (const char *suffix : suffixes) {
            const QLatin1String sfx(suffix);
            if (s.size() > sfx.size() + 2 && s.endsWith(sfx)) {
                s.chop(sfx.size());
                again = true;
            }
        }
    }
    return s;
}
} // namespace

PciDeviceModel::PciDeviceModel(QObject *parent) : QAbstractTableModel(parent) {}

void PciDeviceModel::setDevices(QList<DeviceRecord> devices)
{
    bool sameRows = devices.size() == m_devices.size();
    for (int i = 0; sameRows && i < devices.size(); ++i)
        sameRows = devices.at(i).id == m_devices.at(i).id;
    if (sameRows) {
        m_devices = std::move(devices);
        rebuildSearch();
        if (!m_devices.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(m_devices.size() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_devices = std::move(devices);
    rebuildSearch();
    endResetModel();
}

void PciDeviceModel::rebuildSearch()
{
    m_search.clear();
    m_search.reserve(m_devices.size());
    for (const DeviceRecord &d : std::as_const(m_devices)) {
        QString text;
        for (int c = 0; c < ColumnCount; ++c) {
            text += displayText(d, c);
            text += QLatin1Char('\t');
        }
        // What the tooltips show is found too: full vendor name, "10de:2230".
        text += d.vendorName + QLatin1Char('\t') + idText(d);
        m_search.append(text.toLower());
    }
}

int PciDeviceModel::rowOf(qint64 nodeId, const QString &address) const
{
    for (int i = 0; i < m_devices.size(); ++i) {
        if (m_devices.at(i).nodeId == nodeId && m_devices.at(i).address == address)
            return i;
    }
    return -1;
}

void PciDeviceModel::setHighlightedGroups(const QSet<QPair<qint64, int>> &groups)
{
    if (groups == m_highlighted)
        return;
    // Only rows whose state flips need repainting.
    const QSet<QPair<qint64, int>> old = m_highlighted;
    m_highlighted = groups;
    int first = -1, last = -1;
    for (int i = 0; i < m_devices.size(); ++i) {
        const QPair<qint64, int> key(m_devices.at(i).nodeId, m_devices.at(i).iommuGroup);
        if (old.contains(key) != m_highlighted.contains(key)) {
            if (first < 0)
                first = i;
            last = i;
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1),
                           {Qt::BackgroundRole, Qt::FontRole, HighlightRole});
}

bool PciDeviceModel::isHighlighted(int row) const
{
    const DeviceRecord &d = m_devices.at(row);
    return d.iommuGroup >= 0 && m_highlighted.contains({d.nodeId, d.iommuGroup});
}

QString PciDeviceModel::statusText(const DeviceRecord &d)
{
    // The specific reason a device stays with the host ("Boot VGA", "Root disk", "NIC eno1 up",
    // a bridge) says more than "In use by host".
    if (d.status == DeviceStatus::Free || d.status == DeviceStatus::InUseByHost) {
        if (const QString why = MakeResourceCheck::hostReason(d); !why.isEmpty())
            return why;
    }
    switch (d.status) {
    case DeviceStatus::Free:
        return tr("Free");
    case DeviceStatus::InResourceGroup: return tr("In resource group");
    case DeviceStatus::UsedByVm: return tr("Used by VM %1").arg(d.vmName);
    case DeviceStatus::OwnedByTenant: return tr("Owned by tenant %1").arg(d.tenantName);
    case DeviceStatus::InUseByHost: break;
    }
    return tr("In use by host");
}

bool PciDeviceModel::isVirtualFunction(const DeviceRecord &d)
{
    // pci.ids names every SR-IOV virtual function so ("... Virtual Function", "... VF").
    static const QRegularExpression vf(QStringLiteral("virtual function|\\bVF\\b"),
                                       QRegularExpression::CaseInsensitiveOption);
    return vf.match(d.deviceName).hasMatch();
}

QString PciDeviceModel::idText(const DeviceRecord &d)
{
    QString s = hex4(d.vendorId) + QLatin1Char(':') + hex4(d.deviceId);
    if (d.subsystemVendorId >= 0 && d.subsystemDeviceId >= 0)
        s += QStringLiteral(" (subsystem %1:%2)").arg(hex4(d.subsystemVendorId), hex4(d.subsystemDeviceId));
    return s;
}

QString PciDeviceModel::displayText(const DeviceRecord &d, int column) const
{
    switch (column) {
    case NodeColumn: return d.nodeName;
    case SlotColumn: return d.address;
    case VendorColumn: return orId(shortVendor(d.vendorName), d.vendorId);
    // A VF first says so: cut short, a PF and its VFs would otherwise read the same.
    case DeviceColumn: return isVirtualFunction(d) ? tr("VF · %1").arg(orId(d.deviceName, d.deviceId))
                                                   : orId(d.deviceName, d.deviceId);
    case ClassColumn: return d.className.isEmpty() && d.classId >= 0
            ? QStringLiteral("%1").arg(d.classId, 6, 16, QLatin1Char('0')) : d.className;
    case DriverColumn: return d.driver.isEmpty() ? tr("(none)") : d.driver;
    case IommuGroupColumn: return d.iommuGroup < 0 ? tr("none") : QString::number(d.iommuGroup);
    case NumaColumn: return d.numaNode < 0 ? QStringLiteral("–") : QString::number(d.numaNode);
    case ResourceGroupColumn: return d.tenantGroupId ? tr("%1 (tenant %2, from %3)").arg(d.tenantGroupName, d.tenantName, d.groupName) : d.groupName;
    case StatusColumn: {
        QString s = statusText(d);
        if (d.rebootPending)
            s += tr(" (reboot pending)");
        if (!d.present)
            s += tr(" (missing)");
        else if (d.idsChanged)
            s += tr(" (ids changed)");
        return s;
    }
    default: return {};
    }
}

int PciDeviceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_devices.size());
}

int PciDeviceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PciDeviceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DeviceRecord &d = m_devices.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayText(d, index.column());
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !d.hostUse.isEmpty())
            return tr("Host use: %1").arg(d.hostUse.join(QStringLiteral(", ")));
        if (index.column() == IommuGroupColumn && d.iommuGroup >= 0)
            return tr("Devices in one IOMMU group are passed through together.");
        if (index.column() == VendorColumn)
            return QString(d.vendorName + QStringLiteral(" [") + hex4(d.vendorId) + QLatin1Char(']'));
        if (index.column() == DeviceColumn)
            return QString((isVirtualFunction(d) ? tr("SR-IOV virtual function: ") : QString()) + d.deviceName
                           + QStringLiteral(" [") + idText(d) + QLatin1Char(']'));
        return displayText(d, index.column());
    case Qt::DecorationRole:
        if (index.column() == ClassColumn)
            return Icons::groupClass(Icons::classForPciClass(d.classId));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == IommuGroupColumn || index.column() == NumaColumn)
            return int(Qt::AlignCenter);
        return {};
    case Qt::BackgroundRole:
        // Translucent, so it blends with light and dark base colours alike.
        if (isHighlighted(index.row()))
            return QColor(236, 201, 75, 90);
        return {};
    case Qt::FontRole:
        if (isHighlighted(index.row())) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    case AddressRole: return d.address;
    case NodeIdRole: return d.nodeId;
    case NodeNameRole: return d.nodeName;
    case DeviceIdRole: return d.id;
    case IommuGroupRole: return d.iommuGroup;
    case StatusRole: return int(d.status);
    case IsFreeRole: return d.status == DeviceStatus::Free && !d.isBridge;
    case IsBridgeRole: return d.isBridge;
    case BaseClassRole: return d.classId < 0 ? -1 : (d.classId >> 16) & 0xff;
    case HighlightRole: return isHighlighted(index.row());
    case SortRole:
        switch (index.column()) {
        case IommuGroupColumn: return d.iommuGroup;
        case NumaColumn: return d.numaNode;
        default: return displayText(d, index.column());
        }
    default:
        return {};
    }
}

QVariant PciDeviceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NodeColumn: return tr("Node");
    case SlotColumn: return tr("Slot");
    case VendorColumn: return tr("Vendor");
    case DeviceColumn: return tr("Device");
    case ClassColumn: return tr("Class");
    case DriverColumn: return tr("Driver");
    case IommuGroupColumn: return tr("IOMMU Group");
    case NumaColumn: return tr("NUMA");
    case ResourceGroupColumn: return tr("Resource Group");
    case StatusColumn: return tr("Status");
    default: return {};
    }
}

} // namespace passdeck
