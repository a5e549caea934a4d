// DomainService::makeResourceImpact: the impact check behind the wizard, on the demo's simulated
// nodes. Read only (nothing changes in the store or the sysfs); companions, blockers from the
// binder and from the store (the rules makeResource refuses with), selections spanning two nodes.
#include "demo/DemoEnvironment.h"
#include "node/LocalNodeConnector.h"
#include "service/DomainService.h"
#include "core/Node.h"
#include "store/Store.h"
#include "SimTestUtil.h"

#include <QTemporaryDir>
#include <QTest>

using namespace passdeck;

class TestMakeResourceImpact : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DomainService> m_service;

    QList<DeviceRecord> pick(const QString &node, const QStringList &addresses)
    {
        QList<DeviceRecord> out;
        auto n = m_service->findNode(node);
        // Kept in a local: a range-for over *temporary() would dangle.
        const auto all = m_service->devices(n->id);
        for (const DeviceRecord &d : *all) {
            if (addresses.contains(d.address))
                out << d;
        }
        return out;
    }

    static QStringList codes(const MakeResourceImpact &impact, Severity severity)
    {
        QStringList out;
        for (const Finding &f : impact.findings) {
            if (f.severity == severity)
                out << f.code;
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ServiceOptions options;
        options.nodeFactory = localNodes(InventoryOptions{QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids"), true});
        auto s = DemoEnvironment::open(m_dir.path(), false, options);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        m_service = std::move(s).value();
    }

    void gpuBringsItsAudioFunction()
    {
        auto impact = m_service->makeResourceImpact(pick(QStringLiteral("node-a"), {QStringLiteral("0000:17:00.0")}));
        QVERIFY(impact);
        QCOMPARE(impact->blockerCount, 0);
        QCOMPARE(impact->warningCount, 1);
        QCOMPARE(codes(*impact, Severity::Warning), QStringList{QStringLiteral("group-member")});
        QCOMPARE(impact->deviceCount, 2);
        QCOMPARE(impact->nodes.size(), 1);
        QCOMPARE(impact->nodes.first().requested, QStringList{QStringLiteral("0000:17:00.0")});
        QCOMPARE(impact->nodes.first().plan.added, QStringList{QStringLiteral("0000:17:00.1")});
        QCOMPARE(impact->moving.size(), 2);
        QCOMPARE(impact->moving.at(1).driver, QStringLiteral("snd_hda_intel"));
        // Read only.
        QCOMPARE(test::driverOf(m_dir.path() + QStringLiteral("/nodes/node-a"), QStringLiteral("0000:17:00.0")),
                 QStringLiteral("nvidia"));
    }

    void binderBlockers()
    {
        auto impact = m_service->makeResourceImpact(pick(QStringLiteral("node-a"),
                                                         {QStringLiteral("0000:02:00.0"), QStringLiteral("0000:00:1c.0")}));
        QVERIFY(impact);
        QCOMPARE(impact->blockerCount, 2);
        const QStringList blockers = codes(*impact, Severity::Blocker);
        QVERIFY(blockers.contains(QStringLiteral("boot-vga")));
        QVERIFY(blockers.contains(QStringLiteral("bridge")));
    }

    void storeBlockers()
    {
        auto g = m_service->createGroup({QStringLiteral("Disks"), {}, GroupClass::Storage});
        QVERIFY(g);
        auto nodeA = m_service->findNode(QStringLiteral("node-a"));
        QVERIFY(m_service->makeResource(g->id, nodeA->id, {QStringLiteral("0000:3b:00.0")}));
        auto impact = m_service->makeResourceImpact(pick(QStringLiteral("node-a"), {QStringLiteral("0000:3b:00.0")}));
        QVERIFY(impact);
        QVERIFY(codes(*impact, Severity::Blocker).contains(QStringLiteral("in-group")));
        bool named = false;
        for (const Finding &f : impact->findings)
            named = named || f.message.contains(QStringLiteral("'Disks'"));
        QVERIFY(named);
    }

    // The store's finding is makeResource's refusal, word for word: one rule, one wording. For
    // the group the device is in already, neither refuses.
    void storeFindingIsMakeResourcesRefusal()
    {
        auto disks = m_service->findGroup(QStringLiteral("Disks"));
        QVERIFY(disks);
        auto other = m_service->createGroup({QStringLiteral("Other disks"), {}, GroupClass::Storage});
        QVERIFY(other);
        auto nodeA = m_service->findNode(QStringLiteral("node-a"));
        const QList<DeviceRecord> disk = pick(QStringLiteral("node-a"), {QStringLiteral("0000:3b:00.0")});
        auto impact = m_service->makeResourceImpact(disk, other->id);
        QVERIFY(impact);
        QString message;
        for (const Finding &f : impact->findings)
            if (f.code == QLatin1String("in-group"))
                message = f.message;
        QVERIFY(!message.isEmpty());
        auto refused = m_service->makeResource(other->id, nodeA->id, {QStringLiteral("0000:3b:00.0")});
        QVERIFY(!refused);
        QCOMPARE(refused.error().why + QStringLiteral(". ") + refused.error().hint, message);

        auto same = m_service->makeResourceImpact(disk, disks->id);
        QVERIFY(same);
        QVERIFY(!codes(*same, Severity::Blocker).contains(QStringLiteral("in-group")));
        QVERIFY(m_service->makeResource(disks->id, nodeA->id, {QStringLiteral("0000:3b:00.0")}));
    }

    // The check reaches the node the way the service does (ServiceOptions::nodeFactory), never
    // around it.
    void throughTheServicesNodeAccess()
    {
        ServiceOptions options;
        int calls = 0;
        options.nodeFactory = [&calls](const auto &) {
            ++calls;
            return Error::make(ErrorCode::NoNode, QStringLiteral("Reaching the node"), QStringLiteral("the test's node factory"));
        };
        // A second service on the same store, without owning it.
        DomainService viaFactory(std::shared_ptr<Store>(std::shared_ptr<Store>(), &m_service->store()), options);
        auto impact = viaFactory.makeResourceImpact(pick(QStringLiteral("node-a"), {QStringLiteral("0000:17:00.0")}));
        QVERIFY(!impact);
        QCOMPARE(impact.error().code, ErrorCode::NoNode);
        QCOMPARE(calls, 1);
    }

    void twoNodes()
    {
        QList<DeviceRecord> both = pick(QStringLiteral("node-a"), {QStringLiteral("0000:02:00.0")})
            + pick(QStringLiteral("node-b"), {QStringLiteral("0000:af:00.0")});
        QCOMPARE(both.size(), 2);
        auto impact = m_service->makeResourceImpact(both);
        QVERIFY(impact);
        QCOMPARE(impact->nodes.size(), 2);
        // Findings name their node when the selection spans nodes.
        bool prefixed = false;
        for (const Finding &f : impact->findings)
            prefixed = prefixed || (f.code == QLatin1String("boot-vga") && f.message.startsWith(QStringLiteral("node-a: "))
                                    && f.device == QStringLiteral("node-a/0000:02:00.0"));
        QVERIFY(prefixed);
    }
};

QTEST_GUILESS_MAIN(TestMakeResourceImpact)
#include "tst_makeresourceimpact.moc"
