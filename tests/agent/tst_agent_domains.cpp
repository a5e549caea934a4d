// passdeckd's domain routes and jobs on a simulated root (docs/libvirt.md, "The agent"):
// GET /api/v1/domains, GET …/xml, POST /api/v1/domains, the change-domain, attach-live and
// undefine-domain jobs, and an agent killed mid-change that puts the previous definition back
// at its next start.
#include "core/JobCodec.h"
#include "core/NodeCodec.h"
#include "node/LocalNode.h"

#include "AgentProcess.h"
#include "AgentTestClient.h"
#include "SimTestUtil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {

const QString kGpu = QStringLiteral("0000:02:00.0");
const QString kForeign = QStringLiteral("0000:03:00.0");

class Client
{
public:
    explicit Client(const AgentProcess &agent) : m_host(agent.host()), m_port(agent.port()), m_token(agent.token().toLatin1()) {}

    RawAnswer get(const QByteArray &path) const { return RawClient(m_host, m_port).request(getRequest(path, m_token)); }
    RawAnswer post(const QByteArray &path, const QJsonObject &body) const
    {
        return RawClient(m_host, m_port).request(postRequest(path, m_token, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    }
    Result<JobStatus> waitForEnd(const QString &id) const
    {
        QDeadlineTimer deadline(PASSDECK_TEST_PATIENCE_MS);
        for (;;) {
            const RawAnswer a = get("/api/v1/jobs/" + id.toLatin1());
            Result<JobStatus> s = jobStatusFromJson(a.json());
            if (!s || jobstate::isEnded(s->state) || deadline.hasExpired())
                return s;
            QTest::qWait(50);
        }
    }
    // Posts the job and waits for its end.
    Result<JobStatus> run(const JobRequest &request) const
    {
        const RawAnswer a = post("/api/v1/jobs", jobRequestToJson(request));
        if (a.status() != 202)
            return Error::make(ErrorCode::AgentProtocol, QStringLiteral("POST /api/v1/jobs"), QString::fromUtf8(a.raw.left(2000)));
        return waitForEnd(a.json().value(QStringLiteral("id")).toString());
    }

private:
    QString m_host;
    quint16 m_port;
    QByteArray m_token;
};

QJsonObject description()
{
    QJsonObject d = demoDescription(QStringLiteral("node-a"));
    d.insert(QStringLiteral("domains"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("web")}, {QStringLiteral("state"), QStringLiteral("running")},
                                    {QStringLiteral("hostdevs"), QJsonArray{kForeign}}},
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("db")}}});
    return d;
}

JobRequest changeJob(const QString &name, const QStringList &hostdevs, bool start = true)
{
    JobRequest r;
    r.kind = JobRequest::Kind::ChangeDomain;
    r.change.name = name;
    r.change.hostdevs = hostdevs;
    r.change.start = start;
    r.change.shutdownTimeoutSec = 5;
    return r;
}

} // namespace

