#include "models/DeviceSelection.h"

namespace passdeck {

DeviceSelection &DeviceSelection::of(QObject &window)
{
    if (auto *existing = window.findChild<DeviceSelection *>(QStringLiteral("deviceSelection"), Qt::FindDirectChildrenOnly))
        return *existing;
    auto *selection = new DeviceSelection(&window);
    selection->setObjectName(QStringLiteral("deviceSelection"));
    return *selection;
}

void DeviceSelection::select(qint64 nodeId, QStringList addresses)
{
    addresses.sort();
    addresses.removeDuplicates();
    if (nodeId == m_nodeId && addresses == m_addresses)
        return;
    m_nodeId = nodeId;
    m_addresses = std::move(addresses);
    Q_EMIT changed();
}

} // namespace passdeck
