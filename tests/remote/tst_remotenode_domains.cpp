// RemoteNode's hypervisor calls against a real passdeckd on 127.0.0.1 over a simulated root
// (docs/libvirt.md, "The agent"): the same answers and Error codes as a LocalNode on the root.
#include "RemoteTestUtil.h"
#include "SimTestUtil.h"

#include "node/LocalNode.h"

#include <QJsonArray>

using namespace passdeck;
using namespace passdeck::test;

class TstRemoteNodeDomains : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QJsonObject d = demoDescription(QStringLiteral("node-a"));
        d.insert(QStringLiteral("domains"),
                 QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("web")}, {QStringLiteral("state"), QStringLiteral("running")},
                                        {QStringLiteral("hostdevs"), QJsonArray{QStringLiteral("0000:03:00.0")}}}});
        Error e;
        m_root = buildSimRoot(*m_dir, d, QStringLiteral("root"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
    }

    void remoteCallsMatchTheNode()
    {
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        std::unique_ptr<RemoteNode> node = remoteNodeOn(agent);
        QVERIFY(node);

        auto list = node->domains();
        QVERIFY2(list, list ? "" : qPrintable(list.error().message()));
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->first().hostdevs.size(), 1);
        QVERIFY(!list->first().hostdevs.first().passdeck);

        auto defined = node->defineDomain({QStringLiteral("db"), 2, 2048});
        QVERIFY2(defined, defined ? "" : qPrintable(defined.error().message()));
        QCOMPARE(defined->memoryMiB, 2048);
        auto exists = node->defineDomain({QStringLiteral("db"), 2, 2048});
        QVERIFY(!exists);
        QCOMPARE(exists.error().code, ErrorCode::DomainExists);

        DomainChange change;
        change.name = QStringLiteral("db");
        change.hostdevs = {QStringLiteral("0000:02:00.0")};
        change.shutdownTimeoutSec = 5;
        auto changed = node->changeDomain(change);
        QVERIFY2(changed, changed ? "" : qPrintable(changed.error().message()));
        QCOMPARE(changed->state, DomainState::Running);
        QCOMPARE(changed->hostdevs.size(), 1);
        QVERIFY(changed->hostdevs.first().passdeck);
        auto xml = node->domainXml(QStringLiteral("db"));
        QVERIFY(xml);
        QVERIFY(xml->contains(QStringLiteral("0000:02:00.0")));
        // What the agent wrote is what a LocalNode on the root reads.
        auto local = LocalNode::open(m_root, true);
        QCOMPARE(*local.value()->domainXml(QStringLiteral("db")), *xml);

        auto refused = node->attachLive(QStringLiteral("web"), {QStringLiteral("0000:04:00.0")});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::LiveAttachRefused);
        QCOMPARE(refused.error().device, QStringLiteral("0000:04:00.0"));

        Status running = node->undefineDomain(QStringLiteral("db"));
        for (int i = 0; i < 50 && !running && running.error().code == ErrorCode::DeviceBusy; ++i) {
            QTest::qWait(100);
            running = node->undefineDomain(QStringLiteral("db"));
        }
        QVERIFY(!running);
        QCOMPARE(running.error().code, ErrorCode::DomainFailed);
        change.start = false;
        // The agent releases a job's lock just after its end is visible: a job right behind
        // one on the same domain may meet device-busy for a moment.
        auto off = node->changeDomain(change);
        for (int i = 0; i < 50 && !off && off.error().code == ErrorCode::DeviceBusy; ++i) {
            QTest::qWait(100);
            off = node->changeDomain(change);
        }
        QVERIFY2(off, off ? "" : qPrintable(off.error().message()));
        Status undefined = node->undefineDomain(QStringLiteral("db"));
        for (int i = 0; i < 50 && !undefined && undefined.error().code == ErrorCode::DeviceBusy; ++i) {
            QTest::qWait(100);
            undefined = node->undefineDomain(QStringLiteral("db"));
        }
        QVERIFY2(undefined, undefined ? "" : qPrintable(undefined.error().message()));
        auto missing = node->domainXml(QStringLiteral("db"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::DomainNotFound);
    }

    void anUnansweredAgentIsUnreachable()
    {
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        std::unique_ptr<RemoteNode> node = remoteNodeOn(agent);
        QVERIFY(node);
        agent.kill();
        auto list = node->domains();
        QVERIFY(!list);
        QCOMPARE(list.error().code, ErrorCode::NodeUnreachable);
    }
};

QTEST_GUILESS_MAIN(TstRemoteNodeDomains)
#include "tst_remotenode_domains.moc"
