#include "models/PciDeviceFilterProxy.h"

#include "models/PciDeviceModel.h"

namespace passdeck {

PciDeviceFilterProxy::PciDeviceFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(PciDeviceModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void PciDeviceFilterProxy::setSourceModel(QAbstractItemModel *model)
{
    m_model = qobject_cast<PciDeviceModel *>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

void PciDeviceFilterProxy::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateRowsFilter();
}

void PciDeviceFilterProxy::setBaseClassFilter(int baseClass)
{
    if (baseClass == m_baseClass)
        return;
    m_baseClass = baseClass;
    invalidateRowsFilter();
}

void PciDeviceFilterProxy::setOnlyFree(bool on)
{
    if (on == m_onlyFree)
        return;
    m_onlyFree = on;
    invalidateRowsFilter();
}

QString PciDeviceFilterProxy::onlyFreeExplanation() const
{
    if (!m_onlyFree || !m_model)
        return {};
    int host = 0, grouped = 0, vm = 0, tenant = 0, bridges = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const DeviceRecord &d = m_model->device(row);
        if (!acceptsOtherFilters(row))
            continue;
        if (d.isBridge)
            ++bridges;
        else if (d.status == DeviceStatus::InUseByHost)
            ++host;
        else if (d.status == DeviceStatus::InResourceGroup)
            ++grouped;
        else if (d.status == DeviceStatus::UsedByVm)
            ++vm;
        else if (d.status == DeviceStatus::OwnedByTenant)
            ++tenant;
    }
    QStringList hidden;
    if (host)
        hidden << tr("%n on host drivers (Make Resource can still take them: it moves them to vfio-pci)", nullptr, host);
    if (grouped)
        hidden << tr("%n already in resource groups", nullptr, grouped);
    if (vm)
        hidden << tr("%n used by VMs", nullptr, vm);
    if (tenant)
        hidden << tr("%n owned by tenants", nullptr, tenant);
    if (bridges)
        hidden << tr("%n bridges (never passed through)", nullptr, bridges);
    if (hidden.isEmpty())
        return {};
    return tr("\"Only free\" shows devices in no resource group and bound to no driver. Hidden: %1.")
        .arg(hidden.join(QLatin1String("; ")));
}

bool PciDeviceFilterProxy::acceptsOtherFilters(int sourceRow) const
{
    const DeviceRecord &d = m_model->device(sourceRow);
    if (m_baseClass >= 0 && (d.classId < 0 || ((d.classId >> 16) & 0xff) != m_baseClass))
        return false;
    if (!m_words.isEmpty()) {
        const QString &text = m_model->searchText(sourceRow);
        for (const QString &w : m_words) {
            if (!text.contains(w))
                return false;
        }
    }
    return true;
}

bool PciDeviceFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_model)
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    const DeviceRecord &d = m_model->device(sourceRow);
    if (m_onlyFree && (d.status != DeviceStatus::Free || d.isBridge))
        return false;
    return acceptsOtherFilters(sourceRow);
}

bool PciDeviceFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (!m_model)
        return QSortFilterProxyModel::lessThan(left, right);
    const DeviceRecord &a = m_model->device(left.row());
    const DeviceRecord &b = m_model->device(right.row());
    auto byAddress = [&] {
        const int c = QString::compare(a.nodeName, b.nodeName);
        return c != 0 ? c < 0 : a.address < b.address;
    };
    switch (left.column()) {
    case PciDeviceModel::SlotColumn:
        return a.address != b.address ? a.address < b.address : a.nodeName < b.nodeName;
    case PciDeviceModel::IommuGroupColumn:
        return a.iommuGroup != b.iommuGroup ? a.iommuGroup < b.iommuGroup : byAddress();
    case PciDeviceModel::NumaColumn:
        return a.numaNode != b.numaNode ? a.numaNode < b.numaNode : byAddress();
    case PciDeviceModel::NodeColumn:
        return byAddress();
    case PciDeviceModel::StatusColumn: {
        // Where the device stands first (free ones on top), then the text: the host's reasons
        // ("Boot VGA", "Bridge (host only)"...) stay together with "In use by host".
        const int ra = a.isBridge ? int(DeviceStatus::InUseByHost) : int(a.status);
        const int rb = b.isBridge ? int(DeviceStatus::InUseByHost) : int(b.status);
        if (ra != rb)
            return ra < rb;
        const int c = QString::compare(left.data(Qt::DisplayRole).toString(), right.data(Qt::DisplayRole).toString(),
                                       Qt::CaseInsensitive);
        return c != 0 ? c < 0 : byAddress();
    }
    default: {
        const int c = QString::compare(left.data(Qt::DisplayRole).toString(),
                                       right.data(Qt::DisplayRole).toString(), Qt::CaseInsensitive);
        return c != 0 ? c < 0 : byAddress();
    }
    }
}

} // namespace passdeck
