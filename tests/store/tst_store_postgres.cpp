// PostgreSQL as the store (docs/store.md, "Databases"): the --db URI, the dialect's schema
// (identity ids, plpgsql triggers), the write lock, serialisation failures reported as
// "store-conflict", and two passdeck-cli processes racing one allocation 50 times.
// Runs against the throwaway server of PgTestServer.h; fails when it cannot start.
#include "CliRunner.h"
#include "StoreFixture.h"
#include "store/PostgresDialect.h"
#include "store/Schema.h"
#include "store/StoreTransaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace passdeck;
using namespace passdeck::test;

class TstStorePostgres : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void uri_data();
    void uri();
    void passwordNeverInTheUri();
    void noServer();
    void schema();
    void writeLock();
    void writeLockTimeout();
    void conflictReported();
    void raceOneAllocation();

private:
    QString newDatabase()
    {
        QString error;
        const QString uri = PgTestServer::instance().createDatabase(&error);
        if (uri.isEmpty())
            qWarning("%s", qPrintable(error));
        return uri;
    }
    QTemporaryDir m_dir;
};

void TstStorePostgres::initTestCase()
{
    // Fails (never skips) when PostgreSQL or Qt's driver is missing: the message says which.
    QVERIFY2(PgTestServer::instance().error().isEmpty(), qPrintable(PgTestServer::instance().error()));
}

void TstStorePostgres::uri_data()
{
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("code"); // empty: accepted
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::newRow("tcp") << "postgresql://alice@db.example:6543/passdeck" << "" << "db.example" << 6543 << "passdeck";
    QTest::newRow("default port") << "postgresql://alice@db.example/passdeck" << "" << "db.example" << 5432 << "passdeck";
    QTest::newRow("postgres scheme") << "postgres://alice@db.example/passdeck" << "" << "db.example" << 5432 << "passdeck";
    QTest::newRow("socket") << "postgresql://alice@/passdeck?host=/run/postgresql" << "" << "/run/postgresql" << 5432 << "passdeck";
    QTest::newRow("socket and port") << "postgresql://alice@:5433/passdeck?host=/tmp/s" << "" << "/tmp/s" << 5433 << "passdeck";
    QTest::newRow("no database") << "postgresql://alice@db.example:5432/" << "store-uri" << "" << 0 << "";
    QTest::newRow("no user") << "postgresql://db.example/passdeck" << "store-uri" << "" << 0 << "";
    QTest::newRow("no host") << "postgresql://alice@/passdeck" << "store-uri" << "" << 0 << "";
    QTest::newRow("unknown parameter") << "postgresql://alice@h/passdeck?sslmode=disable" << "store-uri" << "" << 0 << "";
}

void TstStorePostgres::uri()
{
    QFETCH(QString, uri);
    QFETCH(QString, code);
    auto a = PostgresDialect::parse(uri);
    if (!code.isEmpty()) {
        QVERIFY(!a);
        QCOMPARE(errorCodeName(a.error().code), code);
        QVERIFY(a.error().hint.contains(QLatin1String("postgresql://USER@HOST:PORT/DBNAME")));
        return;
    }
    QVERIFY2(a.ok(), qPrintable(a ? QString() : a.error().message()));
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QCOMPARE(a->user, QStringLiteral("alice"));
    QCOMPARE(a->host, host);
    QCOMPARE(a->port, port);
    QCOMPARE(a->database, database);
    // A file path stays SQLite.
    QVERIFY(!SqlDialect::isUri(QStringLiteral("/tmp/postgresql.db")));
}

void TstStorePostgres::passwordNeverInTheUri()
{
    for (const QString &uri : {QStringLiteral("postgresql://alice:s3cret@db.example/passdeck"),
                               QStringLiteral("postgresql://alice:s3cret@/passdeck?host=/tmp")}) {
        auto store = Store::open(uri);
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::StoreUri);
        QVERIFY(store.error().why.contains(QLatin1String("password")));
        QVERIFY2(!store.error().message().contains(QLatin1String("s3cret")), qPrintable(store.error().message()));
        QVERIFY(store.error().hint.contains(QLatin1String(".pgpass")));
    }
}

void TstStorePostgres::noServer()
{
    auto store = Store::open(QStringLiteral("postgresql://passdeck@/passdeck?host=%1").arg(m_dir.filePath(QStringLiteral("nothing-here"))));
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::StoreOpen);
    QVERIFY2(store.error().hint.contains(QLatin1String("server")), qPrintable(store.error().message()));
}

