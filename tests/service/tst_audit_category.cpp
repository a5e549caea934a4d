// The audit log tells a failure (something broke while doing it) from a refusal (the rules or the
// input said no), by the error code's category: a persistence failure is not a refusal.
#include "StoreFixture.h"

#include <QFile>

using namespace passdeck;
using namespace passdeck::test;

class TstAuditCategory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aPersistenceFailureIsAuditedAsFailed()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        auto g = f.service->createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu});
        QVERIFY2(g, qPrintable(g ? QString() : g.error().message()));
        // The persistent configuration cannot be written: its directory is a file.
        const QString rulesDir = f.rootA + QStringLiteral("/etc/udev/rules.d");
        QVERIFY(!QFileInfo::exists(rulesDir) || QDir(rulesDir).removeRecursively());
        QVERIFY(QDir().mkpath(f.rootA + QStringLiteral("/etc/udev")));
        QFile blocker(rulesDir);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();

        auto r = f.service->makeResource(g->id, f.nodeA, {gpu1});
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::PersistFailed);
        QCOMPARE(r.error().errnum, 0); // the category decides, not an errno
        auto entries = f.service->audit(1);
        QVERIFY(entries);
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first().result, AuditResult::Failed);
        QVERIFY2(entries->first().detail.contains(QLatin1String(".passdeck-vfio.lock")), qPrintable(entries->first().detail));
        // Nothing changed: the device went back to its driver.
        QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));
    }

    void aRefusalIsAuditedAsRefused()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        auto g = f.service->createGroup(GroupSpec{QStringLiteral(" "), {}, GroupClass::Gpu});
        QVERIFY(!g);
        QCOMPARE(g.error().code, ErrorCode::BadName);
        auto entries = f.service->audit(1);
        QVERIFY(entries);
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first().result, AuditResult::Refused);
    }
};

QTEST_GUILESS_MAIN(TstAuditCategory)
#include "tst_audit_category.moc"
