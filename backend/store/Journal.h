#pragma once

#include "core/Error.h"

#include <QDateTime>
#include <QMap>
#include <QSqlDatabase>
#include <QString>

namespace passdeck {

// One sysfs operation in flight: written and committed before the first write, removed in the
// transaction that records the operation's outcome. A row left behind means the process died
// in between; recovery puts the devices back to their original drivers.
struct JournalEntry
{
    qint64 id = 0;
    qint64 nodeId = 0;
    QString operation;                  // "make-resource", "remove-resource", "vm-restart"
    QString target;                     // "vfio" or "host"
    QMap<QString, QString> originalDrivers; // address -> driver before ("" = none)
    QMap<QString, QString> originalOverrides; // address -> driver_override before ("" = none)
    qint64 vmId = 0;                    // vm-restart: the VM being started (0 = none)
    qint64 groupId = 0;
    QString host;                       // machine that ran it
    qint64 pid = 0;                     // process that ran it
    qint64 ownerStart = 0;              // its start time (clock ticks since boot), 0 = unknown
    QDateTime leaseUntil;               // the owner renews it while it runs; invalid = none (older rows)
};

class Journal
{
public:
    // Inserts the row (the caller commits it before touching sysfs).
    static Result<qint64> add(const QSqlDatabase &db, const JournalEntry &entry);
    static Status remove(const QSqlDatabase &db, qint64 id);
    static Result<QList<JournalEntry>> pending(const QSqlDatabase &db);
    // True when the process that wrote the entry is still running (on this machine).
    static bool ownerAlive(const JournalEntry &entry);
    // Whether recovery may take the operation over: refused ("lease-held") while its owner runs
    // on this host (same PID and start time), or, for an owner on another host (whose process
    // cannot be looked at), while its lease is current. An owner gone from this host is gone,
    // whatever its lease says.
    static Status mayRecover(const JournalEntry &entry, const QString &nodeName);
    // Pushes the lease of this process's rows leaseSeconds ahead (autocommit, or inside the
    // caller's transaction). ServiceContext::step calls it at most every renewEverySeconds.
    static Status renewLeases(const QSqlDatabase &db);
    static constexpr int leaseSeconds = 120;
    static constexpr int renewEverySeconds = 20;
    static QString thisHost();
    // When process pid started (/proc/PID/stat field 22, clock ticks since boot); 0 if unknown.
    static qint64 processStart(qint64 pid);
};

} // namespace passdeck
