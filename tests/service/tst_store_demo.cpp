// The demo environment: a fresh demo has content made through the service on the simulated
// nodes; opening again is idempotent and keeps the administrator's changes; reset starts over.
#include "demo/DemoEnvironment.h"
#include "StoreFixture.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreDemo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshDemoHasContent();
    void reopenIsIdempotent();
    void resetStartsOver();
    void nodesOnly();

private:
    static void checkSeeded(DomainService &s, const QString &dir);
    QTemporaryDir m_dir;
};

void TstStoreDemo::checkSeeded(DomainService &s, const QString &dir)
{
    QCOMPARE(s.nodes()->size(), 2);
    auto groups = s.groups(GroupOwner::Host);
    QVERIFY(groups);
    QCOMPARE(groups->size(), 3);
    auto gpus = s.findGroup(QStringLiteral("GPUs"));
    QVERIFY(gpus);
    QCOMPARE(gpus->groupClass, GroupClass::Gpu);
    // Passthrough units: two GPUs with their audio on node-a; the A100, a GPU with its audio on node-b.
    QCOMPARE(gpus->total, 4);
    QCOMPARE(gpus->functions, 7);
    QCOMPARE(gpus->inUse, 1);   // render-01's Count 1: one GPU with its audio function
    auto nvme = s.findGroup(QStringLiteral("NVMe"));
    QCOMPARE(nvme->total, 2);
    auto vfs = s.findGroup(QStringLiteral("NIC VFs"));
    QCOMPARE(vfs->total, 8);
    QCOMPARE(vfs->tenantReserved, 2);

    auto render = s.findVm(QStringLiteral("render-01"));
    QVERIFY(render);
    QCOMPARE(render->power, PowerState::On);
    QVERIFY(!render->restartNeeded);
    QCOMPARE(render->allocatedDeviceCount, 2);
    auto db = s.findVm(QStringLiteral("db-01"));
    QVERIFY(db);
    QVERIFY(db->restartNeeded);
    QVERIFY(s.findVm(QStringLiteral("web-01")));

    auto acme = s.findTenant(QStringLiteral("Acme Corp"));
    QVERIFY(acme);
    QCOMPARE(acme->reservedDevices, 2);
    QCOMPARE(acme->nodeCount, 1);
    auto pool = s.findGroup(QStringLiteral("Acme VFs"), acme->id);
    QVERIFY(pool);
    QCOMPARE(pool->inUse, 1);
    auto tvm = s.findVm(QStringLiteral("acme-app-01"));
    QVERIFY(tvm);
    QCOMPARE(tvm->owner, GroupOwner::Tenant);
    QCOMPARE(tvm->allocatedDeviceCount, 1);

    // The simulated sysfs agrees.
    const QString a = dir + QStringLiteral("/nodes/node-a");
    const QString b = dir + QStringLiteral("/nodes/node-b");
    QCOMPARE(driverOf(a, gpu1), QStringLiteral("vfio-pci"));
    QCOMPARE(driverOf(a, gpu1Audio), QStringLiteral("vfio-pci"));
    QCOMPARE(driverOf(a, QStringLiteral("0000:3b:00.0")), QStringLiteral("vfio-pci"));
    QCOMPARE(driverOf(a, QStringLiteral("0000:03:00.0")), QStringLiteral("nvme")); // the boot disk stays
    QCOMPARE(driverOf(b, QStringLiteral("0000:af:00.0")), QStringLiteral("vfio-pci"));
    QCOMPARE(driverOf(b, QStringLiteral("0000:5e:00.2")), QStringLiteral("vfio-pci"));
    QCOMPARE(driverOf(b, QStringLiteral("0000:5e:00.6")), QStringLiteral("mlx5_core"));
    // Every seed step was audited as a success.
    auto audit = s.audit(500);
    QVERIFY(audit);
    for (const AuditEntry &e : *audit)
        QVERIFY2(e.result == AuditResult::Ok, qPrintable(e.action + u' ' + e.detail));
}

void TstStoreDemo::freshDemoHasContent()
{
    auto s = DemoEnvironment::open(m_dir.path(), false, testOptions(), DemoContent::Seeded);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message()));
    checkSeeded(**s, m_dir.path());
}

void TstStoreDemo::reopenIsIdempotent()
{
    int auditBefore = 0;
    {
        auto s = DemoEnvironment::open(m_dir.path(), false, testOptions(), DemoContent::Seeded);
        QVERIFY(s);
        checkSeeded(**s, m_dir.path());
        auditBefore = int((*s)->audit(1000)->size());
        // The administrator deletes a VM: a later open must not bring it back.
        QVERIFY((*s)->deleteVm((*s)->findVm(QStringLiteral("web-01"))->id));
    }
    auto s = DemoEnvironment::open(m_dir.path(), false, testOptions(), DemoContent::Seeded);
    QVERIFY(s);
    QVERIFY(!(*s)->findVm(QStringLiteral("web-01")));
    QCOMPARE(int((*s)->audit(1000)->size()), auditBefore + 1);
    QCOMPARE((*s)->groups(GroupOwner::Host)->size(), 3);
}

void TstStoreDemo::resetStartsOver()
{
    auto s = DemoEnvironment::open(m_dir.path(), true, testOptions(), DemoContent::Seeded);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message()));
    checkSeeded(**s, m_dir.path());
    QCOMPARE((*s)->vms()->size(), 4);
}

void TstStoreDemo::nodesOnly()
{
    // What the GUI tests build their own scenarios on: the two nodes and nothing else.
    QTemporaryDir dir;
    auto s = DemoEnvironment::open(dir.path(), false, testOptions());
    QVERIFY(s);
    QCOMPARE((*s)->nodes()->size(), 2);
    QVERIFY((*s)->allGroups()->isEmpty());
    QVERIFY((*s)->vms()->isEmpty());
    QCOMPARE(driverOf(dir.path() + QStringLiteral("/nodes/node-a"), gpu1), QStringLiteral("nvidia"));
}

QTEST_GUILESS_MAIN(TstStoreDemo)
#include "tst_store_demo.moc"
