#pragma once

#include "core/Error.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace passdeck {

// A prepared statement with positional bound values whose every failure becomes an Error.
// Values are always bound, never spliced into the SQL text.
class StoreQuery
{
public:
    StoreQuery(const QSqlDatabase &db, const QString &sql);

    // A null QString is bound as '' (the schema's text columns are NOT NULL); a null value of
    // another type binds SQL NULL.
    StoreQuery &bind(const QVariant &value);
    StoreQuery &bindAt(int index, const QVariant &value);
    // Runs the statement; `what` says what the caller was doing ("Recording the resource rule").
    Status exec(const QString &what);
    bool next() { return m_query.next(); }
    QVariant value(int i) const { return m_query.value(i); }
    // The id an "INSERT … RETURNING id" gave back (0 when none). Never lastInsertId(): on
    // PostgreSQL it is not the row's id.
    qint64 returnedId();
    int rowsAffected() const { return m_query.numRowsAffected(); }
    QSqlQuery &raw() { return m_query; }

    // Runs sql and returns the first column of the first row (invalid QVariant when no row).
    static Result<QVariant> scalar(const QSqlDatabase &db, const QString &sql,
                                   const QVariantList &values, const QString &what);
    static Status run(const QSqlDatabase &db, const QString &sql, const QVariantList &values,
                      const QString &what);

    // An Error for a failed statement; code "constraint" for a constraint violation, "busy"
    // when the database stayed locked, "store-conflict" for a serialisation failure or a
    // deadlock (PostgreSQL 40001, 40P01: running the change again may succeed), "store-lost" for
    // a broken connection, "sql" otherwise.
    static Error sqlError(const QSqlError &error, const QString &what);
    // SQLite's SQLITE_BUSY / SQLITE_LOCKED; PostgreSQL's lock timeout (55P03).
    static bool isBusy(const QSqlError &error);
    static bool isConflict(const QSqlError &error);
    static bool isConflict(const Error &error);
    // The connection broke (PostgreSQL class 08, 57P01-03, or libpq's "server closed the
    // connection"): reported as "store-lost", and the connection is closed for a new one.
    static bool isLost(const QSqlError &error);

private:
    enum class State { Unprepared, Prepared, PrepareFailed };
    void prepareOnce();

    QSqlQuery m_query;
    QSqlDatabase m_db;
    QString m_sql;
    State m_state = State::Unprepared;
};

} // namespace passdeck
