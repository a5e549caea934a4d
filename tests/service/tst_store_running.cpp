// Running work is protected: a running VM keeps a detached machine device until it stops (or is
// stopped first on request), no VM starts on a node in maintenance, and the service tells what an
// action would affect (running VMs and their devices) and whether a delete would be refused,
// before anything is done.
#include "service/ChangeImpact.h"
#include "StoreFixture.h"

using namespace passdeck;
using namespace passdeck::test;

class TstStoreRunning : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void detachFromRunningVmWaitsForItsStop();
    void detachWithStopVmFirst();
    void detachFromStoppedVmIsImmediate();
    void rebootRemovesPendingDevices();
    void maintenanceRefusesStart();
    void impactOfNodeActions();
    void impactOfDeletes();
    void canDeleteBeforeAsking();

private:
    struct Running
    {
        qint64 group = 0;
        qint64 vm = 0;
        qint64 device = 0;   // the machine device
    };
    static Running runningVm(StoreFixture &f, const QString &name = QStringLiteral("render-01"))
    {
        Running r;
        r.group = f.scalar(QStringLiteral("SELECT id FROM resource_groups WHERE name = 'GPUs'")).toLongLong();
        if (!r.group)
            r.group = f.groupWith(QStringLiteral("GPUs"), {gpu1, gpu2});
        r.vm = f.hostVm(name);
        auto m = f.service->attach(AttachSpec{r.vm, r.group, 1, QStringLiteral("gpu"), {}});
        r.device = m ? m->id : 0;
        if (!f.service->restartVm(r.vm))
            r.vm = 0;
        return r;
    }
};

void TstStoreRunning::detachFromRunningVmWaitsForItsStop()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    QVERIFY(r.vm && r.device);
    QVERIFY(f.service->detach(r.vm, r.device)); // default: keep until it stops
    auto mds = f.service->machineDevices(r.vm);
    QCOMPARE(mds->size(), 1);
    QVERIFY(mds->first().removalPending);
    QCOMPARE(mds->first().allocated.size(), 2);       // still running with GPU + audio
    QCOMPARE(f.service->vm(r.vm)->power, PowerState::On);
    QVERIFY(f.service->vm(r.vm)->restartNeeded);
    // Nobody else gets them meanwhile.
    const Running other = runningVm(f, QStringLiteral("other"));
    QVERIFY(other.vm);
    QCOMPARE(f.service->machineDevices(other.vm)->first().allocated.first().address, gpu2);
    // A new attach does not count the leaving device against the VM.
    QCOMPARE(f.service->availabilityForVm(r.vm, r.group)->claimed, 0);
    // The restart makes it take effect.
    auto restarted = f.service->restartVm(r.vm);
    QVERIFY(restarted);
    QVERIFY(f.service->machineDevices(r.vm)->isEmpty());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds h JOIN devices d ON d.id = h.device_id WHERE d.address = ?"), {gpu1}), 0);
    QVERIFY(!f.service->vm(r.vm)->restartNeeded);
}

void TstStoreRunning::detachWithStopVmFirst()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    QVERIFY(r.vm);
    QVERIFY(f.service->detach(r.vm, r.device, RunningVmPolicy::StopVmFirst));
    QCOMPARE(f.service->vm(r.vm)->power, PowerState::Off);
    QVERIFY(f.service->machineDevices(r.vm)->isEmpty());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QCOMPARE(f.lastAudit(), QStringLiteral("vm.detach-stop"));
}

void TstStoreRunning::detachFromStoppedVmIsImmediate()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    QVERIFY(f.service->powerOff(r.vm));
    QVERIFY(f.service->detach(r.vm, r.device));
    QVERIFY(f.service->machineDevices(r.vm)->isEmpty());
    // A running VM whose machine device has nothing allocated yet (attached after its start)
    // loses it at once too: it holds nothing.
    const Running s = runningVm(f, QStringLiteral("s"));
    auto late = f.service->attach(AttachSpec{s.vm, s.group, 1, QStringLiteral("late"), {}});
    QVERIFY(late);
    QVERIFY(f.service->detach(s.vm, late->id));
    QCOMPARE(f.service->machineDevices(s.vm)->size(), 1);
}

void TstStoreRunning::rebootRemovesPendingDevices()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    QVERIFY(f.service->detach(r.vm, r.device));
    QVERIFY(f.service->rebootNode(f.nodeA));
    QVERIFY(f.service->machineDevices(r.vm)->isEmpty());
    QCOMPARE(f.service->vm(r.vm)->power, PowerState::Off);
}

