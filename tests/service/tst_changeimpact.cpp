// ChangeImpact: the running VMs and devices a change affects, and the refusals the GUI shows
// before it asks. Read-only: every query leaves the store as it was.
#include "StoreFixture.h"

using namespace passdeck;
using namespace passdeck::test;

class TestChangeImpact : public QObject
{
    Q_OBJECT

    StoreFixture m_fx;
    qint64 m_gpus = 0;
    qint64 m_vfs = 0;
    qint64 m_running = 0;   // host VM on a, running with gpu1 and its audio function
    qint64 m_stopped = 0;   // host VM on a, never started
    qint64 m_gpuDevice = 0;

    int rows(const QString &table) const { return m_fx.count(QStringLiteral("SELECT COUNT(*) FROM ") + table); }

private Q_SLOTS:
    void initTestCase()
    {
        STORE_SETUP(m_fx, true);
        m_gpus = m_fx.groupWith(QStringLiteral("GPUs"), {gpu1, gpu2});
        m_vfs = m_fx.groupWith(QStringLiteral("VFs"), {vf0, vf1});
        QVERIFY(m_gpus && m_vfs);
        m_running = m_fx.hostVm(QStringLiteral("render-01"));
        m_stopped = m_fx.hostVm(QStringLiteral("idle-01"));
        QVERIFY(m_running && m_stopped);
        auto md = m_fx.service->attach(AttachSpec{m_running, m_gpus, 1, QStringLiteral("gpu"), {}});
        QVERIFY(md);
        m_gpuDevice = md->id;
        QVERIFY(m_fx.service->attach(AttachSpec{m_stopped, m_gpus, 1, QStringLiteral("gpu"), {}}));
        auto started = m_fx.service->restartVm(m_running);
        QVERIFY2(started, started ? "" : qPrintable(started.error().message()));
        QVERIFY(!started->allocated.isEmpty());
    }

    void maintenanceAndRebootListRunningVmsWithTheirDevices()
    {
        for (auto impact : {m_fx.service->maintenanceImpact(m_fx.nodeA), m_fx.service->rebootImpact(m_fx.nodeA)}) {
            QVERIFY(impact);
            QVERIFY(!impact->refusal);
            QCOMPARE(impact->runningVms.size(), 1);
            const AffectedVm &v = impact->runningVms.first();
            QCOMPARE(v.id, m_running);
            QCOMPARE(v.name, QStringLiteral("render-01"));
            QCOMPARE(v.nodeName, QStringLiteral("a"));
            QVERIFY2(!v.devices.isEmpty() && v.devices.first().startsWith(QStringLiteral("0000:")), qPrintable(v.devices.join(u',')));
            QCOMPARE(impact->devices.size(), v.devices.size());
            QVERIFY(ChangeImpact::describe(impact->runningVms).first().contains(QStringLiteral("render-01 on a (")));
        }
        // Node b runs nothing; an unknown node is an error, not an empty list.
        auto b = m_fx.service->maintenanceImpact(m_fx.nodeB);
        QVERIFY(b && b->runningVms.isEmpty() && b->devices.isEmpty());
        QVERIFY(!m_fx.service->maintenanceImpact(9999));
    }

    void deleteVmSaysWhetherItRuns()
    {
        auto running = m_fx.service->deleteVmImpact(m_running);
        QVERIFY(running);
        QCOMPARE(running->runningVms.size(), 1);
        QVERIFY(!running->devices.isEmpty());
        auto stopped = m_fx.service->deleteVmImpact(m_stopped);
        QVERIFY(stopped);
        QVERIFY(stopped->runningVms.isEmpty());
        QVERIFY(stopped->devices.isEmpty());
    }

    void detachNamesTheDevicesTheRunningVmHolds()
    {
        auto impact = m_fx.service->detachImpact(m_running, m_gpuDevice);
        QVERIFY(impact);
        QCOMPARE(impact->runningVms.size(), 1);
        QVERIFY(!impact->devices.isEmpty());
        QVERIFY(impact->devices.first().startsWith(QStringLiteral("a 0000:")));
        QVERIFY(!m_fx.service->detachImpact(m_stopped, m_gpuDevice));   // not that VM's
    }

