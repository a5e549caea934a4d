// The store file: migration by numbered steps (an older file is upgraded with its data, a newer
// one refused clearly), the pragmas, and journal recovery of an interrupted sysfs operation.
#include "store/Journal.h"
#include "node/LocalNode.h"
#include "store/Schema.h"
#include "StoreFixture.h"
#include "node/host/SysfsWriter.h"

#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshStoreIsCurrent();
    void olderFileIsUpgraded();
    void newerFileIsRefused();
    void notAStore();
    void interruptedOperationRolledBack();
    void liveOwnerLeftAlone();
    void reusedPidIsNotTheOwner();
};

void TstStoreSchema::freshStoreIsCurrent()
{
    SQLITE_ONLY();
    QTemporaryDir dir;
    auto store = Store::open(dir.filePath(QStringLiteral("sub/dir/p.db")));
    QVERIFY2(store, qPrintable(store ? QString() : store.error().message()));
    QCOMPARE((*store)->schemaVersion(), Schema::currentVersion());
    QSqlDatabase db = (*store)->connection();
    QSqlQuery q(db);
    QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
    QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    QVERIFY(q.exec(QStringLiteral("PRAGMA busy_timeout")) && q.next());
    QVERIFY(q.value(0).toInt() >= 5000);
    // Opening again changes nothing.
    q.finish();
    auto again = Store::open(dir.filePath(QStringLiteral("sub/dir/p.db")));
    QVERIFY(again);
    QCOMPARE((*again)->schemaVersion(), Schema::currentVersion());
}

void TstStoreSchema::olderFileIsUpgraded()
{
    SQLITE_ONLY();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    // A version 1 store with a node, a group and an audit entry.
    QStringList v1 = Schema::step(1, QStringLiteral("QSQLITE"));
    QVERIFY(!v1.isEmpty());
    v1 << QStringLiteral("INSERT INTO nodes (name, host_root, simulated) VALUES ('old-node', '/nowhere', 1)")
       << QStringLiteral("INSERT INTO resource_groups (name, description, class) VALUES ('Old GPUs', 'kept', 'GPU')")
       << QStringLiteral("INSERT INTO audit_log (at, os_user, action, subject, result) VALUES ('2020-01-01T00:00:00Z', 'u', 'group.create', 'x', 'ok')");
    QString error;
    QVERIFY2(rawStoreExec(path, v1, &error), qPrintable(error));

    auto service = DomainService::open(path, testOptions());
    QVERIFY2(service, qPrintable(service ? QString() : service.error().message()));
    QCOMPARE((*service)->store().schemaVersion(), Schema::currentVersion());
    QVERIFY(Schema::currentVersion() >= 2);
    auto g = (*service)->findGroup(QStringLiteral("Old GPUs"));
    QVERIFY(g);
    QCOMPARE(g->description, QStringLiteral("kept"));
    QCOMPARE(g->groupClass, GroupClass::Gpu);
    QVERIFY((*service)->findNode(QStringLiteral("old-node")));
    QCOMPARE((*service)->audit()->size(), 1);
    // Step 2's index exists; the version table has the one row.
    QSqlQuery q((*service)->store().connection());
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'devices_reboot_pending'")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    // Step 3's column, with its default on rows an older version wrote.
    QVERIFY(q.exec(QStringLiteral("SELECT owner_start FROM journal")));
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), MAX(version) FROM schema_version")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    QCOMPARE(q.value(1).toInt(), Schema::currentVersion());
    // The upgraded store works: a new group next to the old one.
    QVERIFY((*service)->createGroup(GroupSpec{QStringLiteral("New"), {}, GroupClass::Other}));
}

void TstStoreSchema::newerFileIsRefused()
{
    SQLITE_ONLY();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.db"));
    {
        auto store = Store::open(path);
        QVERIFY(store);
    }
    QString error;
    QVERIFY2(rawStoreExec(path, {QStringLiteral("UPDATE schema_version SET version = 99"),
                            QStringLiteral("INSERT INTO tenants (name) VALUES ('from the future')")}, &error),
             qPrintable(error));
    auto store = Store::open(path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::SchemaTooNew);
    QVERIFY(store.error().why.contains(QStringLiteral("99")));
    QVERIFY(!store.error().hint.isEmpty());
    auto service = DomainService::open(path, testOptions());
    QVERIFY(!service);
    QCOMPARE(service.error().code, ErrorCode::SchemaTooNew);
    // Untouched: still version 99 with its row.
    QVERIFY(rawStoreExec(path, {QStringLiteral("SELECT name FROM tenants")}, &error));
    const QString check = QStringLiteral("raw-check");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), check);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), 99);
    }
    QSqlDatabase::removeDatabase(check);
}

