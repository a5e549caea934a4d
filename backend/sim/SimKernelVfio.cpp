// SimKernel: IOMMU groups as VFIO sees them, /dev/vfio/N and group viability (the write
// semantics are in SimKernel.cpp).
#include "sim/SimKernel.h"

#include "sim/SimHostLayout.h"

#include <QDir>

namespace passdeck {

namespace {
const QString kVfio = QStringLiteral("vfio-pci");
} // namespace

bool SimKernel::isGroupViable(int group) const
{
    if (group < 0)
        return false;
    const QString g = QStringLiteral("sys/kernel/iommu_groups/%1/devices").arg(group);
    if (!m_layout->exists(g))
        return false;
    const QStringList members = m_layout->list(g);
    for (const QString &m : members) {
        const QString driver = currentDriver(m);
        if (driver.isEmpty() || driver == kVfio)
            continue;
        // Bridges don't count: pcieport claims no DMA (driver_managed_dma), so VFIO ignores it.
        const uint cls = m_layout->readFile(sysPathOf(m) + QLatin1String("/class")).trimmed().toUInt(nullptr, 16);
        if ((cls >> 8) == 0x0604 || (cls >> 8) == 0x0607)
            continue;
        return false;
    }
    return true;
}

void SimKernel::updateVfioNode(int group)
{
    if (group < 0)
        return;
    const QString g = QStringLiteral("sys/kernel/iommu_groups/%1/devices").arg(group);
    bool any = false;
    const QStringList members = m_layout->list(g);
    for (const QString &m : members)
        if (currentDriver(m) == kVfio) {
            any = true;
            break;
        }
    const QString node = QStringLiteral("dev/vfio/") + QString::number(group);
    if (any) {
        m_layout->makeDir(QStringLiteral("dev/vfio"));
        if (!m_layout->exists(QStringLiteral("dev/vfio/vfio")))
            m_layout->writeFile(QStringLiteral("dev/vfio/vfio"), {});
        if (!m_layout->exists(node))
            m_layout->writeFile(node, {});
    } else {
        m_layout->remove(node);
    }
}

} // namespace passdeck
