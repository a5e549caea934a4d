// The team store on PostgreSQL (docs/store.md, "Team store"): a flow whose transaction collides
// with another writer mid-way is run again whole (and never repeats a node effect), a backend
// terminated mid-transaction fails the operation with "store-lost" and the next one reconnects,
// a database that does not exist yet is created (or refused with what to do), and a passdeck-cli
// killed mid-apply is recovered by another process. Runs against PgTestServer.h's throwaway server.
#include "CliRunner.h"
#include "StoreFixture.h"
#include "service/DomainServiceContext.h"
#include "store/Journal.h"
#include "store/PostgresDialect.h"
#include "store/Schema.h"
#include "store/StoreTransaction.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <csignal>

using namespace passdeck;
using namespace passdeck::test;

namespace {

// A connection of the test's own, outside every Store: "another administrator" who writes
// without Passdeck's write lock (psql), and the one that terminates backends.
class OtherConnection
{
public:
    explicit OtherConnection(const QString &uri)
    {
        auto address = PostgresDialect::parse(uri);
        m_name = QStringLiteral("other-%1").arg(++s_counter);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        if (address) {
            db.setHostName(address->host);
            db.setPort(address->port);
            db.setUserName(address->user);
            db.setDatabaseName(address->database);
            db.open();
        }
    }
    ~OtherConnection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    bool exec(const QString &sql, const QVariantList &values = {}) const
    {
        QSqlQuery q(db());
        bool ok = false;
        if (values.isEmpty()) { // DDL too: PostgreSQL prepares only queries and row changes
            ok = q.exec(sql);
        } else {
            q.prepare(sql);
            for (const QVariant &v : values)
                q.addBindValue(v);
            ok = q.exec();
        }
        if (!ok)
            qWarning("other connection: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return ok;
    }
    QVariant scalar(const QString &sql, const QVariantList &values = {}) const
    {
        QSqlQuery q(db());
        q.prepare(sql);
        for (const QVariant &v : values)
            q.addBindValue(v);
        return q.exec() && q.next() ? q.value(0) : QVariant();
    }
    // Ends backend `pid` and waits until the server has let it go.
    bool terminate(qint64 pid) const
    {
        if (!exec(QStringLiteral("SELECT pg_terminate_backend(?)"), {pid}))
            return false;
        const QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired()) {
            if (scalar(QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?"), {pid}).toInt() == 0)
                return true;
            QThread::msleep(10);
        }
        return false;
    }

private:
    static inline int s_counter = 0;
    QString m_name;
};

qint64 backendPid(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("SELECT pg_backend_pid()")) && q.next() ? q.value(0).toLongLong() : 0;
}

// Clears the test hook whatever happens in the test function.
struct HookGuard
{
    ~HookGuard() { Store::setAfterBeginHook({}); }
};

} // namespace

class TstStoreTeamPg : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void conflictMidFlowRunsTheFlowAgain();
    void conflictEveryTimeIsReported();
    void nodeEffectIsNeverRepeated();
    void recordConflictAfterApplyIsRetried();
    void terminatedBackendMidTransaction();
    void terminatedWhileIdleReconnects();
    void missingDatabaseIsCreated();
    void missingDatabaseWithoutRightsIsExplained();
    void killedMidApplyRecoveredByAnotherProcess();
};

void TstStoreTeamPg::initTestCase()
{
    QVERIFY2(PgTestServer::instance().error().isEmpty(), qPrintable(PgTestServer::instance().error()));
}

// After the flow's transaction took its snapshot, another writer changes the row the flow is
// about to change: PostgreSQL refuses the flow's UPDATE with 40001. `times` flows are hit.
static void collideOnGroup(StoreFixture &f, OtherConnection &other, qint64 groupId, int times, int *hits)
{
    Store::setAfterBeginHook([&f, &other, groupId, times, hits](const Store &store) {
        if (&store != &f.service->store() || *hits >= times)
            return;
        ++*hits;
        QSqlQuery snapshot(store.connection());
        snapshot.exec(QStringLiteral("SELECT COUNT(*) FROM resource_groups"));
        other.exec(QStringLiteral("UPDATE resource_groups SET description = ? WHERE id = ?"),
                   {QStringLiteral("other %1").arg(*hits), groupId});
    });
}

void TstStoreTeamPg::conflictMidFlowRunsTheFlowAgain()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    HookGuard guard;
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other});
    QVERIFY(g);
    OtherConnection other(f.dbPath());
    int hits = 0;
    collideOnGroup(f, other, g->id, 1, &hits);
    auto edited = f.service->editGroup(g->id, GroupSpec{QStringLiteral("G"), QStringLiteral("mine"), GroupClass::Other});
    QVERIFY2(edited, edited ? "" : qPrintable(edited.error().message()));
    QCOMPARE(hits, 1);
    // The second run read the other writer's change and wrote over it, once, with one audit entry.
    QCOMPARE(f.scalar(QStringLiteral("SELECT description FROM resource_groups WHERE id = ?"), {g->id}).toString(), QStringLiteral("mine"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'group.edit'")), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'group.edit' AND result = 'ok'")), 1);
}

