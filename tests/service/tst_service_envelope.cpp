// ServiceContext::write and change: one transaction begun and checked, rolled back on an error,
// committed once (with the audit entry) when the body succeeds, not again when the body committed.
#include "service/DomainServiceContext.h"
#include "store/StoreQuery.h"
#include "StoreFixture.h"

#include <QSignalSpy>

using namespace passdeck;
using namespace passdeck::test;

class TstServiceEnvelope : public QObject
{
    Q_OBJECT

    static Status insertTenant(const ServiceContext &ctx, const QString &name)
    {
        return StoreQuery::run(ctx.db(), QStringLiteral("INSERT INTO tenants (name, description) VALUES (?, '')"), {name},
                               QStringLiteral("test"));
    }

private Q_SLOTS:
    void writeCommitsRollsBackAndCommitsOnce()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        ServiceContext ctx;
        ctx.q = f.service.get();
        auto store = Store::open(f.dbPath());
        QVERIFY(store);
        ctx.store = *store;
        const QString tenants = QStringLiteral("SELECT COUNT(*) FROM tenants");

        // Success: committed by the envelope.
        Status ok = ctx.write([&](StoreTransaction &) { return insertTenant(ctx, QStringLiteral("t1")); });
        QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().message()));
        QCOMPARE(f.count(tenants), 1);

        // An error after a write: rolled back, the error returned as it is.
        Status refused = ctx.write([&](StoreTransaction &) -> Status {
            if (Status s = insertTenant(ctx, QStringLiteral("t2")); !s)
                return s;
            return ServiceContext::refusal(ErrorCode::InUse, QStringLiteral("w"), QStringLiteral("y"));
        });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InUse);
        QCOMPARE(f.count(tenants), 1);

        // The body commits itself (an intermediate commit): not committed twice, its value returned.
        bool closed = false;
        Result<int> own = ctx.write([&](StoreTransaction &tx) -> Result<int> {
            if (Status s = insertTenant(ctx, QStringLiteral("t3")); !s)
                return s.error();
            if (Status s = tx.commit(); !s)
                return s.error();
            closed = !tx.isOpen();
            return 7;
        });
        QVERIFY(own);
        QVERIFY(closed);
        QCOMPARE(*own, 7);
        QCOMPARE(f.count(tenants), 2);

        // A store failure inside the body is a failure, audited as one.
        Status broken = ctx.write([&](StoreTransaction &) { return insertTenant(ctx, QStringLiteral("t1")); }); // duplicate name
        QVERIFY(!broken);
        QCOMPARE(broken.error().code, ErrorCode::Constraint);
    }

    void changeAuditsInTheSameTransaction()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        ServiceContext ctx;
        ctx.q = f.service.get();
        ctx.user = QStringLiteral("tester");
        auto store = Store::open(f.dbPath());
        QVERIFY(store);
        ctx.store = *store;
        const int before = f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log"));
        QSignalSpy tenantsChanged(f.service.get(), &DomainService::tenantsChanged);

        bool prepared = false;
        Status s = ctx.change(QStringLiteral("test.change"), QStringLiteral("tenant 'e1'"), ServiceContext::Tenants,
                              [&] { prepared = true; return Status(); },
                              [&](StoreTransaction &) { return insertTenant(ctx, QStringLiteral("e1")); });
        QVERIFY2(s, qPrintable(s ? QString() : s.error().message()));
        QVERIFY(prepared);
        QCOMPARE(tenantsChanged.size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'test.change' AND result = 'ok'")), 1);

        // A refusal from prepare: no transaction, nothing changed, audited as refused, no signal.
        Status no = ctx.change(QStringLiteral("test.change"), QStringLiteral("tenant 'e2'"), ServiceContext::Tenants,
                               [&] { return ServiceContext::checkName(QString(), QStringLiteral("tenant")); },
                               [&](StoreTransaction &) { return insertTenant(ctx, QStringLiteral("e2")); });
        QVERIFY(!no);
        QCOMPARE(no.error().code, ErrorCode::BadName);
        QCOMPARE(tenantsChanged.size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenants WHERE name = 'e2'")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'test.change' AND result = 'refused'")), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), before + 2);
    }
};

QTEST_GUILESS_MAIN(TstServiceEnvelope)
#include "tst_service_envelope.moc"