void TstStorePostgres::schema()
{
    const QString uri = newDatabase();
    QVERIFY(!uri.isEmpty());
    auto store = Store::open(uri);
    QVERIFY2(store.ok(), qPrintable(store ? QString() : store.error().message()));
    QVERIFY((*store)->isPostgres());
    QCOMPARE((*store)->path(), uri);
    QCOMPARE((*store)->schemaVersion(), Schema::currentVersion());
    QSqlDatabase db = (*store)->connection();
    // Every trigger of the SQLite schema exists as a plpgsql trigger.
    const QStringList triggers = {QStringLiteral("allocations_within_count"), QStringLiteral("machine_devices_count_kept"),
                                  QStringLiteral("device_holds_one_owner_per_iommu_group"),
                                  QStringLiteral("device_holds_one_owner_per_iommu_group_update"),
                                  QStringLiteral("allocations_one_vm_per_iommu_group"),
                                  QStringLiteral("allocations_one_vm_per_iommu_group_update")};
    for (const QString &t : triggers) {
        auto n = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM pg_trigger WHERE tgname = ? AND NOT tgisinternal"), {t}, QStringLiteral("test"));
        QVERIFY(n);
        QVERIFY2(n->toInt() == 1, qPrintable(t));
    }
    auto identity = StoreQuery::scalar(db, QStringLiteral("SELECT is_identity FROM information_schema.columns WHERE table_name = 'vms' AND column_name = 'id'"),
                                       {}, QStringLiteral("test"));
    QVERIFY(identity);
    QCOMPARE(identity->toString(), QStringLiteral("YES"));
    QSqlQuery show(db); // SHOW cannot be prepared
    QVERIFY(show.exec(QStringLiteral("SHOW default_transaction_isolation")) && show.next());
    QCOMPARE(show.value(0).toString(), QStringLiteral("serializable"));
    show.finish();
    // A second open finds the schema made and changes nothing.
    auto again = Store::open(uri);
    QVERIFY(again);
    QCOMPARE((*again)->schemaVersion(), Schema::currentVersion());
}

void TstStorePostgres::writeLock()
{
    const QString uri = newDatabase();
    QVERIFY(!uri.isEmpty());
    auto store = Store::open(uri);
    QVERIFY(store);
    QSqlDatabase peek = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("peek"));
    {
        auto a = PostgresDialect::parse(uri);
        QVERIFY(a);
        peek.setHostName(a->host);
        peek.setUserName(a->user);
        peek.setDatabaseName(a->database);
        QVERIFY2(peek.open(), qPrintable(peek.lastError().text()));
        auto tryLock = [&] {
            QSqlQuery q(peek);
            const bool got = q.exec(QStringLiteral("SELECT pg_try_advisory_lock(objid::bigint | (classid::bigint << 32)) FROM pg_locks"
                                                   " WHERE locktype = 'advisory' LIMIT 1"))
                && q.next() && q.value(0).toBool();
            return got;
        };
        auto held = [&] {
            QSqlQuery q(peek);
            return q.exec(QStringLiteral("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) && q.next() ? q.value(0).toInt() : -1;
        };
        QCOMPARE(held(), 0);
        {
            StoreTransaction tx(**store);
            QVERIFY(tx.begun().ok());
            // The writer holds the store's write lock; nobody else gets it.
            QCOMPARE(held(), 1);
            QVERIFY(!tryLock());
            QVERIFY(tx.commit().ok());
        }
        QCOMPARE(held(), 0);
        {
            StoreTransaction tx(**store);
            QVERIFY(tx.begun().ok());
            QCOMPARE(held(), 1);
        } // rolled back: the lock goes too
        QCOMPARE(held(), 0);
        peek.close();
    }
    peek = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
}

void TstStorePostgres::writeLockTimeout()
{
    // Another session holds the store's write lock longer than the lock timeout: the change is
    // refused as "busy", with what to do, instead of waiting forever.
    const QString uri = newDatabase();
    QVERIFY(!uri.isEmpty());
    auto store = Store::open(uri);
    QVERIFY(store);
    auto a = PostgresDialect::parse(uri);
    QVERIFY(a);
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("other"));
        other.setHostName(a->host);
        other.setUserName(a->user);
        other.setDatabaseName(a->database);
        QVERIFY(other.open());
        QSqlQuery q(other);
        QVERIFY(q.exec(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(PostgresDialect::writeLockKey)));
        {
            StoreTransaction tx(**store);
            QVERIFY(!tx.begun().ok());
            QCOMPARE(tx.begun().error().code, ErrorCode::Busy);
            QVERIFY(tx.begun().error().hint.contains(QLatin1String("try again")));
        }
        QVERIFY(q.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(PostgresDialect::writeLockKey)));
        // Let go, the next change goes through.
        StoreTransaction tx(**store);
        QVERIFY(tx.begun().ok());
        QVERIFY(tx.commit().ok());
        q = QSqlQuery();
        other.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("other"));
}

