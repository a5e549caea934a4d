#include "remote/server/DeviceLocks.h"

#include <QCoreApplication>
#include <QMutexLocker>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DeviceLocks", text);
}
} // namespace

Error DeviceLocks::busy(const QString &device, const QString &holder)
{
    Error e = Error::make(ErrorCode::DeviceBusy,
                          device.isEmpty() ? tr("Starting a job on the node")
                                           : tr("Starting a job on %1").arg(device),
                          device.isEmpty() ? tr("job %1 is changing the node").arg(holder)
                                           : tr("job %1 is changing %2").arg(holder, device),
                          tr("Wait until that job has ended (GET /api/v1/jobs/%1), then try again.").arg(holder));
    e.device = device;
    return e;
}

Status DeviceLocks::acquire(const QStringList &devices, const QString &jobId)
{
    QMutexLocker lock(&m_mutex);
    if (!m_nodeHolder.isEmpty())
        return busy({}, m_nodeHolder);
    for (const QString &d : devices) {
        const QString h = m_holders.value(d);
        if (!h.isEmpty() && h != jobId)
            return busy(d, h);
    }
    for (const QString &d : devices)
        m_holders.insert(d, jobId);
    return {};
}

Status DeviceLocks::acquireNode(const QString &jobId)
{
    QMutexLocker lock(&m_mutex);
    if (!m_nodeHolder.isEmpty() && m_nodeHolder != jobId)
        return busy({}, m_nodeHolder);
    for (auto it = m_holders.cbegin(); it != m_holders.cend(); ++it)
        if (it.value() != jobId)
            return busy(it.key(), it.value());
    m_nodeHolder = jobId;
    return {};
}

void DeviceLocks::release(const QString &jobId)
{
    QMutexLocker lock(&m_mutex);
    if (m_nodeHolder == jobId)
        m_nodeHolder.clear();
    for (auto it = m_holders.begin(); it != m_holders.end();) {
        if (it.value() == jobId)
            it = m_holders.erase(it);
        else
            ++it;
    }
}

QString DeviceLocks::holder(const QString &device) const
{
    QMutexLocker lock(&m_mutex);
    return m_nodeHolder.isEmpty() ? m_holders.value(device) : m_nodeHolder;
}

int DeviceLocks::heldCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_holders.size()) + (m_nodeHolder.isEmpty() ? 0 : 1);
}

} // namespace passdeck
