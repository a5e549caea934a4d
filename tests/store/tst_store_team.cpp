// The store shared by several administrators, on SQLite and (the _postgres run) PostgreSQL
// (docs/store.md, "Team store"): journal leases — recovery never touches another live
// process's operation, and takes over one whose owner is gone or whose lease ran out —, the
// audit naming the administrator, and the watcher that tells open dashboards about changes
// committed through another connection (NOTIFY, or PRAGMA data_version polled).
#include "StoreFixture.h"
#include "service/DomainServiceContext.h"
#include "service/LiveUpdates.h"
#include "store/AuditLog.h"
#include "store/Journal.h"
#include "store/StoreWatcher.h"

#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreTeam : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void leaseOfAnotherHostIsRespected();
    void expiredLeaseIsRecovered();
    void ownerGoneFromThisHostIsRecoveredDespiteItsLease();
    void leasesAreRenewed();
    void auditNamesTheAdministrator();
    void watcherSeesAnotherConnectionsChange();
    void liveUpdatesEmitTheServiceSignals();

private:
    static QString iso(const QDateTime &t) { return t.toUTC().toString(Qt::ISODateWithMs); }
    static bool addRow(StoreFixture &f)
    {
        JournalEntry e;
        e.nodeId = f.nodeA;
        e.operation = QStringLiteral("make-resource");
        e.target = QStringLiteral("vfio");
        e.originalDrivers = {{vf0, QStringLiteral("iavf")}};
        return Journal::add(f.db(), e).ok();
    }
};

void TstStoreTeam::leaseOfAnotherHostIsRespected()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QVERIFY(addRow(f));
    // Another administrator's machine runs it; its process cannot be looked at, its lease is current.
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET host = ?, pid = ?, lease_until = ?"),
                  {QStringLiteral("elsewhere.example"), 4242, iso(QDateTime::currentDateTimeUtc().addSecs(3600))}));
    auto recovered = f.service->recoverInterrupted();
    QVERIFY(recovered);
    QCOMPARE(*recovered, 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
    auto pending = Journal::pending(f.db());
    QVERIFY(pending);
    Status held = Journal::mayRecover(pending->first(), QStringLiteral("a"));
    QVERIFY(!held);
    QCOMPARE(held.error().code, ErrorCode::LeaseHeld);
    QVERIFY2(held.error().why.contains(QStringLiteral("elsewhere.example")), qPrintable(held.error().why));
    // Every open says whose operation it left alone.
    QCOMPARE(f.reopen(), QString());
    const QStringList warnings = f.service->openWarnings();
    QVERIFY2(warnings.join(u'\n').contains(QStringLiteral("process 4242 on host elsewhere.example")), qPrintable(warnings.join(u'\n')));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'journal.recover'")), 0);
}

void TstStoreTeam::expiredLeaseIsRecovered()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QVERIFY(addRow(f));
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET host = ?, pid = ?, lease_until = ?"),
                  {QStringLiteral("elsewhere.example"), 4242, iso(QDateTime::currentDateTimeUtc().addSecs(-1))}));
    auto recovered = f.service->recoverInterrupted();
    QVERIFY(recovered);
    QCOMPARE(*recovered, 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'journal.recover' AND result = 'ok'")), 1);
}

void TstStoreTeam::ownerGoneFromThisHostIsRecoveredDespiteItsLease()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QVERIFY(addRow(f));
    QProcess gone;
    gone.start(QStringLiteral("true"), {});
    QVERIFY(gone.waitForStarted(600000));
    const qint64 pid = gone.processId();
    QVERIFY(gone.waitForFinished(600000));
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET pid = ?, owner_start = 1, lease_until = ?"),
                  {pid, iso(QDateTime::currentDateTimeUtc().addSecs(3600))}));
    QCOMPARE(*f.service->recoverInterrupted(), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
}

