#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QSqlDatabase>

namespace passdeck {

// The audit log: one row per change or refused/failed attempt (docs/store.md).
class AuditLog
{
public:
    static Status append(const QSqlDatabase &db, const QString &user, const QString &action,
                         const QString &subject, AuditResult result, const QString &detail);
    static Result<QList<AuditEntry>> list(const QSqlDatabase &db, int limit);
    // The OS user running Passdeck: the real uid's account name ($USER is not trusted); as root
    // under sudo, "root (sudo NAME)" from SUDO_USER.
    static QString osUser();
    // Who the audit names as the administrator (docs/store.md, "Audit"): on PostgreSQL the
    // database role the store was opened as (current_user, which the server vouches for),
    // followed by the OS user and host in parentheses; on SQLite the OS user at this host
    // ("alice@ws1", "root@ws1 (sudo alice)").
    static QString administrator(const QSqlDatabase &db);
};

} // namespace passdeck