void TstStoreTeamPg::conflictEveryTimeIsReported()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    HookGuard guard;
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other});
    QVERIFY(g);
    OtherConnection other(f.dbPath());
    int hits = 0;
    collideOnGroup(f, other, g->id, 1000, &hits);
    auto edited = f.service->editGroup(g->id, GroupSpec{QStringLiteral("G"), QStringLiteral("mine"), GroupClass::Other});
    QVERIFY(!edited);
    QCOMPARE(edited.error().code, ErrorCode::StoreConflict);
    QVERIFY2(edited.error().why.contains(QStringLiteral("tried %1 times").arg(Store::maxConflictAttempts)), qPrintable(edited.error().why));
    QCOMPARE(hits, Store::maxConflictAttempts);
    Store::setAfterBeginHook({});
    // Nothing of the flow landed: the other writer's last change is what the row says.
    QCOMPARE(f.scalar(QStringLiteral("SELECT description FROM resource_groups WHERE id = ?"), {g->id}).toString(),
             QStringLiteral("other %1").arg(hits));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'group.edit' AND result = 'ok'")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'group.edit' AND result = 'failed'")), 1);
}

void TstStoreTeamPg::nodeEffectIsNeverRepeated()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    HookGuard guard;
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other});
    QVERIFY(g);
    OtherConnection other(f.dbPath());
    ServiceContext ctx;
    ctx.q = f.service.get();
    ctx.store = std::shared_ptr<Store>(&f.service->store(), [](Store *) {});
    auto body = [&](bool touchNode, int *runs) {
        return [&ctx, &g, touchNode, runs](StoreTransaction &) -> Status {
            ++*runs;
            if (touchNode)
                ServiceContext::noteNodeEffect(); // what TrackedNode does for apply, restore, reboot
            return StoreQuery::run(ctx.db(), QStringLiteral("UPDATE resource_groups SET description = 'body' WHERE id = ?"), {g->id},
                                   QStringLiteral("test body"));
        };
    };
    // Store only: run again after the conflict, and it lands.
    int hits = 0;
    int runs = 0;
    collideOnGroup(f, other, g->id, 1, &hits);
    QVERIFY(ctx.write(body(false, &runs)));
    QCOMPARE(runs, 2);
    // A body that touched a node is not run again: the conflict is reported, saying why.
    hits = 0;
    runs = 0;
    collideOnGroup(f, other, g->id, 1, &hits);
    Status s = ctx.write(body(true, &runs));
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::StoreConflict);
    QCOMPARE(runs, 1);
    QVERIFY2(s.error().why.contains(QStringLiteral("never repeated")), qPrintable(s.error().why));
}