void TstStoreTeam::leasesAreRenewed()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QVERIFY(addRow(f));
    const QDateTime written = QDateTime::fromString(f.scalar(QStringLiteral("SELECT lease_until FROM journal")).toString(), Qt::ISODateWithMs);
    QVERIFY(written > QDateTime::currentDateTimeUtc());
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET lease_until = ?"), {iso(QDateTime::currentDateTimeUtc().addSecs(-60))}));
    QVERIFY(Journal::renewLeases(f.db()));
    const QDateTime renewed = QDateTime::fromString(f.scalar(QStringLiteral("SELECT lease_until FROM journal")).toString(), Qt::ISODateWithMs);
    QVERIFY2(renewed > QDateTime::currentDateTimeUtc().addSecs(Journal::leaseSeconds / 2), qPrintable(renewed.toString()));
    // Only this process's rows: another host's lease is its own to renew.
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET host = 'elsewhere.example', lease_until = 'x'")));
    QVERIFY(Journal::renewLeases(f.db()));
    QCOMPARE(f.scalar(QStringLiteral("SELECT lease_until FROM journal")).toString(), QStringLiteral("x"));
}

void TstStoreTeam::auditNamesTheAdministrator()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    f.service.reset();
    ServiceOptions options = testOptions();
    options.user.clear(); // who runs it, as the programs do
    auto service = DomainService::open(f.dbPath(), options);
    QVERIFY(service);
    QVERIFY((*service)->createGroup(GroupSpec{QStringLiteral("Audited"), {}, GroupClass::Other}));
    auto entries = (*service)->audit(1);
    QVERIFY(entries);
    QCOMPARE(entries->size(), 1);
    const QString who = entries->first().user;
    const QString host = QSysInfo::machineHostName();
    QVERIFY2(who.contains(AuditLog::osUser().section(u' ', 0, 0) + u'@' + host), qPrintable(who));
    if (f.postgres()) // the database role first: the server vouches for it
        QVERIFY2(who.startsWith(PgTestServer::user() + QStringLiteral(" (")), qPrintable(who));
    else
        QCOMPARE(who, AuditLog::administrator((*service)->store().connection()));
}

void TstStoreTeam::watcherSeesAnotherConnectionsChange()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    // A second Store: other connections, as a second Passdeck on another machine has.
    auto other = Store::open(f.dbPath());
    QVERIFY(other);
    StoreWatcher watcher(**other);
    QVERIFY2(watcher.start(), qPrintable(watcher.error()));
    QVERIFY(watcher.isListening());
    QSignalSpy spy(&watcher, &StoreWatcher::changed);
    QVERIFY(f.service->createGroup(GroupSpec{QStringLiteral("Seen"), {}, GroupClass::Other}));
    // A wait, not a time limit (the latency is measured by bench_store_team).
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 10000);
    const QStringList tables = spy.last().at(0).toStringList();
    if (f.postgres()) {
        QVERIFY2(tables.contains(QStringLiteral("resource_groups")), qPrintable(tables.join(u',')));
        QVERIFY(tables.contains(QStringLiteral("audit_log")));
    } else {
        QVERIFY(tables.isEmpty()); // SQLite cannot say which: everything is reloaded
    }
    // A rolled-back change is never announced.
    QTest::qWait(StoreWatcher::pollMs * 3);
    spy.clear();
    {
        QSqlDatabase db = f.db();
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("BEGIN")));
        QSqlQuery(db).exec(QStringLiteral("INSERT INTO tenants (name) VALUES ('never')"));
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("ROLLBACK")));
    }
    QTest::qWait(StoreWatcher::pollMs * 3);
    QCOMPARE(spy.count(), 0);
}

void TstStoreTeam::liveUpdatesEmitTheServiceSignals()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto second = DomainService::open(f.dbPath(), testOptions());
    QVERIFY(second);
    LiveUpdates live(**second);
    QVERIFY2(live.start(), qPrintable(live.error()));
    QSignalSpy groups(second->get(), &DomainService::groupsChanged);
    QSignalSpy changed(second->get(), &DomainService::changed);
    QVERIFY(f.service->createGroup(GroupSpec{QStringLiteral("Live"), {}, GroupClass::Other}));
    QTRY_VERIFY_WITH_TIMEOUT(groups.count() >= 1 && changed.count() >= 1, 10000);
    auto listed = (*second)->groups();
    QVERIFY(listed);
    QCOMPARE(listed->size(), 1);
    // The mapping from tables to the signals views reload on.
    bool audit = false;
    QCOMPARE(LiveUpdates::changesOf({QStringLiteral("allocations")}, &audit), int(ServiceContext::Vms | ServiceContext::Groups));
    QVERIFY(!audit);
    QCOMPARE(LiveUpdates::changesOf({QStringLiteral("audit_log")}, &audit), 0);
    QVERIFY(audit);
}

QTEST_GUILESS_MAIN(TstStoreTeam)
#include "tst_store_team.moc"
