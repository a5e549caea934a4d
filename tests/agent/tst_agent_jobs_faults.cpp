// passdeckd's jobs under faults, process level (docs/agent-jobs.md): the agent killed with
// SIGKILL mid-apply of 64 VFs and restarted puts every VF back and reports the job interrupted;
// a client that vanishes right after POST /jobs does not stop its job; two clients applying to
// one device at once: one job runs, the other gets 409 device-busy, nothing half-moved.
#include "core/JobCodec.h"
#include "core/NodeCodec.h"
#include "sim/SimKernel.h"

#include "AgentProcess.h"
#include "AgentTestClient.h"
#include "JobTestUtil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace passdeck;
using namespace passdeck::test;

namespace {

QByteArray jsonBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

class JobsClient
{
public:
    explicit JobsClient(const AgentProcess &agent)
        : m_host(agent.host()), m_port(agent.port()), m_token(agent.token().toLatin1())
    {
    }

    RawAnswer get(const QByteArray &path) const { return RawClient(m_host, m_port).request(getRequest(path, m_token)); }
    RawAnswer post(const QByteArray &path, const QJsonObject &body) const
    {
        return RawClient(m_host, m_port).request(postRequest(path, m_token, jsonBytes(body)));
    }
    QByteArray postBytes(const QJsonObject &body) const { return postRequest("/api/v1/jobs", m_token, jsonBytes(body)); }

    Result<BindPlan> plan(const QStringList &addresses) const
    {
        const RawAnswer a = post("/api/v1/plan", {{QStringLiteral("addresses"), QJsonArray::fromStringList(addresses)},
                                                  {QStringLiteral("target"), QStringLiteral("vfio-pci")}});
        if (a.status() != 200)
            return Error::make(ErrorCode::AgentProtocol, QStringLiteral("POST /api/v1/plan"), QString::fromUtf8(a.raw.left(2000)));
        return nodecodec::fromJson<BindPlan>(a.json());
    }

    Result<JobStatus> job(const QString &id) const
    {
        const RawAnswer a = get("/api/v1/jobs/" + id.toLatin1());
        if (a.status() != 200)
            return Error::make(ErrorCode::AgentProtocol, QStringLiteral("GET job"), QString::fromUtf8(a.raw.left(2000)));
        return jobStatusFromJson(a.json());
    }

    // Polls until the job has ended (patiently: a busy machine is slow).
    Result<JobStatus> waitForEnd(const QString &id) const
    {
        QDeadlineTimer deadline(PASSDECK_TEST_PATIENCE_MS);
        for (;;) {
            Result<JobStatus> s = job(id);
            if (!s || jobstate::isEnded(s->state) || deadline.hasExpired())
                return s;
            QTest::qWait(100);
        }
    }

    QString host() const { return m_host; }
    quint16 port() const { return m_port; }

private:
    QString m_host;
    quint16 m_port;
    QByteArray m_token;
};

QJsonObject applyBody(const BindPlan &plan)
{
    ApplyOptions o;
    o.force = true;
    JobRequest r;
    r.kind = JobRequest::Kind::Apply;
    r.plan = plan;
    r.options = o;
    r.clientRef = QStringLiteral("faults");
    return jobRequestToJson(r);
}

QStringList journalFiles(const QString &stateDir)
{
    return QDir(stateDir + QStringLiteral("/jobs")).entryList({QStringLiteral("*.json")}, QDir::Files);
}

QString overrideOf(const QString &root, const QString &address)
{
    return QString::fromLatin1(readRootFile(root, QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(address))).trimmed();
}

} // namespace