class TstAgentDomains : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;

    QString localXml(const QString &name)
    {
        auto node = LocalNode::open(m_root, true);
        auto xml = node.value()->domainXml(name);
        return xml ? *xml : QString();
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        Error e;
        m_root = buildSimRoot(*m_dir, description(), QStringLiteral("root"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
    }

    void readsAndDefines()
    {
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        Client client(agent);
        const RawAnswer list = client.get("/api/v1/domains");
        QCOMPARE(list.status(), 200);
        Result<QList<DomainInfo>> domains = nodecodec::fromJson<QList<DomainInfo>>(list.json());
        QVERIFY2(domains, domains ? "" : qPrintable(domains.error().message()));
        QCOMPARE(domains->size(), 2);
        QCOMPARE(domains->at(1).name, QStringLiteral("web"));
        QCOMPARE(domains->at(1).state, DomainState::Running);

        const RawAnswer xml = client.get("/api/v1/domains/web/xml");
        QCOMPARE(xml.status(), 200);
        QVERIFY(xml.json().value(QStringLiteral("xml")).toString().contains(QStringLiteral("<name>web</name>")));
        QCOMPARE(client.get("/api/v1/domains/nope/xml").errorCode(), QStringLiteral("domain-not-found"));
        QCOMPARE(client.get("/api/v1/domains/nope/xml").status(), 422);
        QCOMPARE(client.get("/api/v1/domains/web/config").status(), 404);

        const RawAnswer defined = client.post("/api/v1/domains", nodecodec::toJson(DomainDefinition{QStringLiteral("new"), 2, 1024}));
        QCOMPARE(defined.status(), 200);
        QCOMPARE(defined.json().value(QStringLiteral("state")).toString(), QStringLiteral("shut-off"));
        const RawAnswer again = client.post("/api/v1/domains", nodecodec::toJson(DomainDefinition{QStringLiteral("new"), 2, 1024}));
        QCOMPARE(again.status(), 422);
        QCOMPARE(again.errorCode(), QStringLiteral("domain-exists"));
        const RawAnswer bad = client.post("/api/v1/domains", QJsonObject{{QStringLiteral("name"), QStringLiteral("a/b")},
                                                                        {QStringLiteral("vcpus"), 1},
                                                                        {QStringLiteral("memoryMiB"), 1}});
        QCOMPARE(bad.status(), 400);
        QCOMPARE(bad.errorCode(), QStringLiteral("bad-message"));
        // The file is the node's libvirt: a LocalNode on the root sees the agent's define.
        QVERIFY(localXml(QStringLiteral("new")).contains(QStringLiteral("<name>new</name>")));
    }

    void jobs()
    {
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        Client client(agent);
        Result<JobStatus> changed = client.run(changeJob(QStringLiteral("web"), {kGpu}));
        QVERIFY2(changed, changed ? "" : qPrintable(changed.error().message()));
        QCOMPARE(changed->state, QStringLiteral("succeeded"));
        Result<QJsonValue> value = nodecodec::unwrapResult(changed->result);
        QVERIFY(value);
        Result<DomainInfo> info = nodecodec::fromJson<DomainInfo>(*value);
        QVERIFY(info);
        QCOMPARE(info->hostdevs.size(), 2);
        QVERIFY(localXml(QStringLiteral("web")).contains(QStringLiteral("address=\"0000:02:00.0\"")));

        JobRequest attach;
        attach.kind = JobRequest::Kind::AttachLive;
        attach.domain = QStringLiteral("web");
        attach.addresses = {QStringLiteral("0000:04:00.0")};
        Result<JobStatus> refused = client.run(attach);
        QVERIFY(refused);
        QCOMPARE(refused->state, QStringLiteral("failed"));
        Result<QJsonValue> why = nodecodec::unwrapResult(refused->result);
        QVERIFY(!why);
        QCOMPARE(why.error().code, ErrorCode::LiveAttachRefused);

        JobRequest undefine;
        undefine.kind = JobRequest::Kind::UndefineDomain;
        undefine.domain = QStringLiteral("db");
        Result<JobStatus> gone = client.run(undefine);
        QVERIFY(gone);
        QCOMPARE(gone->state, QStringLiteral("succeeded"));
        QVERIFY(localXml(QStringLiteral("db")).isEmpty());

        // A job for a domain that does not exist is refused before it is journaled.
        const RawAnswer missing = client.post("/api/v1/jobs", jobRequestToJson(changeJob(QStringLiteral("nope"), {})));
        QCOMPARE(missing.status(), 422);
        QCOMPARE(missing.errorCode(), QStringLiteral("domain-not-found"));
    }

    void killedMidChangePutsThePreviousDefinitionBack()
    {
        const QString before = localXml(QStringLiteral("web"));
        QVERIFY(!before.isEmpty());
        AgentProcess agent(m_root);
        // The agent kills itself after the change, before the job's end is journaled.
        qputenv("PASSDECK_TEST_JOB_KILL_AT", "1");
        const bool started = agent.start();
        qunsetenv("PASSDECK_TEST_JOB_KILL_AT");
        QVERIFY2(started, qPrintable(agent.lastError()));
        Client client(agent);
        client.post("/api/v1/jobs", jobRequestToJson(changeJob(QStringLiteral("web"), {kGpu}, false)));
        QVERIFY(agent.process()->waitForFinished(PASSDECK_TEST_PATIENCE_MS));
        QCOMPARE(agent.process()->exitStatus(), QProcess::CrashExit);
        // The change happened: the new definition is in the file, the VM is off.
        QVERIFY(localXml(QStringLiteral("web")).contains(QStringLiteral("address=\"0000:02:00.0\"")));
        const QStringList files = QDir(agent.stateDir() + QStringLiteral("/jobs")).entryList({QStringLiteral("*.json")}, QDir::Files);
        QCOMPARE(files.size(), 1);
        agent.kill();

        QVERIFY2(agent.restart(), qPrintable(agent.lastError()));
        QCOMPARE(localXml(QStringLiteral("web")), before);
        auto node = LocalNode::open(m_root, true);
        auto list = node.value()->domains();
        QVERIFY(list);
        for (const DomainInfo &d : *list)
            if (d.name == QLatin1String("web"))
                QCOMPARE(d.state, DomainState::Running);
        Client again(agent);
        const RawAnswer status = again.get("/api/v1/jobs/" + files.first().chopped(5).toLatin1());
        QCOMPARE(status.json().value(QStringLiteral("state")).toString(), QStringLiteral("interrupted"));
    }
};

QTEST_GUILESS_MAIN(TstAgentDomains)
#include "tst_agent_domains.moc"