void TstStorePostgres::conflictReported()
{
    // Two serialisable transactions that each read what the other writes: PostgreSQL refuses one
    // with 40001, which the store reports as "store-conflict" with what to do.
    const QString uri = newDatabase();
    QVERIFY(!uri.isEmpty());
    auto a = PostgresDialect::parse(uri);
    QVERIFY(a);
    QList<QSqlDatabase> dbs;
    for (const QString &name : {QStringLiteral("c1"), QStringLiteral("c2")}) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(a->host);
        db.setUserName(a->user);
        db.setDatabaseName(a->database);
        QVERIFY(db.open());
        dbs << db;
    }
    QSqlQuery q1(dbs[0]), q2(dbs[1]);
    QVERIFY(q1.exec(QStringLiteral("CREATE TABLE x (k INTEGER)")));
    QVERIFY(q1.exec(QStringLiteral("BEGIN ISOLATION LEVEL SERIALIZABLE")));
    QVERIFY(q2.exec(QStringLiteral("BEGIN ISOLATION LEVEL SERIALIZABLE")));
    QVERIFY(q1.exec(QStringLiteral("SELECT COUNT(*) FROM x WHERE k = 2")));
    QVERIFY(q2.exec(QStringLiteral("SELECT COUNT(*) FROM x WHERE k = 1")));
    QVERIFY(q1.exec(QStringLiteral("INSERT INTO x VALUES (1)")));
    QVERIFY(q2.exec(QStringLiteral("INSERT INTO x VALUES (2)")));
    QVERIFY(q1.exec(QStringLiteral("COMMIT")));
    QVERIFY(!q2.exec(QStringLiteral("COMMIT")));
    QVERIFY(StoreQuery::isConflict(q2.lastError()));
    const Error e = StoreQuery::sqlError(q2.lastError(), QStringLiteral("Saving"));
    QCOMPARE(e.code, ErrorCode::StoreConflict);
    QVERIFY(StoreQuery::isConflict(e));
    QVERIFY(e.why.contains(QLatin1String("another administrator")));
    QVERIFY(e.hint.contains(QLatin1String("try again")));
    q1 = QSqlQuery();
    q2 = QSqlQuery();
    dbs.clear();
    QSqlDatabase::removeDatabase(QStringLiteral("c1"));
    QSqlDatabase::removeDatabase(QStringLiteral("c2"));
}

void TstStorePostgres::raceOneAllocation()
{
    QVERIFY(!cliPath().isEmpty());
    const QString uri = newDatabase();
    QVERIFY(!uri.isEmpty());
    const QStringList base = {QStringLiteral("--db"), uri, QStringLiteral("--pci-ids"), pinnedPciIds()};
    auto cli = [&](const QStringList &args) { return runCli(base + args); };
    const QString root = m_dir.filePath(QStringLiteral("a"));
    QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
    QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), root,
                  QStringLiteral("--simulate")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("last")}).exitCode, 0);
    // Two devices; one is taken for good, so every round fights over the other.
    QCOMPARE(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("last"), QStringLiteral("--node"), QStringLiteral("a"),
                  QStringLiteral("0000:18:02.0"), QStringLiteral("0000:18:02.1")}).exitCode, 0);
    for (const QString &vm : {QStringLiteral("keeper"), QStringLiteral("red"), QStringLiteral("blue")}) {
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("create"), vm, QStringLiteral("--node"), QStringLiteral("a")}).exitCode, 0);
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("attach"), vm, QStringLiteral("--group"), QStringLiteral("last"),
                      QStringLiteral("--count"), QStringLiteral("1")}).exitCode, 0);
    }
    QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("keeper")}).exitCode, 0);

    constexpr int rounds = 50;
    int redWins = 0;
    for (int round = 0; round < rounds; ++round) {
        QProcess red, blue;
        red.start(cliPath(), base + QStringList{QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("red")});
        blue.start(cliPath(), base + QStringList{QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("blue")});
        QVERIFY(red.waitForFinished(60000));
        QVERIFY(blue.waitForFinished(60000));
        const int redExit = red.exitStatus() == QProcess::NormalExit ? red.exitCode() : -1;
        const int blueExit = blue.exitStatus() == QProcess::NormalExit ? blue.exitCode() : -1;
        const QByteArray redErr = red.readAllStandardError(), blueErr = blue.readAllStandardError();
        QVERIFY2((redExit == 0) + (blueExit == 0) == 1,
                 qPrintable(QStringLiteral("round %1: exits %2/%3, %4 / %5").arg(round).arg(redExit).arg(blueExit)
                                .arg(QString::fromUtf8(redErr), QString::fromUtf8(blueErr))));
        const QByteArray &loserErr = redExit == 0 ? blueErr : redErr;
        QCOMPARE(redExit == 0 ? blueExit : redExit, 1);
        QVERIFY2(loserErr.contains("only 0 are free"), loserErr.constData());
        redWins += redExit == 0;
        const CliRun vms = cli({QStringLiteral("--json"), QStringLiteral("vms")});
        QCOMPARE(vms.exitCode, 0);
        int on = 0, allocated = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(vms.out).array()) {
            on += v.toObject().value(QLatin1String("power")).toString() == QLatin1String("on");
            allocated += v.toObject().value(QLatin1String("allocatedDevices")).toInt();
        }
        QCOMPARE(on, 2); // keeper + the winner
        QCOMPARE(allocated, 2);
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("power-off"), redExit == 0 ? QStringLiteral("red") : QStringLiteral("blue")}).exitCode, 0);
    }
    qInfo("red won %d of %d rounds", redWins, rounds);
}

QTEST_GUILESS_MAIN(TstStorePostgres)
#include "tst_store_postgres.moc"
