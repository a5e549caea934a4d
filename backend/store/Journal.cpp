#include "store/Journal.h"

#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("Journal", text);
}
} // namespace

namespace {
QString leaseEnd()
{
    return QDateTime::currentDateTimeUtc().addSecs(Journal::leaseSeconds).toString(Qt::ISODateWithMs);
}
} // namespace

QString Journal::thisHost()
{
    return QSysInfo::machineHostName();
}

Result<qint64> Journal::add(const QSqlDatabase &db, const JournalEntry &entry)
{
    QJsonObject devices;
    for (auto it = entry.originalDrivers.cbegin(); it != entry.originalDrivers.cend(); ++it)
        devices.insert(it.key(), it.value());
    QJsonObject overrides;
    for (auto it = entry.originalOverrides.cbegin(); it != entry.originalOverrides.cend(); ++it)
        overrides.insert(it.key(), it.value());
    StoreQuery q(db, QStringLiteral("INSERT INTO journal (node_id, operation, target, devices, group_id, started_at, host, pid,"
                                    " owner_start, overrides, vm_id, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    q.bind(entry.nodeId).bind(entry.operation).bind(entry.target)
        .bind(QString::fromUtf8(QJsonDocument(devices).toJson(QJsonDocument::Compact)))
        .bind(entry.groupId > 0 ? QVariant(entry.groupId) : QVariant(QMetaType(QMetaType::LongLong)))
        .bind(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
        .bind(thisHost()).bind(qint64(getpid())).bind(processStart(getpid()))
        .bind(QString::fromUtf8(QJsonDocument(overrides).toJson(QJsonDocument::Compact)))
        .bind(entry.vmId > 0 ? QVariant(entry.vmId) : QVariant(QMetaType(QMetaType::LongLong)))
        .bind(leaseEnd());
    if (Status s = q.exec(tr("Journaling the sysfs changes")); !s)
        return s.error();
    const qint64 id = q.returnedId();
    for (auto it = entry.originalDrivers.cbegin(); it != entry.originalDrivers.cend(); ++it) {
        if (Status s = StoreQuery::run(db, QStringLiteral("INSERT INTO journal_devices (journal_id, node_id, address) VALUES (?, ?, ?)"),
                                       {id, entry.nodeId, it.key()}, tr("Journaling the sysfs changes")); !s)
            return s.error();
    }
    return id;
}

Status Journal::remove(const QSqlDatabase &db, qint64 id)
{
    return StoreQuery::run(db, QStringLiteral("DELETE FROM journal WHERE id = ?"), {id},
                           tr("Clearing the journal"));
}

Result<QList<JournalEntry>> Journal::pending(const QSqlDatabase &db)
{
    StoreQuery q(db, QStringLiteral("SELECT id, node_id, operation, target, devices, group_id, host, pid, owner_start,"
                                    " overrides, vm_id, lease_until FROM journal ORDER BY id"));
    if (Status s = q.exec(tr("Reading the journal")); !s)
        return s.error();
    QList<JournalEntry> out;
    while (q.next()) {
        JournalEntry e;
        e.id = q.value(0).toLongLong();
        e.nodeId = q.value(1).toLongLong();
        e.operation = q.value(2).toString();
        e.target = q.value(3).toString();
        const QJsonObject devices = QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object();
        for (auto it = devices.begin(); it != devices.end(); ++it)
            e.originalDrivers.insert(it.key(), it.value().toString());
        e.groupId = q.value(5).toLongLong();
        e.host = q.value(6).toString();
        e.pid = q.value(7).toLongLong();
        e.ownerStart = q.value(8).toLongLong();
        const QJsonObject overrides = QJsonDocument::fromJson(q.value(9).toString().toUtf8()).object();
        for (auto it = overrides.begin(); it != overrides.end(); ++it)
            e.originalOverrides.insert(it.key(), it.value().toString());
        e.vmId = q.value(10).toLongLong();
        e.leaseUntil = QDateTime::fromString(q.value(11).toString(), Qt::ISODateWithMs);
        out << e;
    }
    return out;
}

bool Journal::ownerAlive(const JournalEntry &entry)
{
    if (entry.host != thisHost() || entry.pid <= 0)
        return false;
    if (entry.pid == qint64(getpid()))
        return true;
    if (::kill(pid_t(entry.pid), 0) != 0 && errno != EPERM)
        return false;
    // Running, but is it the same process? A PID reused since the crash has another start time.
    const qint64 start = processStart(entry.pid);
    return entry.ownerStart == 0 || start == 0 || start == entry.ownerStart;
}

Status Journal::mayRecover(const JournalEntry &entry, const QString &nodeName)
{
    const QString what = tr("Recovering the interrupted %1 on node '%2'").arg(entry.operation, nodeName);
    const QString hint = tr("Leave it to its owner; if that machine or process is gone for good, recovery takes the "
                            "operation over once its lease runs out (reopen Passdeck then).");
    if (entry.host == thisHost()) {
        if (!ownerAlive(entry))
            return {};
        return Error::make(ErrorCode::LeaseHeld, what,
                           tr("process %1 on this host (%2) is still running it").arg(entry.pid).arg(entry.host), hint);
    }
    if (entry.leaseUntil.isValid() && entry.leaseUntil > QDateTime::currentDateTimeUtc()) {
        return Error::make(ErrorCode::LeaseHeld, what,
                           tr("process %1 on host %2 is running it; its lease runs until %3 UTC")
                               .arg(entry.pid).arg(entry.host, entry.leaseUntil.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                           hint);
    }
    return {};
}

Status Journal::renewLeases(const QSqlDatabase &db)
{
    return StoreQuery::run(db, QStringLiteral("UPDATE journal SET lease_until = ? WHERE host = ? AND pid = ? AND owner_start = ?"),
                           {leaseEnd(), thisHost(), qint64(getpid()), processStart(getpid())}, tr("Renewing the journal's lease"));
}

qint64 Journal::processStart(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    // "PID (comm) state ppid ...": comm may contain spaces and ')', so split after the last ')'.
    const qsizetype paren = stat.lastIndexOf(')');
    if (paren < 0)
        return 0;
    const QList<QByteArray> fields = stat.mid(paren + 2).split(' ');
    // fields[0] is field 3 (state); starttime is field 22.
    return fields.size() > 19 ? fields.at(19).toLongLong() : 0;
}

} // namespace passdeck
