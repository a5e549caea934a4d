#pragma once

#include "core/Error.h"

#include <QSqlDatabase>
#include <QStringList>

namespace passdeck {

// The store's schema as numbered migration steps (docs/store.md). Step N turns a version N-1
// store into version N; steps are never edited once released, only appended. The version lives
// in the one-row table schema_version.
class Schema
{
public:
    static int currentVersion();

    // The statements of one step for a driver ("QSQLITE", "QPSQL"), spelt by its SqlDialect:
    // the id column and the triggers differ.
    static QStringList step(int version, const QString &driverName);

    // The version of an open database: 0 when it has no schema yet.
    static Result<int> version(const QSqlDatabase &db);

    // Brings the database to currentVersion() inside the caller's write transaction.
    // A newer database is refused with code "schema-too-new".
    static Status migrate(const QSqlDatabase &db);
};

} // namespace passdeck
