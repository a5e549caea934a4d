// Journal recovery and failed applies (docs/store.md): recovery puts exactly the journaled
// devices back on their own original drivers, a failed apply whose rollback failed too keeps its
// journal row, and an interrupted VM start leaves the VM off with its devices freed.
#include "store/Journal.h"
#include "node/LocalNode.h"
#include "sim/SimKernel.h"
#include "StoreFixture.h"

#include <cerrno>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recoveryLeavesDevicesAlreadyOnVfioAlone();
    void failedRollbackKeepsJournalRow();
    void failedRecordPutsDevicesBack();
    void interruptedVmStartTurnsVmOff();
    void journaledDeviceNotHandedOut();
};

namespace {

// Moves a device of node a to vfio-pci by hand, the way the binder's protocol does.
void moveToVfio(const QString &root, const QString &address)
{
    LocalNode node(root, true);
    const QString dev = QStringLiteral("sys/bus/pci/devices/%1/").arg(address);
    QCOMPARE(node.writer().write(dev + QStringLiteral("driver_override"), "vfio-pci"), 0);
    QCOMPARE(node.writer().write(dev + QStringLiteral("driver/unbind"), address.toLatin1()), 0);
    QCOMPARE(node.writer().write(QStringLiteral("sys/bus/pci/drivers_probe"), address.toLatin1()), 0);
}

// A journal row as a process killed mid-operation leaves it (a dead owner on this machine).
bool addDeadRow(StoreFixture &f, JournalEntry e)
{
    if (!Journal::add(f.db(), e))
        return false;
    return f.sql(QStringLiteral("UPDATE journal SET pid = 999999999, host = ?"), {Journal::thisHost()});
}

} // namespace

void TstStoreRecovery::recoveryLeavesDevicesAlreadyOnVfioAlone()
{
    // The scenario: the GPU's audio function was already on vfio-pci (a running VM
    // has it); a make-resource of the GPU died after moving the GPU. Recovery must put the GPU
    // back on nvidia and not touch the audio function at all.
    StoreFixture f;
    STORE_SETUP(f, false);
    moveToVfio(f.rootA, gpu1Audio);
    moveToVfio(f.rootA, gpu1);
    QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("vfio-pci"));
    JournalEntry e;
    e.nodeId = f.nodeA;
    e.operation = QStringLiteral("make-resource");
    e.target = QStringLiteral("vfio");
    e.originalDrivers = {{gpu1, QStringLiteral("nvidia")}, {gpu1Audio, QStringLiteral("vfio-pci")}};
    e.originalOverrides = {{gpu1, QString()}, {gpu1Audio, QStringLiteral("vfio-pci")}};
    QVERIFY(addDeadRow(f, e));
    {
        // Any write to the audio function fails: recovery must not need one.
        LocalNode node(f.rootA, true);
        QVERIFY(node.simKernel()->injectFault(QStringLiteral("sys/bus/pci/devices/%1/*").arg(gpu1Audio), EIO, 100));
    }
    QVERIFY(f.reopen().isEmpty());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));
    QCOMPARE(f.overrideA(gpu1), QByteArray("(null)"));
    QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("vfio-pci"));
    QCOMPARE(f.overrideA(gpu1Audio), QByteArray("vfio-pci"));
}

void TstStoreRecovery::failedRollbackKeepsJournalRow()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("VFs"), {}, GroupClass::Other});
    QVERIFY(g);
    {
        // Every bind fails: the move fails, and so does putting the VF back.
        LocalNode node(f.rootA, true);
        QVERIFY(node.simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers_probe"), EIO, 100));
        QVERIFY(node.simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers/*/bind"), EIO, 100));
    }
    auto r = f.service->makeResource(g->id, f.nodeA, {vf0});
    QVERIFY(!r);
    QCOMPARE(f.driverA(vf0), QString()); // unbound: half-moved
    // The row stays so that recovery can finish the job, and the hint says so.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
    QVERIFY2(r.error().hint.contains(vf0) && r.error().hint.contains(QStringLiteral("journal")), qPrintable(r.error().hint));
    {
        LocalNode node(f.rootA, true);
        QVERIFY(node.simKernel()->clearFaults());
    }
    QVERIFY(f.sql(QStringLiteral("UPDATE journal SET pid = 999999999")));
    QVERIFY(f.reopen().isEmpty());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
}

void TstStoreRecovery::failedRecordPutsDevicesBack()
{
    // The move worked but the store could not record it: the VF goes back to its host driver
    // (the store still says it is there) and, being back, the journal row goes.
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("VFs"), {}, GroupClass::Other});
    QVERIFY(g);
    QVERIFY(f.failInserts(QStringLiteral("no_rules"), QStringLiteral("resource_rules"), QStringLiteral("disk full")));
    auto r = f.service->makeResource(g->id, f.nodeA, {vf0});
    QVERIFY(!r);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    QCOMPARE(f.overrideA(vf0), QByteArray("(null)"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
}

void TstStoreRecovery::interruptedVmStartTurnsVmOff()
{
    // A VM start saved its allocations and power 'on', then died while binding a drifted
    // device. After recovery the device is back on its host driver, so the VM must be off, its
    // devices free and a restart asked for.
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
    QVERIFY(f.service->restartVm(vm));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {vm}), 1);
    JournalEntry e;
    e.nodeId = f.nodeA;
    e.operation = QStringLiteral("vm-restart");
    e.target = QStringLiteral("vfio");
    e.vmId = vm;
    e.originalDrivers = {{vf0, QStringLiteral("iavf")}};
    QVERIFY(addDeadRow(f, e));
    QVERIFY(f.reopen().isEmpty());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    QCOMPARE(f.scalar(QStringLiteral("SELECT power FROM vms WHERE id = ?"), {vm}).toString(), QStringLiteral("off"));
    QCOMPARE(f.count(QStringLiteral("SELECT restart_needed FROM vms WHERE id = ?"), {vm}), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {vm}), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
}

void TstStoreRecovery::journaledDeviceNotHandedOut()
{
    // A device another live operation is moving (its journal row names it) is not free.
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0, vf1});
    QVERIFY(g);
    JournalEntry e;
    e.nodeId = f.nodeA;
    e.operation = QStringLiteral("remove-resource");
    e.target = QStringLiteral("host");
    e.originalDrivers = {{vf0, QStringLiteral("vfio-pci")}};
    QVERIFY(Journal::add(f.db(), e)); // this process: a live owner
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal_devices WHERE address = ?"), {vf0}), 1);
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(f.service->attach(AttachSpec{vm, g, 2, {}, {}}));
    auto r = f.service->restartVm(vm);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NotEnoughDevices);
    QVERIFY(f.service->attach(AttachSpec{f.hostVm(QStringLiteral("vm2")), g, 1, {}, {}}));
    auto one = f.service->restartVm(f.scalar(QStringLiteral("SELECT id FROM vms WHERE name = 'vm2'")).toLongLong());
    QVERIFY2(one, qPrintable(one ? QString() : one.error().message()));
    QCOMPARE(one->allocated.size(), 1);
    QCOMPARE(one->allocated.first().address, vf1);
    // The journal row's devices go with it.
    QVERIFY(f.sql(QStringLiteral("DELETE FROM journal")));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal_devices")), 0);
}

QTEST_GUILESS_MAIN(TstStoreRecovery)
#include "tst_store_recovery.moc"
