// AgentClient against canned servers on 127.0.0.1 (no passdeckd): what each kind of answer or
// failure becomes — the pin accepted and refused, 401, an agent's Error body with its code, an
// answer that is not the API, a peer that is not TLS, one that never answers, nobody listening.
// The servers live on the test's thread: the client's own event loop serves them meanwhile.
#include "remote/client/AgentClient.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;

namespace {

const QString kToken = QString(64, u'7');

// A server that answers every request with one canned HTTP response (or nothing at all), and
// remembers the last request's head.
class CannedServer : public QObject
{
public:
    enum class Mode { Tls, PlainHttp, Silent };

    CannedServer(Mode mode, const QSslCertificate &cert = QSslCertificate(), const QSslKey &key = QSslKey()) : m_mode(mode)
    {
        if (mode == Mode::Tls) {
            auto *ssl = new QSslServer(this);
            QSslConfiguration config = QSslConfiguration::defaultConfiguration();
            config.setLocalCertificate(cert);
            config.setPrivateKey(key);
            ssl->setSslConfiguration(config);
            m_server = ssl;
        } else {
            m_server = new QTcpServer(this);
        }
        QObject::connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection())
                serve(socket);
        });
        m_server->listen(QHostAddress::LocalHost, 0);
    }

    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_server->serverPort()); }
    void setAnswer(int status, const QByteArray &body)
    {
        m_answer = "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }
    QByteArray lastRequest() const { return m_request; }

private:
    void serve(QTcpSocket *socket)
    {
        m_sockets.append(socket);
        if (m_mode == Mode::Silent)
            return;
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            m_buffer[socket] += socket->readAll();
            if (!m_buffer[socket].contains("\r\n\r\n"))
                return;
            m_request = m_buffer[socket];
            socket->write(m_answer);
            socket->disconnectFromHost();
        });
    }

    Mode m_mode;
    QTcpServer *m_server = nullptr;
    QByteArray m_answer;
    QByteArray m_request;
    QHash<QTcpSocket *, QByteArray> m_buffer;
    QList<QTcpSocket *> m_sockets;
};

} // namespace

