// The agent's HTTPS server in-process, attacked at every layer (docs/agent-api.md): no token,
// a wrong one, one a character off, one sent too slowly → 401/408 and nothing else, and the
// simulated sysfs untouched; garbage instead of TLS, a TLS session sending junk, oversized and
// truncated requests, unknown paths and methods, 1,000 random requests — and after all of it
// a valid GET /api/v1/node still answers 200. Repeated failures are slowed (order of events
// and the server's counter, no wall-clock bound).
#include "AgentTestClient.h"
#include "AgentTestUtil.h"

#include "node/LocalNodeConnector.h"
#include "remote/server/AgentIdentity.h"
#include "remote/server/AgentServer.h"
#include "remote/server/Routes.h"

#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

class TstAgentHttp : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_root;
    QByteArray m_token;
    std::unique_ptr<Routes> m_routes;
    std::unique_ptr<AgentServer> m_server;
    AgentServer::Options m_options;

    RawClient client() const { return RawClient(QStringLiteral("127.0.0.1"), m_server->serverPort()); }

    // The body holds exactly {"error": {...}} with that code.
    static void verifyOnlyError(const RawAnswer &a, const QString &code)
    {
        const QJsonObject o = a.json();
        QCOMPARE(o.keys(), QStringList{QStringLiteral("error")});
        QCOMPARE(a.errorCode(), code);
    }

    void verifyStillServes()
    {
        const RawAnswer a = client().request(getRequest("/api/v1/node", m_token));
        QCOMPARE(a.status(), 200);
        QCOMPARE(a.json().value(QStringLiteral("api_version")).toInt(), 1);
        QVERIFY(a.json().value(QStringLiteral("simulated")).toBool());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_root = buildAgentRoot(m_dir.path(), QStringLiteral("node-a"), &error);
        QVERIFY2(!m_root.isEmpty(), qPrintable(error));
        Result<AgentIdentity> identity = AgentIdentity::loadOrCreate(m_dir.path() + QStringLiteral("/state"), QStringLiteral("testhost"));
        QVERIFY2(identity.ok(), identity.ok() ? "" : qPrintable(identity.error().message()));
        m_token = identity->token();
        NodeInfo info;
        info.hostRoot = m_root;
        info.simulated = true;
        const NodeFactory factory = localNodes();
        m_routes = std::make_unique<Routes>([factory, info] { return factory(info); });
        m_options.address = QHostAddress::LocalHost;
        m_options.port = 0;
        // Short limits so that the timeout cases take seconds, not half a minute.
        m_options.headTimeoutMs = 1500;
        m_options.bodyTimeoutMs = 1500;
        m_options.handshakeTimeoutMs = 1500;
        m_options.throttle.freeAttempts = 1000000; // the throttle has its own test below
        m_server = std::make_unique<AgentServer>(*identity, m_routes.get(), m_options);
        const Status st = m_server->listen();
        QVERIFY2(st.ok(), st.ok() ? "" : qPrintable(st.error().message()));
        QVERIFY(m_server->serverPort() != 0);
    }

    void cleanupTestCase()
    {
        m_server.reset();
    }

    void validRequestsAnswer()
    {
        verifyStillServes();
        RawAnswer a = client().request(getRequest("/api/v1/devices", m_token));
        QCOMPARE(a.status(), 200);
        QVERIFY(!a.json().isEmpty());
        QCOMPARE(a.header("Content-Type"), QByteArray("application/json"));
        a = client().request(getRequest("/api/v1/capabilities?iommu_group=1", m_token));
        QCOMPARE(a.status(), 200);
        a = client().request(getRequest("/api/v1/mounts", m_token));
        QCOMPARE(a.status(), 200);
        // A node error is a 422 with the node's Error.
        a = client().request(getRequest("/api/v1/sriov/0000:99:00.0", m_token));
        QCOMPARE(a.status(), 422);
        QVERIFY(!a.errorCode().isEmpty());
        a = client().request(getRequest("/api/v1/driver-states?addresses=not-an-address", m_token));
        QCOMPARE(a.status(), 422);
    }

    void unauthenticated_data()
    {
        // Rows name the mutation; the test applies it to the token of the running server.
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("no token") << QByteArray("none");
        QTest::newRow("wrong token") << QByteArray("wrong");
        QTest::newRow("one char off") << QByteArray("offbyone");
        QTest::newRow("one char short") << QByteArray("short");
        QTest::newRow("one char long") << QByteArray("long");
        QTest::newRow("basic scheme") << QByteArray("basic");
        QTest::newRow("empty bearer") << QByteArray("empty");
        QTest::newRow("unknown path, no token") << QByteArray("unknown-path");
        QTest::newRow("wrong method, no token") << QByteArray("wrong-method");
        QTest::newRow("job post, wrong token") << QByteArray("post-job");
    }
    void unauthenticated()
    {
        QFETCH(QByteArray, request);
        QByteArray bad = m_token;
        bad[10] = bad[10] == 'a' ? 'b' : 'a';
        QByteArray wire;
        if (request == "none")
            wire = getRequest("/api/v1/devices", QByteArray());
        else if (request == "wrong")
            wire = getRequest("/api/v1/devices", QByteArray(64, 'f'));
        else if (request == "offbyone")
            wire = getRequest("/api/v1/devices", bad);
        else if (request == "short")
            wire = getRequest("/api/v1/devices", m_token.left(63));
        else if (request == "long")
            wire = getRequest("/api/v1/devices", m_token + "0");
        else if (request == "basic")
            wire = "GET /api/v1/devices HTTP/1.1\r\nAuthorization: Basic " + m_token + "\r\n\r\n";
        else if (request == "empty")
            wire = "GET /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer\r\n\r\n";
        else if (request == "unknown-path")
            wire = getRequest("/api/v1/no-such-thing", QByteArray());
        else if (request == "wrong-method")
            wire = "DELETE /api/v1/devices HTTP/1.1\r\n\r\n";
        else
            wire = postRequest("/api/v1/jobs", bad, R"({"kind":"reboot"})");

        const QByteArray before = treeDigest(m_root);
        const RawAnswer a = client().request(wire);
        QCOMPARE(a.status(), 401);
        verifyOnlyError(a, QStringLiteral("unauthorized"));
        QVERIFY(a.closed);
        QCOMPARE(treeDigest(m_root), before);
    }

    void tokenTooSlow()
    {
        // The head trickles in and never completes within the limit: 408, nothing read further.
        const QByteArray before = treeDigest(m_root);
        const QByteArray wire = getRequest("/api/v1/devices", m_token);
        QList<QByteArray> parts;
        for (qsizetype i = 0; i + 10 < wire.size(); i += 10)
            parts << wire.mid(i, 10);
        const RawAnswer a = client().send(parts, 400);
        QCOMPARE(a.status(), 408);
        verifyOnlyError(a, QStringLiteral("busy"));
        QCOMPARE(treeDigest(m_root), before);
        // The body too slow after a good head: 408.
        const RawAnswer b = client().send({postRequest("/api/v1/plan", m_token, "{}").replace("Content-Length: 2", "Content-Length: 20")});
        QCOMPARE(b.status(), 408);
        verifyStillServes();
    }

    void garbageInsteadOfTls()
    {
        const AgentServer::Counters before = m_server->counters();
        QRandomGenerator rng(7);
        QByteArray junk(4096, Qt::Uninitialized);
        for (char &c : junk)
            c = char(rng.bounded(256));
        const RawAnswer a = client().send({"GET /api/v1/node HTTP/1.1\r\n\r\n", junk}, 0, 120000, false);
        QVERIFY(a.connected);
        QVERIFY(a.closed);
        QVERIFY(!a.raw.startsWith("HTTP/1.1 200"));
        // A client that opens TCP and says nothing: closed when the handshake times out.
        const RawAnswer silent = client().send({}, 0, 120000, false);
        QVERIFY(silent.closed);
        QVERIFY(silent.raw.isEmpty());
        // Accepted over TCP, never a TLS session, and closed by the agent.
        QCOMPARE(m_server->counters().tcpConnections, before.tcpConnections + 2);
        QCOMPARE(m_server->counters().connections, before.connections);
        verifyStillServes();
        QCOMPARE(m_server->counters().connections, before.connections + 1);
    }

    void tlsJunk()
    {
        const QByteArray junk("\x00\x01\x02\xff\xfe garbage \r\n\r\n", 18);
        const RawAnswer a = client().request(junk);
        QCOMPARE(a.status(), 400);
        verifyOnlyError(a, QStringLiteral("bad-message"));
        QVERIFY(!a.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("why")).toString().isEmpty());
        verifyStillServes();
    }

    void oversized()
    {
        // Headers past 16 KiB: 413 even before the head ends.
        RawAnswer a = client().request("GET /api/v1/node HTTP/1.1\r\nX-Pad: " + QByteArray(20000, 'x') + "\r\n\r\n");
        QCOMPARE(a.status(), 413);
        verifyOnlyError(a, QStringLiteral("bad-message"));
        // A body past 1 MiB (announced): 413 without reading it.
        a = client().request(postRequest("/api/v1/plan", m_token, "{}").replace("Content-Length: 2", "Content-Length: 2000000"));
        QCOMPARE(a.status(), 413);
        // Chunked: 411.
        a = client().request("POST /api/v1/plan HTTP/1.1\r\nAuthorization: Bearer " + m_token
                             + "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        QCOMPARE(a.status(), 411);
        verifyStillServes();
    }

    void truncated()
    {
        // The client goes away half-way: nothing to answer, the agent goes on.
        RawClient c = client();
        RawAnswer a = c.send({QByteArray("GET /api/v1/node HTTP/1.1\r\nAuthor")}, 0, 200);
        QVERIFY(a.raw.isEmpty());
        // Half a body, then silence: 408.
        a = c.request(postRequest("/api/v1/plan", m_token, R"({"addresses":[],"target":"vfio-pci"})").chopped(5));
        QCOMPARE(a.status(), 408);
        verifyStillServes();
    }

    void unknownPathAndMethod()
    {
        RawAnswer a = client().request(getRequest("/api/v1/no-such-thing", m_token));
        QCOMPARE(a.status(), 404);
        verifyOnlyError(a, QStringLiteral("not-found"));
        a = client().request(getRequest("/api/v2/node", m_token));
        QCOMPARE(a.status(), 404);
        a = client().request(getRequest("/api/v1/node/", m_token));
        QCOMPARE(a.status(), 404);
        a = client().request(getRequest("/", m_token));
        QCOMPARE(a.status(), 404);
        a = client().request(postRequest("/api/v1/devices", m_token, "{}"));
        QCOMPARE(a.status(), 405);
        QCOMPARE(a.header("Allow"), QByteArray("GET"));
        a = client().request("DELETE /api/v1/jobs HTTP/1.1\r\nAuthorization: Bearer " + m_token + "\r\n\r\n");
        QCOMPARE(a.status(), 405);
        a = client().request(getRequest("/api/v1/plan", m_token));
        QCOMPARE(a.status(), 405);
        QCOMPARE(a.header("Allow"), QByteArray("POST"));
    }

    void badArguments()
    {
        RawAnswer a = client().request(getRequest("/api/v1/capabilities?iommu_group=x", m_token));
        QCOMPARE(a.status(), 400);
        verifyOnlyError(a, QStringLiteral("bad-message"));
        a = client().request(postRequest("/api/v1/plan", m_token, "not json"));
        QCOMPARE(a.status(), 400);
        a = client().request(postRequest("/api/v1/plan", m_token, R"({"addresses":"0000:01:00.0","target":"vfio-pci"})"));
        QCOMPARE(a.status(), 400);
        a = client().request(postRequest("/api/v1/plan", m_token, R"({"addresses":[],"target":"elsewhere"})"));
        QCOMPARE(a.status(), 400);
        a = client().request(getRequest("/api/v1/sriov/0000:01:00.0/impact?count=-3", m_token));
        QCOMPARE(a.status(), 400);
    }

    void randomRequests()
    {
        // 1,000 requests from a fixed seed: valid ones with bytes flipped, inserted or cut, and
        // plain random bytes; 50 connections at a time. The agent answers what it can and stays up.
        QRandomGenerator rng(20261201);
        const QList<QByteArray> valid{
            getRequest("/api/v1/node", m_token), getRequest("/api/v1/devices", m_token),
            getRequest("/api/v1/capabilities?iommu_group=2", m_token),
            getRequest("/api/v1/driver-states?addresses=0000:01:00.0", m_token),
            postRequest("/api/v1/plan", m_token, R"({"addresses":["0000:01:00.0"],"target":"vfio-pci"})"),
            getRequest("/api/v1/sriov/0000:03:00.0/impact?count=2", m_token),
        };
        const QByteArray before = treeDigest(m_root);
        int sent = 0;
        QHash<int, int> statuses;
        while (sent < 1000) {
            QList<std::shared_ptr<QSslSocket>> batch;
            QList<std::shared_ptr<QByteArray>> answers;
            for (int i = 0; i < 50 && sent < 1000; ++i, ++sent) {
                QByteArray bytes;
                if (rng.bounded(4) == 0) {
                    bytes.resize(rng.bounded(1, 600));
                    for (char &c : bytes)
                        c = char(rng.bounded(256));
                } else {
                    bytes = valid.at(rng.bounded(int(valid.size())));
                    const int edits = rng.bounded(1, 6);
                    for (int e = 0; e < edits && !bytes.isEmpty(); ++e) {
                        const int at = rng.bounded(int(bytes.size()));
                        switch (rng.bounded(3)) {
                        case 0: bytes[at] = char(rng.bounded(256)); break;
                        case 1: bytes.insert(at, char(rng.bounded(256))); break;
                        default: bytes.remove(at, rng.bounded(1, 8)); break;
                        }
                    }
                }
                auto socket = std::make_shared<QSslSocket>();
                auto answer = std::make_shared<QByteArray>();
                QSslConfiguration conf = socket->sslConfiguration();
                conf.setPeerVerifyMode(QSslSocket::VerifyNone);
                socket->setSslConfiguration(conf);
                QSslSocket *s = socket.get();
                // The client sends and waits: the agent answers, refuses, or times the
                // request out (1.5 s here) — every connection ends by the agent's doing.
                connect(s, &QSslSocket::encrypted, s, [s, bytes] { s->write(bytes); });
                connect(s, &QSslSocket::readyRead, s, [s, answer] { *answer += s->readAll(); });
                s->connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server->serverPort());
                batch << socket;
                answers << answer;
            }
            QTRY_VERIFY_WITH_TIMEOUT(std::all_of(batch.cbegin(), batch.cend(),
                                                 [](const auto &s) { return s->state() == QAbstractSocket::UnconnectedState; }),
                                     120000);
            for (const auto &a : answers)
                if (a->startsWith("HTTP/1.1 "))
                    ++statuses[a->mid(9, 3).toInt()];
        }
        QVERIFY(!statuses.contains(500));
        QVERIFY(statuses.value(400) > 0);
        QVERIFY(statuses.value(200) + statuses.value(401) + statuses.value(404) + statuses.value(422) > 0);
        qInfo() << "answers by status:" << statuses;
        QCOMPARE(treeDigest(m_root), before); // reads and refusals only: nothing written
        verifyStillServes();
    }

    void readsRunConcurrently()
    {
        // The first read's node is held until released; a second read is answered meanwhile:
        // reads do not wait for each other (the order of answers shows it, no clock is read).
        QSemaphore release;
        std::atomic<int> calls{0};
        NodeInfo info;
        info.hostRoot = m_root;
        info.simulated = true;
        const NodeFactory factory = localNodes();
        Routes routes([&, factory, info] {
            if (calls.fetch_add(1) == 0)
                release.acquire();
            return factory(info);
        });
        Result<AgentIdentity> identity = AgentIdentity::loadOrCreate(m_dir.path() + QStringLiteral("/state"));
        QVERIFY(identity.ok());
        AgentServer server(*identity, &routes, m_options);
        // A failed check must not leave the read blocked (the server waits for it when destroyed).
        const auto unblock = qScopeGuard([&release] { release.release(); });
        QVERIFY(server.listen().ok());
        QStringList order;
        connect(&server, &AgentServer::answered, this, [&order](int status, const QString &) { order << QString::number(status); });
        QSslSocket first;
        QSslConfiguration conf = first.sslConfiguration();
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
        first.setSslConfiguration(conf);
        QByteArray firstAnswer;
        connect(&first, &QSslSocket::encrypted, &first, [&] { first.write(getRequest("/api/v1/sriov/0000:99:00.0", m_token)); });
        connect(&first, &QSslSocket::readyRead, &first, [&] { firstAnswer += first.readAll(); });
        first.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        QTRY_COMPARE(calls.load(), 1);
        RawClient c(QStringLiteral("127.0.0.1"), server.serverPort());
        QCOMPARE(c.request(getRequest("/api/v1/node", m_token)).status(), 200);
        QCOMPARE(order, QStringList{QStringLiteral("200")});
        release.release();
        QTRY_VERIFY(firstAnswer.startsWith("HTTP/1.1 422"));
        QCOMPARE(order, (QStringList{QStringLiteral("200"), QStringLiteral("422")}));
    }

    void failuresAreSlowed()
    {
        // A server of its own with a low threshold: two free failures, then 3 s held back.
        AgentServer::Options options = m_options;
        options.throttle.freeAttempts = 2;
        options.throttle.firstDelayMs = 3000;
        Result<AgentIdentity> identity = AgentIdentity::loadOrCreate(m_dir.path() + QStringLiteral("/state"));
        QVERIFY(identity.ok());
        AgentServer server(*identity, m_routes.get(), options);
        QVERIFY(server.listen().ok());
        RawClient c(QStringLiteral("127.0.0.1"), server.serverPort());
        const QByteArray wrong = getRequest("/api/v1/no-such-thing", QByteArray(64, '0'));
        QCOMPARE(c.request(wrong).status(), 401);
        QCOMPARE(c.request(wrong).status(), 401);
        QCOMPARE(server.auth().throttledCount(), 0u);

        // The third failure is held back; a request with the token, sent after it, is answered
        // before it: the order of the server's answers shows the delay, no clock is read.
        QStringList order;
        connect(&server, &AgentServer::answered, this, [&order](int status, const QString &) { order << QString::number(status); });
        QSslSocket slow;
        QSslConfiguration conf = slow.sslConfiguration();
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
        slow.setSslConfiguration(conf);
        QByteArray slowAnswer;
        connect(&slow, &QSslSocket::encrypted, &slow, [&] { slow.write(wrong); });
        connect(&slow, &QSslSocket::readyRead, &slow, [&] { slowAnswer += slow.readAll(); });
        slow.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        QTRY_COMPARE(server.auth().throttledCount(), 1u);
        QCOMPARE(c.request(getRequest("/api/v1/no-such-thing", m_token)).status(), 404);
        QTRY_VERIFY_WITH_TIMEOUT(slowAnswer.startsWith("HTTP/1.1 401"), 120000);
        QCOMPARE(order, (QStringList{QStringLiteral("404"), QStringLiteral("401")}));
        QCOMPARE(server.auth().failureCount(), 3u);
    }
};

QTEST_GUILESS_MAIN(TstAgentHttp)
#include "tst_agent_http.moc"