void TstStoreSchema::notAStore()
{
    SQLITE_ONLY();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("junk.db"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
    }
    auto store = Store::open(path);
    QVERIFY(!store);
    QVERIFY(!store.error().message().isEmpty());
    // A directory that cannot be created.
    auto nowhere = Store::open(QStringLiteral("/proc/passdeck-no/such.db"));
    QVERIFY(!nowhere);
    QVERIFY(nowhere.error().hint.contains(QStringLiteral("--db")));
}

void TstStoreSchema::interruptedOperationRolledBack()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Gpu});
    QVERIFY(g);
    // What a process killed between the first and the last write leaves: the journal row,
    // gpu1 already on vfio-pci, its audio function still on its host driver, no rule.
    JournalEntry e;
    e.nodeId = f.nodeA;
    e.operation = QStringLiteral("make-resource");
    e.target = QStringLiteral("vfio");
    e.groupId = g->id;
    e.originalDrivers = {{gpu1, QStringLiteral("nvidia")}, {gpu1Audio, QStringLiteral("snd_hda_intel")}};
    QVERIFY(Journal::add(f.db(), e));
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET pid = 999999999, host = ?"), {Journal::thisHost()}));
    // Another group's make-resource in between keeps working (its own journal row comes and goes).
    QVERIFY(f.service->makeResource(g->id, f.nodeA, {gpu2}));
    {
        // Half the move, as the binder's protocol writes leave it: gpu1 on vfio-pci, its audio not.
        LocalNode node(f.rootA, true);
        SysfsWriter &w = node.writer();
        const QString dev = QStringLiteral("sys/bus/pci/devices/%1/").arg(gpu1);
        QCOMPARE(w.write(dev + QStringLiteral("driver_override"), "vfio-pci"), 0);
        QCOMPARE(w.write(dev + QStringLiteral("driver/unbind"), gpu1.toLatin1()), 0);
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/drivers_probe"), gpu1.toLatin1()), 0);
    }
    QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("snd_hda_intel"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);

    QVERIFY(f.reopen().isEmpty());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));
    QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("snd_hda_intel"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE address = ?"), {gpu1}), 0);
    QCOMPARE(f.lastAudit().left(7), QStringLiteral("journal"));
    // The other group's devices were not touched.
    QCOMPARE(f.driverA(gpu2), QStringLiteral("vfio-pci"));
}

void TstStoreSchema::liveOwnerLeftAlone()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    JournalEntry e;
    e.nodeId = f.nodeA;
    e.operation = QStringLiteral("make-resource");
    e.target = QStringLiteral("vfio");
    e.originalDrivers = {{vf0, QStringLiteral("iavf")}};
    QVERIFY(Journal::add(f.db(), e)); // this process: alive
    auto recovered = f.service->recoverInterrupted();
    QVERIFY(recovered);
    QCOMPARE(*recovered, 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
}

void TstStoreSchema::reusedPidIsNotTheOwner()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QProcess sleeper;
    sleeper.start(QStringLiteral("sleep"), {QStringLiteral("30")});
    QVERIFY(sleeper.waitForStarted(600000));
    JournalEntry e;
    e.nodeId = f.nodeA;
    e.operation = QStringLiteral("make-resource");
    e.target = QStringLiteral("vfio");
    e.originalDrivers = {{vf0, QStringLiteral("iavf")}};
    QVERIFY(Journal::add(f.db(), e));
    const qint64 start = Journal::processStart(sleeper.processId());
    QVERIFY(start > 0);
    // The live process with its real start time: the owner, left alone.
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET pid = ?, owner_start = ?"), {sleeper.processId(), start}));
    QCOMPARE(*f.service->recoverInterrupted(), 0);
    // The same PID with another start time: a reused PID, the owner died. Recovered.
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET owner_start = ?"), {start + 1}));
    QCOMPARE(*f.service->recoverInterrupted(), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    sleeper.kill();
    sleeper.waitForFinished(600000);
}

QTEST_GUILESS_MAIN(TstStoreSchema)
#include "tst_store_schema.moc"
