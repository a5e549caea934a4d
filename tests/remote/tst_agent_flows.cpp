// The service flows (make resource, VM restart, pass to tenant) once more with the node behind a
// passdeckd on 127.0.0.1: the service cannot tell a RemoteNode from a LocalNode, so the store and
// the simulated sysfs end as in tests/service/tst_store_flows.cpp.
#include "AgentFlowFixture.h"

#include "node/LocalNode.h"
#include "node/host/SysfsWriter.h"

#include <QFile>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString gpu1 = QStringLiteral("0000:17:00.0");
const QString gpu1Audio = QStringLiteral("0000:17:00.1");
const QString gpu2 = QStringLiteral("0000:3c:00.0");
const QString vf0 = QStringLiteral("0000:18:02.0");
const QString vf1 = QStringLiteral("0000:18:02.1");
const QString vf2 = QStringLiteral("0000:18:02.2");
const QString vf3 = QStringLiteral("0000:18:02.3");
} // namespace

#define AGENT_SETUP(fixture)                                       \
    do {                                                           \
        const QString setUpError_ = (fixture).setUp();             \
        QVERIFY2(setUpError_.isEmpty(), qPrintable(setUpError_));  \
    } while (false)

class TstAgentFlows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addNodeReadsThroughAgent()
    {
        AgentFlowFixture f;
        AGENT_SETUP(f);
        QVERIFY(f.remoteCalls > 0);
        auto nodes = f.service->nodes();
        QVERIFY(nodes);
        QCOMPARE(nodes->size(), 1);
        QCOMPARE(nodes->first().deviceCount, 25);
        QCOMPARE(nodes->first().hostRoot, f.agent->address());
        QCOMPARE(nodes->first().agentFingerprint, f.agent->fingerprint());
        QVERIFY(nodes->first().simulated);
        QVERIFY(!nodes->first().agentVersion.isEmpty());
        QCOMPARE(f.storedDriver(gpu1), QStringLiteral("nvidia"));
    }

    void makeResourceFlow()
    {
        AgentFlowFixture f;
        AGENT_SETUP(f);
        auto g = f.service->createGroup(GroupSpec{QStringLiteral("PCI GPUs"), {}, GroupClass::Gpu});
        QVERIFY(g);
        const int callsBefore = f.remoteCalls;
        auto r = f.service->makeResource(g->id, f.nodeA, {gpu1});
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
        QVERIFY(f.remoteCalls > callsBefore);
        QCOMPARE(r->devices, (QStringList{gpu1, gpu1Audio}));
        QCOMPARE(r->rulesCreated, (QStringList{gpu1, gpu1Audio}));
        // sysfs, written by the agent
        QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
        QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("vfio-pci"));
        QCOMPARE(f.overrideA(gpu1), QByteArray("vfio-pci"));
        QVERIFY(QFile::exists(f.rootA + QStringLiteral("/dev/vfio/10")));
        // store
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE group_id = ?"), {g->id}), 2);
        QCOMPARE(f.storedDriver(gpu1), QStringLiteral("vfio-pci"));
        QCOMPARE(f.service->group(g->id)->total, 1);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);

        // And back: the devices return to their host drivers through the agent.
        auto back = f.service->removeResource(f.nodeA, {gpu1});
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message()));
        QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));
        QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("snd_hda_intel"));
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
        QCOMPARE(f.storedDriver(gpu1), QStringLiteral("nvidia"));
    }

    void vmRestartFlow()
    {
        AgentFlowFixture f;
        AGENT_SETUP(f);
        const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1, gpu2});
        QVERIFY(g);
        const qint64 vm = f.hostVm(QStringLiteral("render-01"));
        QVERIFY(vm);
        QVERIFY(f.service->attach(AttachSpec{vm, g, 2, QString(), {}}));
        auto r = f.service->restartVm(vm);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
        QCOMPARE(r->allocated.size(), 4);
        QCOMPARE(r->vm.power, PowerState::On);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {vm}), 4);
        for (const AllocatedDevice &d : r->allocated)
            QCOMPARE(f.driverA(d.address), QStringLiteral("vfio-pci"));
        QVERIFY(f.service->powerOff(vm));
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
        QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    }

    void vmRestartBindsDriftedDevice()
    {
        AgentFlowFixture f;
        AGENT_SETUP(f);
        const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0});
        QVERIFY(g);
        {
            // Someone moves vf0 back to its host driver on the node, behind Passdeck's back.
            LocalNode node(f.rootA, true);
            const QString dev = QStringLiteral("sys/bus/pci/devices/%1/").arg(vf0);
            QCOMPARE(node.writer().write(dev + QStringLiteral("driver_override"), "\n"), 0);
            QCOMPARE(node.writer().write(dev + QStringLiteral("driver/unbind"), vf0.toLatin1()), 0);
            QCOMPARE(node.writer().write(QStringLiteral("sys/bus/pci/drivers_probe"), vf0.toLatin1()), 0);
        }
        QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
        const qint64 vm = f.hostVm(QStringLiteral("vm"));
        QVERIFY(f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
        auto r = f.service->restartVm(vm);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
        QCOMPARE(r->bound, QStringList{vf0});
        QCOMPARE(f.driverA(vf0), QStringLiteral("vfio-pci"));
        QCOMPARE(f.storedDriver(vf0), QStringLiteral("vfio-pci"));
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    }

    void passToTenantFlow()
    {
        AgentFlowFixture f;
        AGENT_SETUP(f);
        const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0, vf1, vf2, vf3});
        QVERIFY(g);
        for (const QString &vf : {vf0, vf1, vf2, vf3})
            QCOMPARE(f.driverA(vf), QStringLiteral("vfio-pci"));
        auto t = f.service->createTenant(QStringLiteral("acme"), QStringLiteral("a customer"));
        QVERIFY(t);
        auto tn = f.service->addTenantNode(t->id, QStringLiteral("acme-a"), f.nodeA);
        QVERIFY2(tn, qPrintable(tn ? QString() : tn.error().message()));
        auto tg = f.service->passToTenant(PassSpec{tn->id, g, 2, QStringLiteral("acme VFs"), {}});
        QVERIFY2(tg, qPrintable(tg ? QString() : tg.error().message()));
        QCOMPARE(tg->total, 2);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool WHERE tenant_id = ?"), {t->id}), 2);

        auto tvm = f.service->createVm(VmSpec{QStringLiteral("acme-vm"), {}, 0, t->id, tn->id});
        QVERIFY2(tvm, qPrintable(tvm ? QString() : tvm.error().message()));
        QVERIFY(f.service->attach(AttachSpec{tvm->id, tg->id, 2, {}, {}}));
        auto r = f.service->restartVm(tvm->id);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
        QCOMPARE(r->allocated.size(), 2);
        for (const AllocatedDevice &d : r->allocated)
            QCOMPARE(f.driverA(d.address), QStringLiteral("vfio-pci"));
        auto devices = f.service->groupDevices(tg->id);
        QVERIFY(devices);
        for (const DeviceRecord &d : *devices)
            QCOMPARE(d.status, DeviceStatus::UsedByVm);
    }

    void unreachableAgentRefusesTheFlow()
    {
        AgentFlowFixture f;
        AGENT_SETUP(f);
        auto g = f.service->createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu});
        QVERIFY(g);
        f.agent->stop();
        auto r = f.service->makeResource(g->id, f.nodeA, {gpu1});
        QVERIFY(!r);
        QVERIFY2(r.error().message().contains(QStringLiteral("unreachable"), Qt::CaseInsensitive)
                     || r.error().code == ErrorCode::NodeUnreachable,
                 qPrintable(r.error().message()));
        QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);

        // The node is noted unreachable, its inventory kept.
        auto down = f.service->node(f.nodeA);
        QVERIFY(down);
        QVERIFY(down->unreachableSince.isValid());
        QCOMPARE(down->deviceCount, 25);

        // Back up on the same address: the same flow goes through and the mark is cleared.
        QVERIFY2(f.restartAgentOnSamePort(), qPrintable(f.agent->lastError()));
        auto again = f.service->makeResource(g->id, f.nodeA, {gpu1});
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message()));
        QVERIFY(!f.service->node(f.nodeA)->unreachableSince.isValid());
        QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    }
};

QTEST_GUILESS_MAIN(TstAgentFlows)
#include "tst_agent_flows.moc"
