#include "store/SqlDialect.h"

#include "store/PostgresDialect.h"
#include "store/SqliteDialect.h"

namespace passdeck {

bool SqlDialect::isUri(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://")) || location.startsWith(QLatin1String("postgres://"));
}

Result<std::unique_ptr<SqlDialect>> SqlDialect::forLocation(const QString &location)
{
    if (!isUri(location))
        return std::unique_ptr<SqlDialect>(new SqliteDialect(location));
    auto address = PostgresDialect::parse(location);
    if (!address)
        return address.error();
    return std::unique_ptr<SqlDialect>(new PostgresDialect(*address));
}

std::unique_ptr<SqlDialect> SqlDialect::forDriver(const QString &driverName)
{
    if (driverName == QLatin1String("QPSQL"))
        return std::make_unique<PostgresDialect>(PostgresDialect::Address{});
    return std::make_unique<SqliteDialect>();
}

bool SqlDialect::hasTable(const QSqlDatabase &db, const QString &table) const
{
    return db.tables().contains(table);
}

} // namespace passdeck
