#include "store/AuditLog.h"

#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QSysInfo>

#include <pwd.h>
#include <unistd.h>

namespace passdeck {

Status AuditLog::append(const QSqlDatabase &db, const QString &user, const QString &action,
                        const QString &subject, AuditResult result, const QString &detail)
{
    return StoreQuery::run(db,
                           QStringLiteral("INSERT INTO audit_log (at, os_user, action, subject, result, detail) VALUES (?, ?, ?, ?, ?, ?)"),
                           {QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), user, action, subject,
                            auditResultName(result), detail},
                           QCoreApplication::translate("AuditLog", "Writing the audit log"));
}

Result<QList<AuditEntry>> AuditLog::list(const QSqlDatabase &db, int limit)
{
    StoreQuery q(db, QStringLiteral("SELECT id, at, os_user, action, subject, result, detail FROM audit_log ORDER BY id DESC LIMIT ?"));
    q.bind(limit > 0 ? limit : 500);
    if (Status s = q.exec(QCoreApplication::translate("AuditLog", "Reading the audit log")); !s)
        return s.error();
    QList<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        e.id = q.value(0).toLongLong();
        e.at = QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs);
        e.user = q.value(2).toString();
        e.action = q.value(3).toString();
        e.subject = q.value(4).toString();
        const QString r = q.value(5).toString();
        e.result = r == QLatin1String("refused") ? AuditResult::Refused
                 : r == QLatin1String("failed")  ? AuditResult::Failed
                                                 : AuditResult::Ok;
        e.detail = q.value(6).toString();
        out << e;
    }
    return out;
}

QString AuditLog::osUser()
{
    // Who ran it, from the account database: $USER is whatever the caller's environment says.
    const uid_t uid = getuid();
    const passwd *pw = getpwuid(uid);
    const QString account = pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("uid %1").arg(uid);
    // Under sudo the administrator behind root is what the audit is for; SUDO_USER is only
    // believed when we do run as root (sudo's own target).
    const QString sudoUser = qEnvironmentVariable("SUDO_USER");
    if (uid == 0 && !sudoUser.isEmpty() && sudoUser != account)
        return QStringLiteral("%1 (sudo %2)").arg(account, sudoUser);
    return account;
}

} // namespace passdeck

namespace passdeck {

QString AuditLog::administrator(const QSqlDatabase &db)
{
    QString who = osUser();
    const QString host = QSysInfo::machineHostName();
    if (!host.isEmpty()) {
        // "root (sudo alice)" becomes "root@ws1 (sudo alice)".
        const qsizetype space = who.indexOf(QLatin1String(" ("));
        who = space < 0 ? QString(who + u'@' + host) : QString(who.left(space) + u'@' + host + who.mid(space));
    }
    if (db.driverName() != QLatin1String("QPSQL"))
        return who;
    auto role = StoreQuery::scalar(db, QStringLiteral("SELECT current_user"), {},
                                   QCoreApplication::translate("AuditLog", "Reading the database role"));
    if (!role || role->toString().isEmpty())
        return who;
    return QStringLiteral("%1 (%2)").arg(role->toString(), who);
}

} // namespace passdeck