class TstAgentJobsFaults : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;

    void makeRoot(int vfs)
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        Error e;
        m_root = buildSimRoot(*m_dir, jobsDescription(vfs), QStringLiteral("root"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
    }

    Status setDelay(int ms) { return std::move(LocalNode::open(m_root, true)).value()->simKernel()->setWriteDelay(ms); }

private Q_SLOTS:
    void killedMidApplyOf64VfsAndRestarted()
    {
        makeRoot(64);
        if (QTest::currentTestFailed())
            return;
        Result<SriovState> sriov = std::move(LocalNode::open(m_root, true)).value()->sriovState(kPf);
        QVERIFY(sriov);
        const QStringList vfs = sriov->vfs;
        QCOMPARE(vfs.size(), 64);
        for (const QString &vf : vfs)
            QCOMPARE(driverOf(m_root, vf), QStringLiteral("iavf"));

        AgentProcess agent(m_root);
        // The agent kills itself with SIGKILL between two writes, at 10 steps done.
        qputenv("PASSDECK_TEST_JOB_KILL_AT", "10");
        const bool started = agent.start();
        qunsetenv("PASSDECK_TEST_JOB_KILL_AT");
        QVERIFY2(started, qPrintable(agent.lastError()));
        JobsClient client(agent);
        Result<BindPlan> plan = client.plan(vfs);
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message()));
        QCOMPARE(plan->devices.size(), 64);

        const RawAnswer posted = client.post("/api/v1/jobs", applyBody(*plan));
        // The agent may die before its answer leaves; the journal names the job either way.
        QVERIFY(agent.process()->waitForFinished(PASSDECK_TEST_PATIENCE_MS));
        QCOMPARE(agent.process()->exitStatus(), QProcess::CrashExit);
        const QStringList files = journalFiles(agent.stateDir());
        QCOMPARE(files.size(), 1);
        const QString id = files.first().chopped(5);
        if (posted.status() != 0) {
            QCOMPARE(posted.status(), 202);
            QCOMPARE(posted.json().value(QStringLiteral("id")).toString(), id);
        }
        // Half-moved: some VF changed, the journal still says running.
        int changed = 0;
        for (const QString &vf : vfs)
            if (driverOf(m_root, vf) != QLatin1String("iavf") || overrideOf(m_root, vf) != QLatin1String("(null)"))
                ++changed;
        QVERIFY2(changed > 0 && changed < 64, qPrintable(QString::number(changed)));
        {
            QFile f(agent.stateDir() + QStringLiteral("/jobs/") + files.first());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject journal = QJsonDocument::fromJson(f.readAll()).object();
            QCOMPARE(journal.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString(),
                     QStringLiteral("running"));
        }
        agent.kill(); // reaps the process object

        QVERIFY2(agent.restart(), qPrintable(agent.lastError()));
        for (const QString &vf : vfs) {
            QCOMPARE(driverOf(m_root, vf), QStringLiteral("iavf"));
            QCOMPARE(overrideOf(m_root, vf), QStringLiteral("(null)"));
        }
        JobsClient again(agent);
        Result<JobStatus> s = again.job(id);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        QCOMPARE(s->state, QStringLiteral("interrupted"));
        QCOMPARE(s->clientRef, QStringLiteral("faults"));
        const Status result = nodecodec::statusFromJson(s->result);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::JobInterrupted);
        QVERIFY2(result.error().why.contains(QLatin1String("put back on their original drivers")), qPrintable(result.error().why));
    }

    void clientGoneRightAfterPost()
    {
        makeRoot(2);
        if (QTest::currentTestFailed())
            return;
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        JobsClient client(agent);
        Result<BindPlan> plan = client.plan({kNic1});
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message()));
        QVERIFY(setDelay(100)); // the job outlives its client by far

        // Write the request and hang up without reading a byte of the answer.
        {
            QSslSocket socket;
            QSslConfiguration conf = socket.sslConfiguration();
            conf.setPeerVerifyMode(QSslSocket::VerifyNone);
            socket.setSslConfiguration(conf);
            QObject::connect(&socket, &QSslSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
            socket.connectToHostEncrypted(agent.host(), agent.port());
            QVERIFY(socket.waitForEncrypted(PASSDECK_TEST_PATIENCE_MS));
            socket.write(client.postBytes(applyBody(*plan)));
            QVERIFY(socket.waitForBytesWritten(PASSDECK_TEST_PATIENCE_MS));
            socket.disconnectFromHost();
        }
        QTRY_COMPARE(journalFiles(agent.stateDir()).size(), 1);
        const QString id = journalFiles(agent.stateDir()).first().chopped(5);
        Result<JobStatus> s = client.waitForEnd(id);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        QCOMPARE(s->state, QStringLiteral("succeeded"));
        QVERIFY(setDelay(0));
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        QCOMPARE(overrideOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        QVERIFY(agent.isRunning());
    }

    void twoClientsOneDevice()
    {
        makeRoot(2);
        if (QTest::currentTestFailed())
            return;
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        JobsClient client(agent);
        Result<BindPlan> plan = client.plan({kNic1});
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message()));
        // Each write takes a second: the first job holds the device long after both requests.
        QVERIFY(setDelay(1000));

        const QByteArray request = client.postBytes(applyBody(*plan));
        RawAnswer answers[2];
        {
            std::thread a([&] { answers[0] = RawClient(client.host(), client.port()).request(request); });
            std::thread b([&] { answers[1] = RawClient(client.host(), client.port()).request(request); });
            a.join();
            b.join();
        }
        QList<int> codes{answers[0].status(), answers[1].status()};
        std::sort(codes.begin(), codes.end());
        QCOMPARE(codes, (QList<int>{202, 409}));
        const RawAnswer &accepted = answers[0].status() == 202 ? answers[0] : answers[1];
        const RawAnswer &refused = answers[0].status() == 202 ? answers[1] : answers[0];
        const QString id = accepted.json().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(refused.errorCode(), QStringLiteral("device-busy"));
        Error busy;
        QVERIFY(nodecodec::errorFromJson(refused.json().value(QStringLiteral("error")), &busy));
        QCOMPARE(busy.device, kNic1);
        QVERIFY2(busy.why.contains(id), qPrintable(busy.why));
        QCOMPARE(journalFiles(agent.stateDir()).size(), 1); // the refused one never started

        Result<JobStatus> s = client.waitForEnd(id);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        QCOMPARE(s->state, QStringLiteral("succeeded"));
        QVERIFY(setDelay(0));
        // Moved whole, by one job.
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        QCOMPARE(overrideOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(m_root, kNic2), QStringLiteral("igb"));
    }

    void cleanup()
    {
        qunsetenv("PASSDECK_TEST_JOB_KILL_AT");
        m_dir.reset();
    }
};

QTEST_GUILESS_MAIN(TstAgentJobsFaults)
#include "tst_agent_jobs_faults.moc"
