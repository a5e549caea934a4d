// A twin of a node (docs/simulated-nodes.md, "Twins"): the service captures the node and adds
// the copy as a simulated node beside it; a node behind an agent is refused.
#include "FakeAgentNode.h"
#include "StoreFixture.h"
#include "sim/SimCapture.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TestTwinService : public QObject
{
    Q_OBJECT

    static QStringList summary(DomainService &s, qint64 nodeId)
    {
        QStringList out;
        auto devices = s.devices(nodeId);
        for (const DeviceRecord &d : *devices)
            out << QStringLiteral("%1 %2:%3 %4 g%5 n%6").arg(d.address).arg(d.vendorId, 4, 16).arg(d.deviceId, 4, 16)
                       .arg(d.driver).arg(d.iommuGroup).arg(d.numaNode);
        return out;
    }

private Q_SLOTS:
    void twinBesideTheNode()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        const QString dir = f.dir.filePath(QStringLiteral("twin"));
        auto twin = f.service->captureTwin(f.nodeA, dir);
        QVERIFY2(twin, twin ? "" : qPrintable(twin.error().message()));
        QCOMPARE(twin->node.name, QStringLiteral("a-twin"));
        QVERIFY(twin->node.simulated);
        QCOMPARE(twin->node.hostRoot, dir);
        QCOMPARE(SimCapture::capturedFrom(dir), QStringLiteral("a"));
        QCOMPARE(f.service->twinOf(twin->node.id).value(), QStringLiteral("a"));
        QCOMPARE(f.service->twinOf(f.nodeA).value(), QString());
        QVERIFY(!summary(*f.service, f.nodeA).isEmpty());
        QCOMPARE(summary(*f.service, twin->node.id), summary(*f.service, f.nodeA));
        // A make resource on the twin binds the twin's devices, never the original's.
        const qint64 g = f.groupWith(QStringLiteral("G"), {gpu1, gpu1Audio}, twin->node.id);
        QVERIFY(g);
        QCOMPARE(driverOf(dir, gpu1), QStringLiteral("vfio-pci"));
        QVERIFY(f.driverA(gpu1) != QLatin1String("vfio-pci"));
        // A second twin gets the next name and, without a directory, a place next to the store.
        auto second = f.service->captureTwin(f.nodeA, {});
        QVERIFY2(second, second ? "" : qPrintable(second.error().message()));
        QCOMPARE(second->node.name, QStringLiteral("a-twin-2"));
        QVERIFY(second->node.hostRoot.endsWith(QLatin1String("/twins/a-twin-2")));
    }

    void agentNodeRefused()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        Error e;
        const QString agentRoot = buildSimRoot(f.dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("r"), &e);
        QVERIFY(!agentRoot.isEmpty());
        auto control = std::make_shared<FakeAgentControl>();
        control->inventory = InventoryOptions{pinnedPciIdsFile(), true};
        const QString address = QStringLiteral("127.0.0.1:7443");
        control->agents.insert(address, FakeAgentControl::Agent{agentRoot, {}, {}, {}, QStringLiteral("0.9.0")});
        f.service.reset();
        ServiceOptions o = testOptions();
        o.nodeFactory = fakeAgentNodes(control);
        auto s = DomainService::open(f.dbPath(), o);
        QVERIFY(s);
        f.service = std::move(s).value();
        auto r = f.service->addAgentNode(AgentNodeSpec{QStringLiteral("r"), address, QString(64, u'a'), QStringLiteral("SHA256:") + QString(64, u'b')});
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        auto twin = f.service->captureTwin(r->node.id, f.dir.filePath(QStringLiteral("t")));
        QVERIFY(!twin);
        QCOMPARE(twin.error().code, ErrorCode::CaptureFailed);
        QVERIFY2(twin.error().why.contains(QStringLiteral("agent")), qPrintable(twin.error().why));
        QVERIFY(!QFileInfo::exists(f.dir.filePath(QStringLiteral("t"))));
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM nodes")), 2);
    }
};

QTEST_GUILESS_MAIN(TestTwinService)
#include "tst_twin_service.moc"