    void deleteGroupRefusedWhileMachineDevicesDrawFromIt()
    {
        auto gpus = m_fx.service->deleteGroupImpact(m_gpus);
        QVERIFY(gpus);
        QVERIFY(gpus->refusal);
        QCOMPARE(gpus->refusal->code, ErrorCode::InUse);
        QVERIFY2(gpus->refusal->why.contains(QStringLiteral("2 machine device")), qPrintable(gpus->refusal->why));
        QVERIFY(!gpus->refusal->hint.isEmpty());
        // The VF group is free: allowed, and it names the devices that go back to the host.
        auto vfs = m_fx.service->deleteGroupImpact(m_vfs);
        QVERIFY(vfs);
        QVERIFY(!vfs->refusal);
        QCOMPARE(vfs->devices, (QStringList{QStringLiteral("a ") + vf0, QStringLiteral("a ") + vf1}));
    }

    void deleteGroupRefusedWhileTenantGroupsWereDrawnFromIt()
    {
        auto tenant = m_fx.service->createTenant(QStringLiteral("acme"));
        QVERIFY(tenant);
        auto tnode = m_fx.service->addTenantNode(tenant->id, QStringLiteral("acme-a"), m_fx.nodeA);
        QVERIFY(tnode);
        auto pool = m_fx.service->passToTenant(PassSpec{tnode->id, m_vfs, 1, QStringLiteral("Acme VFs"), {}});
        QVERIFY2(pool, pool ? "" : qPrintable(pool.error().message()));
        auto vfs = m_fx.service->deleteGroupImpact(m_vfs);
        QVERIFY(vfs && vfs->refusal);
        QVERIFY2(vfs->refusal->why.contains(QStringLiteral("tenant group")), qPrintable(vfs->refusal->why));
        // The same refusal the service gives when asked to delete (nothing deleted).
        QVERIFY(!m_fx.service->deleteGroup(m_vfs));

        // Deleting the tenant: allowed while it has no VMs; its reserved VF goes back.
        auto t = m_fx.service->deleteTenantImpact(tenant->id);
        QVERIFY(t);
        QVERIFY(!t->refusal);
        QCOMPARE(t->devices.size(), 1);
        QVERIFY(t->devices.first().startsWith(QStringLiteral("a 0000:18:02.")));
        // With a VM: refused before anything is asked, with the reason and what to do.
        auto tvm = m_fx.service->createVm(VmSpec{QStringLiteral("acme-01"), {}, m_fx.nodeA, tenant->id, tnode->id});
        QVERIFY(tvm);
        t = m_fx.service->deleteTenantImpact(tenant->id);
        QVERIFY(t && t->refusal);
        QVERIFY(t->refusal->why.contains(QStringLiteral("1 VM")));
        QCOMPARE(t->refusal->hint, QStringLiteral("Delete the tenant's VMs first."));
    }

    void queriesChangeNothing()
    {
        const QStringList tables = {QStringLiteral("vms"), QStringLiteral("allocations"), QStringLiteral("device_holds"),
                                    QStringLiteral("machine_devices"), QStringLiteral("resource_groups"),
                                    QStringLiteral("tenant_pool"), QStringLiteral("audit_log")};
        QList<int> before;
        for (const QString &t : tables)
            before << rows(t);
        QVERIFY(m_fx.service->maintenanceImpact(m_fx.nodeA));
        QVERIFY(m_fx.service->deleteVmImpact(m_running));
        QVERIFY(m_fx.service->deleteGroupImpact(m_gpus));
        QVERIFY(m_fx.service->detachImpact(m_running, m_gpuDevice));
        for (int i = 0; i < tables.size(); ++i)
            QCOMPARE(rows(tables.at(i)), before.at(i));
        QCOMPARE(m_fx.service->vm(m_running)->power, PowerState::On);
    }
};

QTEST_GUILESS_MAIN(TestChangeImpact)
#include "tst_changeimpact.moc"