void TstStoreRunning::maintenanceRefusesStart()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    QVERIFY(r.vm);
    QVERIFY(f.service->canStartVm(r.vm));
    QVERIFY(f.service->setMaintenance(f.nodeA, true));
    const Status can = f.service->canStartVm(r.vm);
    QVERIFY(!can);
    QCOMPARE(can.error().code, ErrorCode::NodeMaintenance);
    QVERIFY(can.error().why.contains(QStringLiteral("node 'a' is in maintenance mode")));
    QVERIFY(can.error().hint.contains(QStringLiteral("Turn maintenance mode off")));
    auto restart = f.service->restartVm(r.vm);
    QVERIFY(!restart);
    QCOMPARE(restart.error().code, ErrorCode::NodeMaintenance);
    QString result;
    QCOMPARE(f.lastAudit(&result), QStringLiteral("vm.restart"));
    QCOMPARE(result, QStringLiteral("refused"));
    // The running VM keeps running with its devices (maintenance stops nothing by itself).
    QCOMPARE(f.service->vm(r.vm)->power, PowerState::On);
    QCOMPARE(f.service->vm(r.vm)->allocatedDeviceCount, 2);
    QVERIFY(f.service->powerOff(r.vm));
    QCOMPARE(f.service->powerOn(r.vm).error().code, ErrorCode::NodeMaintenance);
    QVERIFY(f.service->setMaintenance(f.nodeA, false));
    QVERIFY(f.service->powerOn(r.vm));
}

void TstStoreRunning::impactOfNodeActions()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    QVERIFY(f.service->maintenanceImpact(f.nodeA)->runningVms.isEmpty());
    const Running r = runningVm(f);
    QVERIFY(r.vm);
    f.hostVm(QStringLiteral("stopped"));
    auto m = f.service->maintenanceImpact(f.nodeA);
    QVERIFY(m);
    QCOMPARE(m->runningVms.size(), 1);
    QCOMPARE(m->runningVms.first().name, QStringLiteral("render-01"));
    QCOMPARE(m->runningVms.first().devices, (QStringList{gpu1, gpu1Audio}));
    QCOMPARE(ChangeImpact::describe(m->runningVms), (QStringList{QStringLiteral("render-01 on a (0000:17:00.0, 0000:17:00.1)")}));
    auto rb = f.service->rebootImpact(f.nodeA);
    QCOMPARE(rb->runningVms.size(), 1);
    QVERIFY(f.service->rebootImpact(f.nodeB)->runningVms.isEmpty());
    // Asking changes nothing.
    QCOMPARE(f.service->vm(r.vm)->power, PowerState::On);
}

void TstStoreRunning::impactOfDeletes()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    auto vmImpact = f.service->deleteVmImpact(r.vm);
    QCOMPARE(vmImpact->runningVms.size(), 1);
    // A group its VM draws from is refused before anything is asked (machine devices draw from it).
    QVERIFY(f.service->deleteGroupImpact(r.group)->refusal);
    QVERIFY(f.service->powerOff(r.vm));
    QVERIFY(f.service->deleteVmImpact(r.vm)->runningVms.isEmpty());
    QVERIFY(f.service->deleteGroupImpact(r.group)->runningVms.isEmpty());

    auto t = f.service->createTenant(QStringLiteral("acme"));
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("acme-a"), f.nodeA);
    auto pool = f.service->passToTenant(PassSpec{tn->id, r.group, 1, {}, {}});
    QVERIFY(pool);
    auto tvm = f.service->createVm(VmSpec{QStringLiteral("app"), {}, 0, t->id, tn->id});
    QVERIFY(f.service->attach(AttachSpec{tvm->id, pool->id, 1, {}, {}}));
    QVERIFY(f.service->restartVm(tvm->id));
    auto ti = f.service->deleteTenantImpact(t->id);
    // A tenant with VMs is refused before anything is asked.
    QVERIFY(ti->refusal);
    // The host group the tenant group was drawn from, and the tenant group its VM draws from:
    // both refused before asking.
    QVERIFY(f.service->deleteGroupImpact(r.group)->refusal);
    QVERIFY(f.service->deleteGroupImpact(pool->id)->refusal);
}

void TstStoreRunning::canDeleteBeforeAsking()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const Running r = runningVm(f);
    const int auditBefore = f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log"));
    const Status group = f.service->canDeleteGroup(r.group);
    QVERIFY(!group);
    QCOMPARE(group.error().code, ErrorCode::InUse);
    QVERIFY(group.error().why.contains(QStringLiteral("machine device")));
    // Same refusal as the delete itself, and the check neither changes nor audits anything.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), auditBefore);
    const Status deleted = f.service->deleteGroup(r.group);
    QVERIFY(!deleted);
    QCOMPARE(deleted.error().why, group.error().why);

    auto t = f.service->createTenant(QStringLiteral("acme"));
    QVERIFY(f.service->canDeleteTenant(t->id));
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("acme-a"), f.nodeA);
    QVERIFY(f.service->createVm(VmSpec{QStringLiteral("app"), {}, 0, t->id, tn->id}));
    const Status tenant = f.service->canDeleteTenant(t->id);
    QVERIFY(!tenant);
    QCOMPARE(tenant.error().code, ErrorCode::InUse);
    QCOMPARE(f.service->deleteTenant(t->id).error().why, tenant.error().why);

    // An empty group can be deleted.
    auto empty = f.service->createGroup(GroupSpec{QStringLiteral("empty"), {}, GroupClass::Other});
    QVERIFY(f.service->canDeleteGroup(empty->id));
}

QTEST_GUILESS_MAIN(TstStoreRunning)
#include "tst_store_running.moc"
