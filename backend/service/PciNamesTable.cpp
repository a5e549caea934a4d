#include "service/PciNamesTable.h"

#include "store/StoreQuery.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

} // namespace

size_t qHash(const PciNamesTable::Names &names, size_t seed)
{
    return qHashMulti(seed, names.vendor, names.device, names.className);
}

Result<QHash<qint64, PciNamesTable::Names>> PciNamesTable::all(const QSqlDatabase &db, const QString &what)
{
    StoreQuery q(db, QStringLiteral("SELECT id, vendor_name, device_name, class_name FROM pci_names"));
    if (Status s = q.exec(what); !s)
        return s.error();
    QHash<qint64, Names> out;
    while (q.next())
        out.insert(q.value(0).toLongLong(), {q.value(1).toString(), q.value(2).toString(), q.value(3).toString()});
    return out;
}

PciNamesTable::PciNamesTable(const QSqlDatabase &db)
    : m_db(db)
{
}

Result<qint64> PciNamesTable::idOf(const Names &names, const QString &what)
{
    if (!m_loaded) {
        auto rows = all(m_db, what);
        if (!rows)
            return rows.error();
        for (auto it = rows->cbegin(); it != rows->cend(); ++it)
            m_ids.insert(it.value(), it.key());
        m_loaded = true;
    }
    if (const auto it = m_ids.constFind(names); it != m_ids.cend())
        return *it;
    StoreQuery q(m_db, QStringLiteral("INSERT INTO pci_names (vendor_name, device_name, class_name) VALUES (?, ?, ?) RETURNING id"));
    q.bind(names.vendor).bind(names.device).bind(names.className);
    if (Status s = q.exec(what); !s)
        return s.error();
    const qint64 id = q.returnedId();
    if (id <= 0)
        return Error::make(ErrorCode::Sql, what, tr("the store returned no id for new PCI names"),
                           tr("Check the store, then refresh the node again."));
    m_ids.insert(names, id);
    return id;
}

} // namespace passdeck
