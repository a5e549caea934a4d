#pragma once
// A domain service over a fresh store with the two demo nodes (node-a as "a", node-b as "b") on
// simulated host roots in a temporary directory. Header-only: each store test lists its sources.
// The store is an SQLite file, or with PASSDECK_TEST_DB=postgres a new database on the
// throwaway PostgreSQL server of PgTestServer.h (the "_postgres" ctest runs).
#include "node/LocalNodeConnector.h"
#include "service/DomainService.h"
#include "PgTestServer.h"
#include "SimTestUtil.h"
#include "store/Store.h"
#include "store/StoreQuery.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUrlQuery>
#include <QTest>

#include <memory>

// Sets up a StoreFixture inside a test function (fails the test with the reason).
#define STORE_SETUP(fixture, withNodeB)                              \
    do {                                                             \
        const QString setUpError_ = (fixture).setUp(withNodeB);      \
        QVERIFY2(setUpError_.isEmpty(), qPrintable(setUpError_));    \
    } while (false)

namespace passdeck::test {

inline QString pinnedPciIdsFile()
{
    return QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
}

// Where a test keeps a new store: a file `name` in dir, or a new PostgreSQL database (empty with
// *error set when the server is not there).
inline QString testStoreLocation(const QTemporaryDir &dir, const QString &name, QString *error = nullptr)
{
    if (!testBackendIsPostgres())
        return dir.filePath(name);
    QString why;
    const QString uri = PgTestServer::instance().createDatabase(&why);
    if (error)
        *error = why;
    return uri;
}

// Runs statements on a connection of its own to `location` (a store as an older Passdeck, or
// another program, left it): the SQLite file, or the PostgreSQL database of a test URI. False
// with *error set (the statement and the driver's reason) at the first that fails.
inline bool rawStoreExec(const QString &location, const QStringList &statements, QString *error)
{
    const QString name = QStringLiteral("raw-%1").arg(qHash(location));
    bool ok = true;
    {
        QSqlDatabase db;
        if (location.startsWith(QLatin1String("postgresql://"))) {
            const QUrl url(location);
            db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            db.setHostName(QUrlQuery(url).queryItemValue(QStringLiteral("host")));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
        } else {
            db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(location);
        }
        ok = db.open();
        if (!ok)
            *error = db.lastError().text();
        QSqlQuery q(db);
        for (const QString &sql : statements) {
            if (!ok)
                break;
            ok = q.exec(sql);
            if (!ok)
                *error = sql + QStringLiteral(": ") + q.lastError().text();
        }
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

// In a test function that checks SQLite's file behaviour (pragmas, empty files, WAL).
#define SQLITE_ONLY()                                                                                          \
    do {                                                                                                       \
        if (passdeck::test::testBackendIsPostgres())                                                           \
            QSKIP("checks SQLite's file behaviour; the PostgreSQL run covers the same rules through the URI"); \
    } while (false)

inline ServiceOptions testOptions()
{
    ServiceOptions o;
    o.nodeFactory = localNodes(InventoryOptions{pinnedPciIdsFile(), true});
    o.user = QStringLiteral("tester");
    return o;
}

// node-a devices used by the tests (IOMMU groups from resources/demo/node-a.json):
//   GPU 17:00.0 + its audio 17:00.1 share group 10; second GPU 3c:00.0 + 3c:00.1 group 16;
//   VFs 18:02.0..3 each alone; 00:00.0 is the host bridge; 00:14.0 the USB controller.
inline const QString gpu1 = QStringLiteral("0000:17:00.0");
inline const QString gpu1Audio = QStringLiteral("0000:17:00.1");
inline const QString gpu2 = QStringLiteral("0000:3c:00.0");
inline const QString gpu2Audio = QStringLiteral("0000:3c:00.1");
inline const QString vf0 = QStringLiteral("0000:18:02.0");
inline const QString vf1 = QStringLiteral("0000:18:02.1");
inline const QString vf2 = QStringLiteral("0000:18:02.2");
inline const QString vf3 = QStringLiteral("0000:18:02.3");
inline const QString hostBridge = QStringLiteral("0000:00:00.0");

class StoreFixture
{
public:
    QTemporaryDir dir;
    QString rootA;
    QString rootB;
    std::unique_ptr<DomainService> service;
    qint64 nodeA = 0;
    qint64 nodeB = 0;

    // The store's file, or its PostgreSQL URI (a new database, made on first use).
    QString dbPath() const
    {
        if (m_location.isEmpty())
            m_location = testStoreLocation(dir, QStringLiteral("passdeck.db"), &m_locationError);
        return m_location;
    }
    bool postgres() const { return testBackendIsPostgres(); }

    // Empty on success, else what went wrong (for QVERIFY2).
    QString setUp(bool withNodeB = true)
    {
        if (!dir.isValid())
            return QStringLiteral("no temporary directory");
        if (dbPath().isEmpty())
            return m_locationError;
        Error e;
        rootA = buildSimRoot(dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("a"), &e);
        if (rootA.isEmpty())
            return e.message();
        if (withNodeB) {
            rootB = buildSimRoot(dir, demoDescription(QStringLiteral("node-b")), QStringLiteral("b"), &e);
            if (rootB.isEmpty())
                return e.message();
        }
        if (QString r = reopen(); !r.isEmpty())
            return r;
        auto a = service->addNode(QStringLiteral("a"), rootA, true);
        if (!a)
            return a.error().message();
        nodeA = a->node.id;
        if (withNodeB) {
            auto b = service->addNode(QStringLiteral("b"), rootB, true);
            if (!b)
                return b.error().message();
            nodeB = b->node.id;
        }
        return {};
    }

    // Closes and opens the service again (what a second start of the program does).
    QString reopen()
    {
        service.reset();
        if (dbPath().isEmpty())
            return m_locationError;
        auto s = DomainService::open(dbPath(), testOptions());
        if (!s)
            return s.error().message();
        service = std::move(s).value();
        return {};
    }

    QSqlDatabase db() const { return service->store().connection(); }

    // Direct SQL, bypassing the service: true when the statement succeeded.
    bool sql(const QString &statement, const QVariantList &values = {}, QString *error = nullptr) const
    {
        QSqlQuery q(db());
        if (values.isEmpty()) { // DDL too: PostgreSQL prepares only queries and row changes
            const bool ok = q.exec(statement);
            if (!ok && error)
                *error = q.lastError().text();
            return ok;
        }
        if (!q.prepare(statement)) {
            if (error)
                *error = q.lastError().text();
            return false;
        }
        for (const QVariant &v : values)
            q.addBindValue(v);
        const bool ok = q.exec();
        if (!ok && error)
            *error = q.lastError().text();
        return ok;
    }

    // Makes every INSERT into `table` fail with `message` (a full disk, a broken file), in the
    // store's own trigger syntax.
    bool failInserts(const QString &name, const QString &table, const QString &message) const
    {
        if (!postgres())
            return sql(QStringLiteral("CREATE TRIGGER %1 BEFORE INSERT ON %2 BEGIN SELECT RAISE(ABORT, '%3'); END").arg(name, table, message));
        return sql(QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION '%2'; END $fn$")
                       .arg(name, message))
            && sql(QStringLiteral("CREATE TRIGGER %1 BEFORE INSERT ON %2 FOR EACH ROW EXECUTE FUNCTION %1()").arg(name, table));
    }

    bool dropTrigger(const QString &name, const QString &table) const
    {
        for (const QString &statement : service->store().dialect().dropTrigger(name, table)) {
            if (!sql(statement))
                return false;
        }
        return true;
    }

    QVariant scalar(const QString &statement, const QVariantList &values = {}) const
    {
        auto v = StoreQuery::scalar(db(), statement, values, QStringLiteral("test query"));
        return v ? *v : QVariant();
    }

    int count(const QString &statement, const QVariantList &values = {}) const { return scalar(statement, values).toInt(); }

    qint64 deviceId(qint64 nodeId, const QString &address) const
    {
        return scalar(QStringLiteral("SELECT id FROM devices WHERE node_id = ? AND address = ?"), {nodeId, address}).toLongLong();
    }

    // Creates a host group and makes addresses of node a resources of it; 0 on failure.
    qint64 groupWith(const QString &name, const QStringList &addresses, qint64 nodeId = 0)
    {
        auto g = service->createGroup(GroupSpec{name, {}, GroupClass::Other});
        if (!g)
            return 0;
        if (!addresses.isEmpty()) {
            auto r = service->makeResource(g->id, nodeId ? nodeId : nodeA, addresses);
            if (!r) {
                qWarning() << r.error().message();
                return 0;
            }
        }
        return g->id;
    }

    qint64 hostVm(const QString &name, qint64 nodeId = 0)
    {
        auto v = service->createVm(VmSpec{name, {}, nodeId ? nodeId : nodeA, 0, 0});
        return v ? v->id : 0;
    }

    QString lastAudit(QString *result = nullptr) const
    {
        auto a = service->audit(1);
        if (!a || a->isEmpty())
            return {};
        if (result)
            *result = auditResultName(a->first().result);
        return a->first().action;
    }

    // The simulated sysfs of node a.
    QString driverA(const QString &address) const { return driverOf(rootA, address); }
    QByteArray overrideA(const QString &address) const
    {
        return readRootFile(rootA, QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(address)).trimmed();
    }

private:
    mutable QString m_location;
    mutable QString m_locationError;
};

} // namespace passdeck::test
