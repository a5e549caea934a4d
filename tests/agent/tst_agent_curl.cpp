// curl, as an administrator's script would use the agent (docs/agent-api.md, "curl"): the
// certificate from STATE/cert.pem (no -k), the token from STATE/token; list the devices, ask
// for a plan, POST it as a job and follow GET /api/v1/jobs/{id} to the end; the simulated
// sysfs shows the device moved.
#include "AgentProcess.h"
#include "JobTestUtil.h"

#include "core/NodeCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

class TstAgentCurl : public QObject
{
    Q_OBJECT

    QString m_curl;
    QTemporaryDir m_dir;

    struct CurlAnswer
    {
        int exitCode = -1;
        int status = 0;
        QByteArray headers;
        QByteArray body;
        QByteArray err;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    // curl [args] URL with the agent's certificate and token; headers and status kept apart.
    CurlAnswer curl(const AgentProcess &agent, const QString &host, const QString &path, const QStringList &extra = {},
                    bool withToken = true)
    {
        const QString headerFile = m_dir.path() + QStringLiteral("/headers.txt");
        QStringList args{QStringLiteral("-sS"), QStringLiteral("--cacert"), agent.certPath(), QStringLiteral("-D"), headerFile,
                         QStringLiteral("-w"), QStringLiteral("\n%{http_code}")};
        if (withToken)
            args << QStringLiteral("-H") << QStringLiteral("Authorization: Bearer ") + agent.token();
        args << extra << QStringLiteral("https://%1:%2%3").arg(host).arg(agent.port()).arg(path);
        QProcess p;
        p.start(m_curl, args);
        CurlAnswer a;
        if (!p.waitForStarted(300000) || !p.waitForFinished(300000))
            return a;
        a.exitCode = p.exitCode();
        QByteArray out = p.readAllStandardOutput();
        const qsizetype nl = out.lastIndexOf('\n');
        a.status = out.mid(nl + 1).toInt();
        a.body = out.left(nl);
        a.err = p.readAllStandardError();
        QFile h(headerFile);
        if (h.open(QIODevice::ReadOnly))
            a.headers = h.readAll();
        return a;
    }

    QByteArray headerValue(const QByteArray &headers, const QByteArray &name)
    {
        for (const QByteArray &line : headers.split('\n'))
            if (line.toLower().startsWith(QByteArray(name.toLower() + ':')))
                return line.mid(name.size() + 1).trimmed();
        return {};
    }

private Q_SLOTS:
    void listDevicesAndFollowAJob()
    {
        m_curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
        if (m_curl.isEmpty())
            QSKIP("curl is not installed (scripts/setup test installs it)");
        Error e;
        const QString root = buildSimRoot(m_dir, jobsDescription(2), QStringLiteral("root"), &e);
        QVERIFY2(!root.isEmpty(), qPrintable(e.message()));
        AgentProcess agent(root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));

        // The devices; once by IP, once by the name localhost (both in the certificate).
        for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
            const CurlAnswer devices = curl(agent, host, QStringLiteral("/api/v1/devices"));
            QVERIFY2(devices.exitCode == 0, devices.err.constData());
            QCOMPARE(devices.status, 200);
            QStringList addresses;
            for (const QJsonValue &d : devices.json().value(QStringLiteral("devices")).toArray())
                addresses << d.toObject().value(QStringLiteral("address")).toString();
            QVERIFY2(addresses.contains(kNic1), qPrintable(addresses.join(u',')));
        }
        // Without the token: 401; without the certificate curl refuses the self-signed agent.
        CurlAnswer refused = curl(agent, QStringLiteral("127.0.0.1"), QStringLiteral("/api/v1/devices"), {}, false);
        QCOMPARE(refused.status, 401);
        QVERIFY(refused.body.contains("unauthorized"));

        // A plan for the NIC, then the job.
        const QString planFile = m_dir.path() + QStringLiteral("/plan.json");
        {
            QFile f(planFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(QJsonObject{{QStringLiteral("addresses"), QJsonArray{kNic1}},
                                              {QStringLiteral("target"), QStringLiteral("vfio-pci")}}).toJson());
        }
        const QStringList post{QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                               QStringLiteral("Content-Type: application/json")};
        const CurlAnswer plan = curl(agent, QStringLiteral("127.0.0.1"), QStringLiteral("/api/v1/plan"),
                                     post + QStringList{QStringLiteral("--data-binary"), u'@' + planFile});
        QCOMPARE(plan.status, 200);
        QVERIFY2(plan.json().value(QStringLiteral("devices")).toArray().contains(kNic1), plan.body.constData());

        const QString jobFile = m_dir.path() + QStringLiteral("/job.json");
        {
            QFile f(jobFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(QJsonObject{{QStringLiteral("kind"), QStringLiteral("apply")},
                                              {QStringLiteral("plan"), plan.json()},
                                              {QStringLiteral("options"), nodecodec::toJson(ApplyOptions())},
                                              {QStringLiteral("client_ref"), QStringLiteral("curl-test")}}).toJson());
        }
        const CurlAnswer posted = curl(agent, QStringLiteral("127.0.0.1"), QStringLiteral("/api/v1/jobs"),
                                       post + QStringList{QStringLiteral("--data-binary"), u'@' + jobFile});
        QVERIFY2(posted.status == 202, posted.body.constData());
        const QString id = posted.json().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        const QByteArray location = headerValue(posted.headers, "Location");
        QCOMPARE(location, QByteArray("/api/v1/jobs/") + id.toLatin1());

        // Follow it to its end.
        QJsonObject status;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const CurlAnswer s = curl(agent, QStringLiteral("127.0.0.1"), QString::fromLatin1(location));
                                     status = s.json();
                                     return s.status == 200 && !status.value(QStringLiteral("ended")).isNull()
                                         && status.contains(QStringLiteral("ended"));
                                 }()),
                                 PASSDECK_TEST_PATIENCE_MS);
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(status.value(QStringLiteral("client_ref")).toString(), QStringLiteral("curl-test"));
        QCOMPARE(status.value(QStringLiteral("result")).toObject().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(driverOf(root, kNic1), QStringLiteral("vfio-pci"));

        // The list has it; an unknown id is 404 unknown-job.
        const CurlAnswer list = curl(agent, QStringLiteral("127.0.0.1"), QStringLiteral("/api/v1/jobs"));
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json().value(QStringLiteral("jobs")).toArray().first().toObject().value(QStringLiteral("id")).toString(), id);
        const CurlAnswer unknown = curl(agent, QStringLiteral("127.0.0.1"), QStringLiteral("/api/v1/jobs/no-such-job"));
        QCOMPARE(unknown.status, 404);
        QVERIFY(unknown.body.contains("unknown-job"));
        QCOMPARE(agent.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TstAgentCurl)
#include "tst_agent_curl.moc"