void TstStoreTeamPg::recordConflictAfterApplyIsRetried()
{
    // make-resource: claim (journal row), apply (sysfs), record. The record transaction collides;
    // it is run again (the apply, done before it began, is not), the devices move once.
    StoreFixture f;
    STORE_SETUP(f, false);
    HookGuard guard;
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("VFs"), {}, GroupClass::Other});
    QVERIFY(g);
    OtherConnection other(f.dbPath());
    int hits = 0;
    Store::setAfterBeginHook([&](const Store &store) {
        if (&store != &f.service->store())
            return;
        // Only once the journal row is there: the record step.
        QSqlQuery q(store.connection());
        if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM journal")) || !q.next() || q.value(0).toInt() == 0 || hits > 0)
            return;
        ++hits;
        other.exec(QStringLiteral("UPDATE journal SET lease_until = lease_until"));
    });
    auto made = f.service->makeResource(g->id, f.nodeA, {vf0});
    QVERIFY2(made, made ? "" : qPrintable(made.error().message()));
    QCOMPARE(hits, 1);
    QCOMPARE(f.driverA(vf0), QStringLiteral("vfio-pci"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'resource.make' AND result = 'ok'")), 1);
}

void TstStoreTeamPg::terminatedBackendMidTransaction()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    HookGuard guard;
    OtherConnection other(f.dbPath());
    bool fired = false;
    bool terminated = false;
    Store::setAfterBeginHook([&](const Store &store) {
        if (&store != &f.service->store() || fired)
            return;
        fired = true;
        terminated = other.terminate(backendPid(store.connection()));
    });
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("Lost"), {}, GroupClass::Other});
    QVERIFY(fired);
    QVERIFY(terminated);
    QVERIFY(!g);
    QCOMPARE(g.error().code, ErrorCode::StoreLost);
    QVERIFY2(g.error().why.contains(QStringLiteral("connection to the state store was lost")), qPrintable(g.error().message()));
    QVERIFY(!g.error().hint.isEmpty());
    // Nothing half-written.
    QCOMPARE(other.scalar(QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE name = 'Lost'")).toInt(), 0);
    QCOMPARE(other.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'group.create' AND result = 'ok'")).toInt(), 0);
    // The next operation reconnects; the failure was audited once the connection was back.
    auto again = f.service->createGroup(GroupSpec{QStringLiteral("Lost"), {}, GroupClass::Other});
    QVERIFY2(again, again ? "" : qPrintable(again.error().message()));
    QCOMPARE(other.scalar(QStringLiteral("SELECT COUNT(*) FROM resource_groups WHERE name = 'Lost'")).toInt(), 1);
    QCOMPARE(other.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'group.create' AND result = 'failed'")).toInt(), 1);
}

void TstStoreTeamPg::terminatedWhileIdleReconnects()
{
    // A server restart between two operations: the first statement finds the connection dead,
    // nothing had begun, and the operation goes through on a new connection.
    StoreFixture f;
    STORE_SETUP(f, false);
    OtherConnection other(f.dbPath());
    QVERIFY(other.terminate(backendPid(f.db())));
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("After"), {}, GroupClass::Other});
    QVERIFY2(g, g ? "" : qPrintable(g.error().message()));
    auto groups = f.service->groups();
    QVERIFY(groups);
    QCOMPARE(groups->size(), 1);
}

void TstStoreTeamPg::missingDatabaseIsCreated()
{
    const QString uri = PgTestServer::instance().uri(QStringLiteral("not_there_yet"));
    auto store = Store::open(uri);
    QVERIFY2(store, store ? "" : qPrintable(store.error().message()));
    QCOMPARE((*store)->schemaVersion(), Schema::currentVersion());
    store->reset();
    // A second open finds it.
    auto again = Store::open(uri);
    QVERIFY(again);
}

void TstStoreTeamPg::missingDatabaseWithoutRightsIsExplained()
{
    OtherConnection admin(PgTestServer::instance().uri(QStringLiteral("postgres")));
    QVERIFY(admin.exec(QStringLiteral("CREATE ROLE nocreate LOGIN NOCREATEDB")));
    QString uri = PgTestServer::instance().uri(QStringLiteral("for_nocreate"));
    uri.replace(PgTestServer::user() + QLatin1Char('@'), QStringLiteral("nocreate@"));
    auto store = Store::open(uri);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::StoreOpen);
    QVERIFY2(store.error().why.contains(QStringLiteral("may not create it")), qPrintable(store.error().message()));
    QVERIFY2(store.error().hint.contains(QStringLiteral("createdb -O nocreate for_nocreate")), qPrintable(store.error().hint));
}

void TstStoreTeamPg::killedMidApplyRecoveredByAnotherProcess()
{
    QVERIFY(!cliPath().isEmpty());
    QTemporaryDir dir;
    QString why;
    const QString uri = PgTestServer::instance().createDatabase(&why);
    QVERIFY2(!uri.isEmpty(), qPrintable(why));
    const QString root = dir.filePath(QStringLiteral("a"));
    QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
    const QStringList base{QStringLiteral("--db"), uri, QStringLiteral("--pci-ids"), pinnedPciIds()};
    auto cli = [&](const QStringList &args) { return runCli(base + args); };
    QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), root,
                  QStringLiteral("--simulate")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("GPUs")}).exitCode, 0);
    QCOMPARE(runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("--delay"),
                     QStringLiteral("150")}).exitCode, 0);
    auto driver = [&](const QString &address) {
        return QFileInfo(QFileInfo(root + QStringLiteral("/sys/bus/pci/devices/%1/driver").arg(address)).symLinkTarget()).fileName();
    };
    OtherConnection peek(uri);
    QProcess p;
    p.start(cliPath(), base + QStringList{QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                                          QStringLiteral("--node"), QStringLiteral("a"), gpu1});
    QVERIFY(p.waitForStarted(600000));
    // Killed once the GPU moved and its audio function has not: half applied.
    const QDeadlineTimer deadline(600000);
    while (!(driver(gpu1) == QLatin1String("vfio-pci") && driver(gpu1Audio) != QLatin1String("vfio-pci"))
           && p.state() == QProcess::Running && !deadline.hasExpired())
        QThread::msleep(5);
    QVERIFY2(p.state() == QProcess::Running, "make-resource finished before the kill point; raise the delay");
    ::kill(pid_t(p.processId()), SIGKILL);
    QVERIFY(p.waitForFinished(600000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM journal")).toInt(), 1);
    QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM resource_rules")).toInt(), 0);
    // Its lease is current, but its owner is gone from this host: another process recovers it.
    QCOMPARE(runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("--clear")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("--json"), QStringLiteral("nodes")}).exitCode, 0);
    QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM journal")).toInt(), 0);
    QCOMPARE(driver(gpu1), QStringLiteral("nvidia"));
    QCOMPARE(driver(gpu1Audio), QStringLiteral("snd_hda_intel"));
    QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM resource_rules")).toInt(), 0);
    QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'journal.recover' AND result = 'ok'")).toInt(), 1);
}

QTEST_GUILESS_MAIN(TstStoreTeamPg)
#include "tst_store_team_pg.moc"
