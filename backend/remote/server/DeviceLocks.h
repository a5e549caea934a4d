#pragma once

#include "core/Error.h"

#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

namespace passdeck {

// One change at a time per device (docs/agent-jobs.md): a job holds every device it may touch
// from submit to its end. A whole-node job (a reboot) holds the node: it needs no other job
// running and keeps every other job out. Reads never take locks. Thread-safe.
class DeviceLocks
{
public:
    // All of `devices` for `jobId`, or none: Error "device-busy" naming the first busy device
    // and the job holding it.
    Status acquire(const QStringList &devices, const QString &jobId);
    // The whole node (no job may hold anything).
    Status acquireNode(const QString &jobId);
    // Everything `jobId` holds.
    void release(const QString &jobId);
    // The job holding `device` ("" = free).
    QString holder(const QString &device) const;
    // How many devices are held (a whole-node lock counts as one).
    int heldCount() const;

private:
    static Error busy(const QString &device, const QString &holder);

    mutable QMutex m_mutex;
    QHash<QString, QString> m_holders; // device -> job id
    QString m_nodeHolder;              // the job holding the whole node
};

} // namespace passdeck
