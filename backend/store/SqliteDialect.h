#pragma once

#include "store/SqlDialect.h"

namespace passdeck {

// SQLite (the default store, one file). Every connection sets busy_timeout first, then
// foreign_keys, WAL and synchronous = NORMAL; a write transaction is BEGIN IMMEDIATE, which
// takes the file's write lock before anything is read.
class SqliteDialect : public SqlDialect
{
public:
    explicit SqliteDialect(QString path = {});

    QString driverName() const override;
    QString location() const override { return m_path; }

    void prepare(QSqlDatabase &db) const override;
    Status configure(QSqlDatabase &db) const override;
    Result<bool> isConfigured(const QSqlDatabase &db) const override;

    Status beginWrite(QSqlDatabase &db, const QString &what) const override;
    Status commit(QSqlDatabase &db, const QString &what) const override;
    void rollback(QSqlDatabase &db) const override;
    QString beginReadStatement() const override;

    QString idColumn() const override;
    QStringList refusingTrigger(const QString &name, const QString &event, const QString &table,
                                const QString &condition, const QString &message) const override;
    QStringList dropTrigger(const QString &name, const QString &table) const override;

    static constexpr int busyTimeoutMs = 10000;

private:
    QString m_path;
};

} // namespace passdeck
