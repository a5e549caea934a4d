// RemoteNode against real passdeckd --simulate processes on 127.0.0.1: every Node call gives what
// LocalNode gives on the same root (the JSON compared), changes land in the simulated sysfs, and
// each way the link or the trust can fail comes back as the Error the service shows.
#include "RemoteTestUtil.h"
#include "SimTestUtil.h"

#include "core/NodeCodec.h"
#include "node/LocalNode.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString gpu = QStringLiteral("0000:17:00.0");
const QString gpuAudio = QStringLiteral("0000:17:00.1");
const QString nicPf = QStringLiteral("0000:18:00.0");
const QString vf0 = QStringLiteral("0000:18:02.0");

QByteArray canonical(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}
} // namespace

class TstRemoteNode : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;
    std::unique_ptr<AgentProcess> m_agent;

    std::unique_ptr<LocalNode> local() { return std::make_unique<LocalNode>(m_root, true); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!agentPath().isEmpty(), "PASSDECKD is not set");
        Error e;
        m_root = buildSimRoot(m_dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("a"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
        m_agent = std::make_unique<AgentProcess>(m_root);
        QVERIFY2(m_agent->start(), qPrintable(m_agent->lastError()));
    }

    void cleanupTestCase() { m_agent.reset(); }

    void identity()
    {
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        QCOMPARE(remote->address(), m_agent->address());
        Result<NodeIdentity> id = remote->identity();
        QVERIFY2(id, id ? "" : qPrintable(id.error().message()));
        Result<NodeIdentity> localId = local()->identity();
        QVERIFY(localId);
        QCOMPARE(id->address, m_agent->address());
        QVERIFY(id->simulated);
        QCOMPARE(id->hostName, localId->hostName);
        QCOMPARE(id->kernel, localId->kernel);
        QCOMPARE(id->machineId, localId->machineId);
        QVERIFY(!id->agentVersion.isEmpty());
    }

    void readsEqualLocalNode()
    {
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        auto node = local();
        Result<InventorySnapshot> r = remote->inventory();
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        Result<InventorySnapshot> l = node->inventory();
        QVERIFY(l);
        QVERIFY(r->devices.size() > 10);
        QCOMPARE(canonical(nodecodec::toJson(*r)), canonical(nodecodec::toJson(*l)));

        Result<HostMounts> rm = remote->hostMounts();
        QVERIFY2(rm, rm ? "" : qPrintable(rm.error().message()));
        QCOMPARE(canonical(nodecodec::toJson(*rm)), canonical(nodecodec::toJson(*node->hostMounts())));

        for (int group : {-1, 10, 999}) {
            Result<NodeCapabilities> rc = remote->capabilities(group);
            QVERIFY2(rc, rc ? "" : qPrintable(rc.error().message()));
            QCOMPARE(canonical(nodecodec::toJson(*rc)), canonical(nodecodec::toJson(*node->capabilities(group))));
        }

        const QStringList addresses{gpu, gpuAudio, vf0};
        Result<QMap<QString, DriverState>> rs = remote->driverStates(addresses);
        QVERIFY2(rs, rs ? "" : qPrintable(rs.error().message()));
        QCOMPARE(canonical(nodecodec::toJson(*rs)), canonical(nodecodec::toJson(*node->driverStates(addresses))));
        QCOMPARE(rs->value(gpu).driver, QStringLiteral("nvidia"));

        // A node's refusal of a read keeps its code.
        Result<QMap<QString, DriverState>> bad = remote->driverStates({QStringLiteral("not-an-address")});
        Result<QMap<QString, DriverState>> badLocal = node->driverStates({QStringLiteral("not-an-address")});
        QVERIFY(!bad);
        QVERIFY(!badLocal);
        QCOMPARE(errorCodeName(bad.error().code), errorCodeName(badLocal.error().code));
    }

    void planEqualsLocalNode()
    {
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        Result<BindPlan> r = remote->plan({gpu}, BindTarget::VfioPci);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        Result<BindPlan> l = local()->plan({gpu}, BindTarget::VfioPci);
        QVERIFY(l);
        QCOMPARE(canonical(nodecodec::toJson(*r)), canonical(nodecodec::toJson(*l)));
        QVERIFY(r->devices.contains(gpuAudio)); // the IOMMU group comes along
    }

    void applyChangesSysfs()
    {
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        Result<BindPlan> plan = remote->plan({gpu}, BindTarget::VfioPci);
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message()));
        int calls = 0, lastDone = -1, lastTotal = -1;
        Result<ApplyResult> applied = remote->apply(*plan, ApplyOptions{}, [&](int done, int total, const QString &) {
            ++calls;
            lastDone = done;
            lastTotal = total;
        });
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().message()));
        QVERIFY(!remote->lastJobId().isEmpty());
        QCOMPARE(driverOf(m_root, gpu), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(m_root, gpuAudio), QStringLiteral("vfio-pci"));
        QCOMPARE(applied->devices.size(), 2);
        QVERIFY(calls >= 1);           // the job's progress reached the caller
        QCOMPARE(lastDone, lastTotal); // and its end

        // And back to the host drivers, through a plan the agent makes.
        Result<BindPlan> back = remote->plan({gpu}, BindTarget::Host);
        QVERIFY(back);
        Result<ApplyResult> restored = remote->apply(*back, ApplyOptions{});
        QVERIFY2(restored, restored ? "" : qPrintable(restored.error().message()));
        QCOMPARE(driverOf(m_root, gpu), QStringLiteral("nvidia"));
    }

    void refusedApplyKeepsLocalCode()
    {
        // A stale plan (the IOMMU group's audio function left out) is refused by the node
        // itself; through the agent the service gets the same code as from a LocalNode.
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        Result<BindPlan> plan = remote->plan({gpu}, BindTarget::VfioPci);
        QVERIFY(plan);
        BindPlan stale = *plan;
        stale.devices.removeAll(gpuAudio);
        Result<ApplyResult> r = remote->apply(stale, ApplyOptions{});
        Result<ApplyResult> l = local()->apply(stale, ApplyOptions{});
        QVERIFY(!r);
        QVERIFY(!l);
        QCOMPARE(errorCodeName(r.error().code), errorCodeName(l.error().code));
        QCOMPARE(r.error().step, l.error().step);
        QCOMPARE(driverOf(m_root, gpu), QStringLiteral("nvidia"));
    }

    void sriov()
    {
        auto remote = remoteNodeOn(*m_agent);
        QVERIFY(remote);
        Result<SriovState> state = remote->sriovState(nicPf);
        QVERIFY2(state, state ? "" : qPrintable(state.error().message()));
        QCOMPARE(canonical(nodecodec::toJson(*state)), canonical(nodecodec::toJson(*local()->sriovState(nicPf))));
        QCOMPARE(state->current, 4);

        Result<QList<Finding>> impact = remote->vfCountImpact(nicPf, 2);
        QVERIFY2(impact, impact ? "" : qPrintable(impact.error().message()));
        Result<QList<Finding>> localImpact = local()->vfCountImpact(nicPf, 2);
        QVERIFY(localImpact);
        QCOMPARE(impact->size(), localImpact->size());

        Result<QStringList> vfs = remote->setVfCount(nicPf, 6, VfCountOptions{});
        QVERIFY2(vfs, vfs ? "" : qPrintable(vfs.error().message()));
        QCOMPARE(vfs->size(), 6);
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(nicPf)).trimmed(), QByteArray("6"));
        Result<QStringList> back = remote->setVfCount(nicPf, 4, VfCountOptions{});
        QVERIFY2(back, back ? "" : qPrintable(back.error().message()));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(nicPf)).trimmed(), QByteArray("4"));

        // Not an SR-IOV device: the node's own refusal, same code as a LocalNode's.
        Result<SriovState> notSriov = remote->sriovState(gpu);
        Result<SriovState> notSriovLocal = local()->sriovState(gpu);
        QVERIFY(!notSriov);
        QVERIFY(!notSriovLocal);
        QCOMPARE(errorCodeName(notSriov.error().code), errorCodeName(notSriovLocal.error().code));
    }

    void wrongTokenIsUnauthorized()
    {
        NodeInfo info = agentNodeInfo(*m_agent);
        info.agentToken = QString(64, u'a');
        auto remote = RemoteNode::open(info, quickRemoteOptions());
        QVERIFY(remote);
        Result<InventorySnapshot> r = (*remote)->inventory();
        QVERIFY(!r);
        QCOMPARE(errorCodeName(r.error().code), QStringLiteral("unauthorized"));
        QVERIFY2(r.error().hint.contains(QStringLiteral("token")), qPrintable(r.error().message()));
    }

    void otherCertificateIsRefused()
    {
        // A second agent with its own state dir (so its own key): reached with the first one's
        // pin, as when the node behind an address changed.
        QTemporaryDir other;
        AgentProcess second(m_root, other.path() + QStringLiteral("/state"));
        QVERIFY2(second.start(), qPrintable(second.lastError()));
        QVERIFY(second.fingerprint() != m_agent->fingerprint());
        NodeInfo info = agentNodeInfo(second);
        info.agentFingerprint = m_agent->fingerprint();
        auto remote = RemoteNode::open(info, quickRemoteOptions());
        QVERIFY(remote);
        Result<InventorySnapshot> r = (*remote)->inventory();
        QVERIFY(!r);
        QCOMPARE(errorCodeName(r.error().code), QStringLiteral("certificate-mismatch"));
        const QString message = r.error().message();
        QVERIFY2(message.contains(m_agent->fingerprint()), qPrintable(message));
        QVERIFY2(message.contains(second.fingerprint()), qPrintable(message));
        QVERIFY2(r.error().hint.contains(QStringLiteral("fingerprint")), qPrintable(message));

        // Nothing crossed: an apply with the wrong pin writes nothing.
        Result<BindPlan> plan = local()->plan({gpu}, BindTarget::VfioPci);
        QVERIFY(plan);
        Result<ApplyResult> applied = (*remote)->apply(*plan, ApplyOptions{});
        QVERIFY(!applied);
        QCOMPARE(errorCodeName(applied.error().code), QStringLiteral("certificate-mismatch"));
        QCOMPARE(driverOf(m_root, gpu), QStringLiteral("nvidia"));

        // The right pin for that agent works.
        info.agentFingerprint = second.fingerprint();
        auto right = RemoteNode::open(info, quickRemoteOptions());
        QVERIFY(right);
        Result<NodeIdentity> id = (*right)->identity();
        QVERIFY2(id, id ? "" : qPrintable(id.error().message()));
    }

    void stoppedAgentIsUnreachable()
    {
        QTemporaryDir other;
        AgentProcess gone(m_root, other.path() + QStringLiteral("/state"));
        QVERIFY2(gone.start(), qPrintable(gone.lastError()));
        auto remote = remoteNodeOn(gone);
        QVERIFY(remote);
        QVERIFY(remote->identity());
        gone.stop();
        Result<InventorySnapshot> r = remote->inventory();
        QVERIFY(!r);
        QCOMPARE(errorCodeName(r.error().code), QStringLiteral("node-unreachable"));
        QVERIFY2(r.error().message().contains(gone.address()), qPrintable(r.error().message()));
    }

    void linkDropDuringApplyIsWaitedOut()
    {
        // The agent stops answering (SIGSTOP) as soon as the job is accepted and comes back
        // (SIGCONT) a little later, within the reconnect window: the apply's outcome is the
        // job's, looked up by its id.
        QTemporaryDir other;
        AgentProcess agent(m_root, other.path() + QStringLiteral("/state"));
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        RemoteNodeOptions options = quickRemoteOptions();
        options.timeouts.connectMs = 500;
        options.timeouts.requestMs = 2000;
        std::thread resume;
        auto joined = qScopeGuard([&] {
            if (resume.joinable())
                resume.join();
            signalAgent(agent, SIGCONT);
        });
        std::atomic<bool> stopped = false;
        options.jobSubmitted = [&](const QString &) {
            stopped = signalAgent(agent, SIGSTOP);
            resume = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(2500));
                signalAgent(agent, SIGCONT);
            });
        };
        auto remote = remoteNodeOn(agent, options);
        QVERIFY(remote);
        Result<BindPlan> plan = remote->plan({gpu}, BindTarget::VfioPci);
        QVERIFY(plan);
        Result<ApplyResult> applied = remote->apply(*plan, ApplyOptions{});
        if (resume.joinable())
            resume.join();
        QVERIFY(stopped);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().message()));
        QVERIFY(remote->unansweredPolls() > 0); // the link did drop while the job was followed
        QCOMPARE(driverOf(m_root, gpu), QStringLiteral("vfio-pci"));

        Result<BindPlan> back = remote->plan({gpu}, BindTarget::Host);
        QVERIFY(back);
        QVERIFY(remote->apply(*back, ApplyOptions{}));
        QCOMPARE(driverOf(m_root, gpu), QStringLiteral("nvidia"));
    }

    void linkDownPastTheWindowNamesTheJob()
    {
        QTemporaryDir other;
        AgentProcess agent(m_root, other.path() + QStringLiteral("/state"));
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        auto resume = qScopeGuard([&] { signalAgent(agent, SIGCONT); });
        RemoteNodeOptions options = quickRemoteOptions();
        options.timeouts.connectMs = 300;
        options.timeouts.requestMs = 1000;
        options.reconnectWindowMs = 1500;
        options.jobSubmitted = [&](const QString &) { signalAgent(agent, SIGSTOP); };
        auto remote = remoteNodeOn(agent, options);
        QVERIFY(remote);
        Result<BindPlan> plan = remote->plan({vf0}, BindTarget::VfioPci);
        QVERIFY(plan);
        Result<ApplyResult> applied = remote->apply(*plan, ApplyOptions{});
        QVERIFY(!applied);
        QCOMPARE(errorCodeName(applied.error().code), QStringLiteral("node-unreachable"));
        QVERIFY(!remote->lastJobId().isEmpty());
        QVERIFY2(applied.error().why.contains(remote->lastJobId()), qPrintable(applied.error().message()));

        // The agent carried the job on by itself: once it answers, the job's outcome is there.
        signalAgent(agent, SIGCONT);
        auto again = remoteNodeOn(agent);
        QVERIFY(again);
        Result<AgentClient::Reply> job = again->client().get(QStringLiteral("/api/v1/jobs/") + remote->lastJobId());
        QVERIFY2(job, job ? "" : qPrintable(job.error().message()));
        QTRY_COMPARE(driverOf(m_root, vf0), QStringLiteral("vfio-pci"));
        Result<BindPlan> back = again->plan({vf0}, BindTarget::Host);
        QVERIFY(back);
        QVERIFY(again->apply(*back, ApplyOptions{}));
    }
};

QTEST_GUILESS_MAIN(TstRemoteNode)
#include "tst_remotenode.moc"
