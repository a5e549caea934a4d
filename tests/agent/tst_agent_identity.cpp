// passdeckd's identity in its state dir (docs/agent.md): the first start creates the directory
// (0700), key.pem (0600), cert.pem and token (0600, or 0640 group passdeck) and prints the
// certificate's fingerprint; the next start reuses them (same fingerprint, same token); a
// damaged file stops the agent with a message naming it — never a silent new identity.
// And the command line: bad usage exits 2, an unusable host root exits 1.
#include "AgentProcess.h"
#include "AgentTestUtil.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QHostInfo>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <grp.h>
#include <sys/stat.h>

using namespace passdeck;
using namespace passdeck::test;

namespace {

int modeOf(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
}

} // namespace

class TstAgentIdentity : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_root;

    // Runs the agent to its end (it is expected to fail) and returns exit code and stderr.
    static std::pair<int, QString> runToFailure(const QStringList &args)
    {
        QProcess p;
        p.start(agentPath(), args);
        if (!p.waitForStarted(300000))
            return {-1, QStringLiteral("did not start")};
        if (!p.waitForFinished(300000)) {
            p.kill();
            p.waitForFinished();
            return {-2, QStringLiteral("did not exit")};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardError() + p.readAllStandardOutput())};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!agentPath().isEmpty());
        QString error;
        m_root = buildAgentRoot(m_dir.path(), QStringLiteral("node-a"), &error);
        QVERIFY2(!m_root.isEmpty(), qPrintable(error));
    }

    void firstStartCreatesSecondReuses()
    {
        const QString state = m_dir.path() + QStringLiteral("/fresh/state");
        AgentProcess agent(m_root, state);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        QVERIFY(agent.line().startsWith(QLatin1String("passdeckd: listening on 127.0.0.1:")));
        QVERIFY(agent.port() != 0);

        QCOMPARE(modeOf(state), 0700);
        QCOMPARE(modeOf(state + QStringLiteral("/key.pem")), 0600);
        QCOMPARE(modeOf(state + QStringLiteral("/cert.pem")), 0644);
        const bool groupExists = ::getgrnam("passdeck") != nullptr;
        QCOMPARE(modeOf(state + QStringLiteral("/token")), groupExists ? 0640 : 0600);
        const QByteArray token = readAll(state + QStringLiteral("/token"));
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}\\n$")).match(QString::fromLatin1(token)).hasMatch(), token.constData());
        QCOMPARE(agent.token(), QString::fromLatin1(token.trimmed()));

        // The fingerprint is SHA-256 of the DER certificate; the certificate names this host.
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(state + QStringLiteral("/cert.pem"));
        QCOMPARE(certs.size(), 1);
        const QSslCertificate cert = certs.first();
        QCOMPARE(agent.fingerprint(), QStringLiteral("SHA256:") + QString::fromLatin1(
                                          QCryptographicHash::hash(cert.toDer(), QCryptographicHash::Sha256).toHex()));
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName).value(0), QSysInfo::machineHostName().left(64));
        const auto san = cert.subjectAlternativeNames();
        QVERIFY(san.values(QSsl::DnsEntry).contains(QStringLiteral("localhost")));
        QVERIFY(san.values(QSsl::IpAddressEntry).contains(QStringLiteral("127.0.0.1")));
        QVERIFY(san.values(QSsl::IpAddressEntry).contains(QStringLiteral("0:0:0:0:0:0:0:1"))
                || san.values(QSsl::IpAddressEntry).contains(QStringLiteral("::1")));
        QVERIFY(cert.effectiveDate().daysTo(cert.expiryDate()) >= 3650);
        QVERIFY(cert.isSelfSigned());
        QVERIFY(readAll(state + QStringLiteral("/key.pem")).contains("PRIVATE KEY"));

        // SIGTERM: a clean stop, exit 0.
        QCOMPARE(agent.stop(), 0);

        const QByteArray key = readAll(state + QStringLiteral("/key.pem"));
        const QString fingerprint = agent.fingerprint();
        QVERIFY2(agent.restart(), qPrintable(agent.lastError()));
        QCOMPARE(agent.fingerprint(), fingerprint);
        QCOMPARE(agent.token(), QString::fromLatin1(token.trimmed()));
        QCOMPARE(readAll(state + QStringLiteral("/key.pem")), key);
        QCOMPARE(agent.stop(), 0);
    }

    void damagedFilesStopTheAgent_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content"); // "" = the file becomes a directory (unreadable)
        QTest::newRow("corrupt key") << QStringLiteral("key.pem") << QByteArray("-----BEGIN PRIVATE KEY-----\nnot base64\n");
        QTest::newRow("key is a directory") << QStringLiteral("key.pem") << QByteArray();
        QTest::newRow("corrupt certificate") << QStringLiteral("cert.pem") << QByteArray("garbage");
        QTest::newRow("another key's certificate") << QStringLiteral("cert.pem") << QByteArray("other");
        QTest::newRow("corrupt token") << QStringLiteral("token") << QByteArray("abc\n");
        QTest::newRow("certificate missing") << QStringLiteral("cert.pem") << QByteArray("missing");
    }
    void damagedFilesStopTheAgent()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        const QString state = dir.path() + QStringLiteral("/state");
        {
            AgentProcess first(m_root, state);
            QVERIFY2(first.start(), qPrintable(first.lastError()));
            QCOMPARE(first.stop(), 0);
        }
        const QString path = state + u'/' + file;
        if (content.isEmpty()) {
            QVERIFY(QFile::remove(path));
            QVERIFY(QDir().mkdir(path));
        } else if (content == "missing") {
            QVERIFY(QFile::remove(path));
        } else if (content == "other") {
            // A valid certificate, of another agent's key.
            const QString other = dir.path() + QStringLiteral("/other");
            AgentProcess second(m_root, other);
            QVERIFY2(second.start(), qPrintable(second.lastError()));
            second.stop();
            writeAll(path, readAll(other + QStringLiteral("/cert.pem")));
        } else {
            writeAll(path, content);
        }
        const QByteArray keyBefore = readAll(state + QStringLiteral("/key.pem"));
        const auto [code, message] = runToFailure(AgentProcess(m_root, state).arguments());
        QVERIFY2(code == 1, qPrintable(QStringLiteral("exit %1: %2").arg(code).arg(message)));
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("passdeckd:")), qPrintable(message));
        // Nothing was made again.
        QCOMPARE(readAll(state + QStringLiteral("/key.pem")), keyBefore);
        QVERIFY(!QFileInfo::exists(state + QStringLiteral("/key.pem.new")));
    }

    void commandLine()
    {
        const QString state = m_dir.path() + QStringLiteral("/cl");
        auto [code, message] = runToFailure({QStringLiteral("--no-such-option")});
        QCOMPARE(code, 2);
        QVERIFY(message.contains(QLatin1String("Usage")));
        std::tie(code, message) = runToFailure({QStringLiteral("--host-root"), m_root, QStringLiteral("--simulate"),
                                                QStringLiteral("--listen"), QStringLiteral("localhost"), QStringLiteral("--state-dir"), state});
        QCOMPARE(code, 2);
        QVERIFY(message.contains(QLatin1String("--listen")));
        std::tie(code, message) = runToFailure({QStringLiteral("--host-root"), m_dir.path() + QStringLiteral("/nowhere"),
                                                QStringLiteral("--simulate"), QStringLiteral("--listen"),
                                                QStringLiteral("127.0.0.1:0"), QStringLiteral("--state-dir"), state});
        QCOMPARE(code, 1);
        QVERIFY2(message.contains(QLatin1String("nowhere")), qPrintable(message));
        // A simulated root started as a real one is refused (LocalNode::validate).
        std::tie(code, message) = runToFailure({QStringLiteral("--host-root"), m_root, QStringLiteral("--listen"),
                                                QStringLiteral("127.0.0.1:0"), QStringLiteral("--state-dir"), state});
        QCOMPARE(code, 1);
        // An address in use: exit 1 naming it.
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        std::tie(code, message) = runToFailure({QStringLiteral("--host-root"), m_root, QStringLiteral("--simulate"),
                                                QStringLiteral("--listen"), agent.address(), QStringLiteral("--state-dir"), state});
        QCOMPARE(code, 1);
        QVERIFY2(message.contains(agent.address()), qPrintable(message));
        // SIGINT is a clean stop as well.
        ::kill(pid_t(agent.process()->processId()), SIGINT);
        QVERIFY(agent.process()->waitForFinished(120000));
        QCOMPARE(agent.process()->exitStatus(), QProcess::NormalExit);
        QCOMPARE(agent.process()->exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TstAgentIdentity)
#include "tst_agent_identity.moc"
