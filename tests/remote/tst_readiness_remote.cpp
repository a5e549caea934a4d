// The readiness check through a node agent: RemoteNode against a real passdeckd --simulate on
// 127.0.0.1 gives the same facts and so the same findings as LocalNode on the same crafted root.
#include "RemoteTestUtil.h"
#include "SimTestUtil.h"

#include "core/NodeCodec.h"
#include "node/LocalNode.h"
#include "service/Readiness.h"

#include <QDir>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

class TstReadinessRemote : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_root;
    std::unique_ptr<AgentProcess> m_agent;

    static QStringList lines(const ReadinessReport &r)
    {
        QStringList out;
        for (const ReadinessFinding &f : r.findings)
            out << QStringLiteral("%1|%2|%3|%4|%5").arg(f.code, Readiness::severityName(f.severity), f.device, f.message, f.action);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!agentPath().isEmpty(), "PASSDECKD is not set");
        // The demo node with interrupt remapping off and the IOMMU backend module missing.
        QJsonObject d = demoDescription(QStringLiteral("node-a"));
        d.insert(QStringLiteral("interrupt_remapping"), false);
        Error e;
        m_root = buildSimRoot(m_dir, d, QStringLiteral("a"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
        QVERIFY(QDir(m_root + QStringLiteral("/sys/module/vfio_iommu_type1")).removeRecursively());
        m_agent = std::make_unique<AgentProcess>(m_root);
        QVERIFY2(m_agent->start(), qPrintable(m_agent->lastError()));
    }

    void cleanupTestCase() { m_agent.reset(); }

    void sameFindingsAsLocal()
    {
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        Result<NodeCapabilities> rc = remote->capabilities(-1);
        QVERIFY2(rc, rc ? "" : qPrintable(rc.error().message()));
        QVERIFY(rc->facts.known);
        LocalNode local(m_root, true);
        QCOMPARE(QJsonDocument(nodecodec::toJson(*rc)).toJson(), QJsonDocument(nodecodec::toJson(*local.capabilities(-1))).toJson());

        Result<ReadinessReport> viaAgent = Readiness::check(*remote, QStringLiteral("a"));
        QVERIFY2(viaAgent, viaAgent ? "" : qPrintable(viaAgent.error().message()));
        Result<ReadinessReport> direct = Readiness::check(local, QStringLiteral("a"));
        QVERIFY(direct);
        QCOMPARE(lines(*viaAgent), lines(*direct));
        QStringList codes;
        for (const ReadinessFinding &f : viaAgent->findings)
            codes << f.code;
        QVERIFY2(codes.contains(QStringLiteral("vfio-missing")), qPrintable(codes.join(u' ')));
        QVERIFY2(codes.contains(QStringLiteral("interrupt-remapping-off")), qPrintable(codes.join(u' ')));
        QVERIFY2(codes.contains(QStringLiteral("boot-vga")), qPrintable(codes.join(u' ')));
        QVERIFY(!viaAgent->ready());
    }
};

QTEST_GUILESS_MAIN(TstReadinessRemote)
#include "tst_readiness_remote.moc"