class TstAgentClient : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QSslCertificate m_cert;
    QSslKey m_key;
    QSslCertificate m_otherCert;
    QSslKey m_otherKey;

    bool makeIdentity(const QString &name, QSslCertificate *cert, QSslKey *key)
    {
        const QString keyPath = m_dir.filePath(name + QStringLiteral(".key"));
        const QString certPath = m_dir.filePath(name + QStringLiteral(".pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), keyPath, QStringLiteral("-out"), certPath, QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=passdeckd-test")});
        if (!openssl.waitForFinished(120000) || openssl.exitCode() != 0)
            return false;
        QFile k(keyPath), c(certPath);
        if (!k.open(QIODevice::ReadOnly) || !c.open(QIODevice::ReadOnly))
            return false;
        *key = QSslKey(k.readAll(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
        const QList<QSslCertificate> certs = QSslCertificate::fromData(c.readAll(), QSsl::Pem);
        if (certs.isEmpty() || key->isNull())
            return false;
        *cert = certs.first();
        return true;
    }

    AgentClient clientFor(const CannedServer &server, const QString &fingerprint) const
    {
        AgentTimeouts quick;
        quick.connectMs = 1000;
        quick.requestMs = 3000;
        return AgentClient(*AgentAddress::parse(server.address()), kToken, fingerprint, quick);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            QSKIP("the openssl command makes this test's certificates");
        QVERIFY(m_dir.isValid());
        QVERIFY(makeIdentity(QStringLiteral("a"), &m_cert, &m_key));
        QVERIFY(makeIdentity(QStringLiteral("b"), &m_otherCert, &m_otherKey));
    }

    void pinnedCertificateIsAccepted()
    {
        CannedServer server(CannedServer::Mode::Tls, m_cert, m_key);
        server.setAnswer(200, R"({"hello":"node"})");
        AgentClient client = clientFor(server, AgentClient::fingerprintOf(m_cert));
        Result<AgentClient::Reply> r = client.get(QStringLiteral("/api/v1/node"));
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body.value(QStringLiteral("hello")).toString(), QStringLiteral("node"));
        // The request carried the bearer token, on the asked path.
        QVERIFY(server.lastRequest().startsWith("GET /api/v1/node HTTP/1.1\r\n"));
        const QByteArray header = QByteArray("Authorization: Bearer ") + kToken.toLatin1() + QByteArray("\r\n");
        QVERIFY(server.lastRequest().contains(header));

        // The pin is accepted in openssl's spelling too (upper case, colons).
        QString spelled = AgentClient::fingerprintOf(m_cert).mid(7).toUpper();
        for (qsizetype i = spelled.size() - 2; i > 0; i -= 2)
            spelled.insert(i, u':');
        AgentClient openSslStyle = clientFor(server, QStringLiteral("SHA256:") + spelled);
        QVERIFY(openSslStyle.get(QStringLiteral("/api/v1/node")));
    }

    void otherCertificateIsRefused()
    {
        CannedServer server(CannedServer::Mode::Tls, m_otherCert, m_otherKey);
        server.setAnswer(200, R"({"hello":"impostor"})");
        const QString pinned = AgentClient::fingerprintOf(m_cert);
        const QString presented = AgentClient::fingerprintOf(m_otherCert);
        AgentClient client = clientFor(server, pinned);
        Result<AgentClient::Reply> r = client.post(QStringLiteral("/api/v1/jobs"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("reboot")}});
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::CertificateMismatch);
        QVERIFY2(r.error().why.contains(pinned), qPrintable(r.error().message()));
        QVERIFY2(r.error().why.contains(presented), qPrintable(r.error().message()));
        QVERIFY2(r.error().hint.contains(QStringLiteral("remove the node and add it again")), qPrintable(r.error().message()));
        // Nothing was sent to the impostor: the token stayed here.
        QVERIFY(server.lastRequest().isEmpty());
    }

    void statusesBecomeErrors()
    {
        CannedServer server(CannedServer::Mode::Tls, m_cert, m_key);
        AgentClient client = clientFor(server, AgentClient::fingerprintOf(m_cert));

        server.setAnswer(401, R"({"error":{"code":"unauthorized","what":"x","why":"y"}})");
        Result<AgentClient::Reply> r = client.get(QStringLiteral("/api/v1/devices"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::AgentUnauthorized);
        QVERIFY2(r.error().hint.contains(QStringLiteral("/var/lib/passdeckd/token")), qPrintable(r.error().message()));

        // The agent's Error comes back with its code, words and device.
        server.setAnswer(409, R"({"error":{"code":"device-busy","what":"Applying","why":"another job holds it","hint":"wait","device":"0000:17:00.0","step":"","errnum":0}})");
        r = client.post(QStringLiteral("/api/v1/jobs"), QJsonObject{});
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::DeviceBusy);
        QCOMPARE(r.error().why, QStringLiteral("another job holds it"));
        QCOMPARE(r.error().device, QStringLiteral("0000:17:00.0"));

        // Anything that is not the API.
        const QList<QPair<int, QByteArray>> notApi{
            {200, "<html>hello</html>"}, {200, "[1,2,3]"}, {500, "oops"}, {503, R"({"status":"down"})"},
            {422, R"({"error":{"code":"no-such-code","what":"x","why":"y","hint":"","device":"","step":"","errnum":0}})"}};
        for (const auto &[status, body] : notApi) {
            server.setAnswer(status, body);
            r = client.get(QStringLiteral("/api/v1/devices"));
            QVERIFY2(!r, body.constData());
            QCOMPARE(r.error().code, ErrorCode::AgentProtocol);
        }
    }

    void notTlsIsProtocolError()
    {
        CannedServer plain(CannedServer::Mode::PlainHttp);
        plain.setAnswer(200, R"({"hello":"plain"})");
        Result<AgentClient::Reply> r = clientFor(plain, AgentClient::fingerprintOf(m_cert)).get(QStringLiteral("/api/v1/node"));
        QVERIFY(!r);
        QVERIFY2(r.error().code == ErrorCode::AgentProtocol || r.error().code == ErrorCode::NodeUnreachable,
                 qPrintable(r.error().message()));
        QVERIFY(!plain.lastRequest().contains("Bearer")); // the token never went out in clear
    }

    void silentPeerTimesOut()
    {
        CannedServer silent(CannedServer::Mode::Silent);
        Result<AgentClient::Reply> r = clientFor(silent, AgentClient::fingerprintOf(m_cert)).get(QStringLiteral("/api/v1/node"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NodeUnreachable);
        QVERIFY2(r.error().what.contains(silent.address()), qPrintable(r.error().message()));
    }

    void nobodyListeningIsUnreachable()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        AgentClient client(*AgentAddress::parse(QStringLiteral("127.0.0.1:%1").arg(port)), kToken, AgentClient::fingerprintOf(m_cert));
        Result<AgentClient::Reply> r = client.get(QStringLiteral("/api/v1/node"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NodeUnreachable);
        QVERIFY2(r.error().message().contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(r.error().message()));
        QVERIFY2(r.error().why.contains(QStringLiteral("refused")), qPrintable(r.error().message()));
    }

    void callableFromAnyThread()
    {
        CannedServer server(CannedServer::Mode::Tls, m_cert, m_key);
        server.setAnswer(200, R"({"ok":true})");
        AgentClient client = clientFor(server, AgentClient::fingerprintOf(m_cert));
        // The server lives on this thread: keep its events flowing while a worker asks.
        std::atomic<bool> done = false;
        bool ok = false;
        QThread *worker = QThread::create([&] {
            ok = bool(client.get(QStringLiteral("/api/v1/node")));
            done = true;
        });
        worker->start();
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 60000);
        worker->wait();
        delete worker;
        QVERIFY(ok);
    }
};

QTEST_GUILESS_MAIN(TstAgentClient)
#include "tst_agentclient.moc"
