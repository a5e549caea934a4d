// Fail closed on the store side: a change lands with its audit entry or not at all (an audit
// write that fails, as on a nearly full disk, undoes the change, sysfs included); the message
// after a double fault says what happened (the journal's restore put the devices back); a VM
// start journals its bind in the transaction that turns it on; an empty file is not a store.
#include "node/LocalNode.h"
#include "sim/SimKernel.h"
#include "StoreFixture.h"

#include <QFile>

#include <cerrno>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreFailClosed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void auditFailureUndoesStoreChange();
    void auditFailureUndoesMove();
    void auditFailureUndoesVmStart();
    void auditWrittenWithChange();
    void doubleFaultMessageAgrees();
    void vmStartJournalsWithAllocation();
    void zeroLengthStoreRefused();
};

namespace {

// The audit table refuses every row, as SQLite does when the disk is full.
bool breakAudit(StoreFixture &f)
{
    return f.failInserts(QStringLiteral("audit_full"), QStringLiteral("audit_log"), QStringLiteral("database or disk is full"));
}

} // namespace

void TstStoreFailClosed::auditFailureUndoesStoreChange()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QVERIFY(breakAudit(f));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("audit entry for group.create .* could not be written")));
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu});
    QVERIFY(!g);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_groups")), 0);
}

void TstStoreFailClosed::auditFailureUndoesMove()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("VFs"), {}, GroupClass::Other});
    QVERIFY(g);
    QVERIFY(breakAudit(f));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("audit entry for resource.make .* could not be written")));
    auto r = f.service->makeResource(g->id, f.nodeA, {vf0});
    QVERIFY(!r);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
}

void TstStoreFailClosed::auditFailureUndoesVmStart()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
    QVERIFY(breakAudit(f));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("audit entry for vm.restart .* could not be written")));
    QVERIFY(!f.service->restartVm(vm));
    QCOMPARE(f.scalar(QStringLiteral("SELECT power FROM vms WHERE id = ?"), {vm}).toString(), QStringLiteral("off"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
}

void TstStoreFailClosed::auditWrittenWithChange()
{
    // One entry per operation, also for those that commit more than once (journal row, record).
    StoreFixture f;
    STORE_SETUP(f, false);
    const int before = f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log"));
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), before + 2);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'resource.make' AND result = 'ok'")), 1);
    QVERIFY(f.service->setMaintenance(f.nodeA, true));
    QCOMPARE(f.lastAudit(), QStringLiteral("node.maintenance-on"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), before + 3);
}

void TstStoreFailClosed::doubleFaultMessageAgrees()
{
    // The move fails (probe), the binder's rollback fails too (its bind by name and the retry,
    // then the probe it falls back to and the retry), then the journal's restore binds by name
    // and succeeds: the message must not send the administrator to move devices by hand.
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("VFs"), {}, GroupClass::Other});
    QVERIFY(g);
    {
        LocalNode node(f.rootA, true);
        QVERIFY(node.simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers_probe"), EIO, 3));
        QVERIFY(node.simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers/iavf/bind"), EIO, 2));
    }
    auto r = f.service->makeResource(g->id, f.nodeA, {vf0});
    QVERIFY(!r);
    const QString message = r.error().message();
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QVERIFY2(!message.contains(QStringLiteral("by hand")) || message.contains(QStringLiteral("Nothing is left to move by hand")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("put every device back")), qPrintable(message));
}

void TstStoreFailClosed::vmStartJournalsWithAllocation()
{
    // A start whose bind fails: the VM ends off, its devices free and back on their driver,
    // and no journal row is left.
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("VFs"), {}, GroupClass::Other});
    QVERIFY(g);
    ApplyOptions next;
    next.nextBoot = true;
    QVERIFY(f.service->makeResource(g->id, f.nodeA, {vf0}, next));
    QVERIFY(QFile::remove(f.rootA + QStringLiteral("/etc/udev/rules.d/61-passdeck-vfio.rules")));
    QVERIFY(f.service->rebootNode(f.nodeA));
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(f.service->attach(AttachSpec{vm, g->id, 1, {}, {}}));
    {
        LocalNode node(f.rootA, true);
        QVERIFY(node.simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers_probe"), EIO, 1));
    }
    auto r = f.service->restartVm(vm);
    QVERIFY(!r);
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    QCOMPARE(f.scalar(QStringLiteral("SELECT power FROM vms WHERE id = ?"), {vm}).toString(), QStringLiteral("off"));
    QCOMPARE(f.count(QStringLiteral("SELECT restart_needed FROM vms WHERE id = ?"), {vm}), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    // And without the fault it starts, binding the VF.
    auto ok = f.service->restartVm(vm);
    QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().message()));
    QCOMPARE(f.driverA(vf0), QStringLiteral("vfio-pci"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'vm.restart' AND result = 'ok'")), 1);
}

void TstStoreFailClosed::zeroLengthStoreRefused()
{
    SQLITE_ONLY();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("empty.db"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    auto s = DomainService::open(path, testOptions());
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::StoreEmpty);
    QCOMPARE(QFileInfo(path).size(), 0);
}

QTEST_GUILESS_MAIN(TstStoreFailClosed)
#include "tst_store_failclosed.moc"
