#pragma once

#include "DomainTypes.h"
#include "Error.h"

#include <QSqlDatabase>

namespace passdeck {

// The audit log: one row per change or refused/failed attempt (DESIGN.md §2).
class AuditLog
{
public:
    static Status append(const QSqlDatabase &db, const QString &user, const QString &action,
                         const QString &subject, AuditResult result, const QString &detail);
    static Result<QList<AuditEntry>> list(const QSqlDatabase &db, int limit);
    // The OS user running Passdeck ($USER, $LOGNAME, or the uid's name).
    static QString osUser();
};

} // namespace passdeck
