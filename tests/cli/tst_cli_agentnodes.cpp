// passdeck-cli and nodes behind an agent, without an agent: the arguments of `node add --agent`
// (exit 2 for usage, 1 for a refusal, the token never printed, a world-readable token file
// warned about), the refusal when nothing listens on the address, and `node list` showing the
// agent's version and state. The end-to-end add against a real passdeckd is in tests/remote.
#include "CliRunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

namespace {
const QString token = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
const QString fingerprint = QStringLiteral("SHA256:") + QString(64, u'a');
} // namespace

class TstCliAgentNodes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usageErrors_data();
    void usageErrors();
    void badPartsAreRefused_data();
    void badPartsAreRefused();
    void nothingListens();
    void listShowsAgentAndState();

private:
    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()} + args);
    }
    QString writeFile(const QString &name, const QByteArray &content, QFile::Permissions permissions) const
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
            return {};
        f.close();
        QFile::setPermissions(path, permissions);
        return path;
    }
    // A 127.0.0.1 port nothing listens on (taken, then let go).
    static quint16 freePort()
    {
        QTcpServer s;
        if (!s.listen(QHostAddress::LocalHost, 0))
            return 0;
        const quint16 port = s.serverPort();
        s.close();
        return port;
    }
    int nodeCount() const
    {
        const CliRun r = cli({QStringLiteral("--json"), QStringLiteral("node"), QStringLiteral("list")});
        return r.exitCode == 0 ? int(QJsonDocument::fromJson(r.out).array().size()) : -1;
    }

    QTemporaryDir m_dir;
    QString m_db;
    QString m_tokenFile;
};

void TstCliAgentNodes::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(QStringLiteral("p.db"));
    m_tokenFile = writeFile(QStringLiteral("token"), token.toLatin1() + '\n', QFile::ReadOwner | QFile::WriteOwner);
    QVERIFY(!m_tokenFile.isEmpty());
    QCOMPARE(nodeCount(), 0);
}

void TstCliAgentNodes::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString agent = QStringLiteral("127.0.0.1:7443");
    QTest::newRow("no token file") << QStringList{QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent"), agent,
                                                  QStringLiteral("--fingerprint"), fingerprint}
                                   << QStringLiteral("--token-file");
    QTest::newRow("no fingerprint") << QStringList{QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent"), agent,
                                                   QStringLiteral("--token-file"), QStringLiteral("T")}
                                    << QStringLiteral("--fingerprint");
    QTest::newRow("no name") << QStringList{QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("--agent"), agent,
                                            QStringLiteral("--token-file"), QStringLiteral("T"), QStringLiteral("--fingerprint"), fingerprint}
                             << QStringLiteral("node add NAME --agent");
    QTest::newRow("agent without value") << QStringList{QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent")}
                                         << QStringLiteral("--agent needs HOST:PORT");
    QTest::newRow("both kinds") << QStringList{QStringLiteral("--host-root"), QStringLiteral("/tmp"), QStringLiteral("node"), QStringLiteral("add"),
                                               QStringLiteral("r"), QStringLiteral("--agent"), agent, QStringLiteral("--token-file"),
                                               QStringLiteral("T"), QStringLiteral("--fingerprint"), fingerprint}
                                << QStringLiteral("not both");
    QTest::newRow("token on the command line") << QStringList{QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent"),
                                                              agent, QStringLiteral("--token"), token, QStringLiteral("--token-file"),
                                                              QStringLiteral("T"), QStringLiteral("--fingerprint"), fingerprint}
                                               << QStringLiteral("unknown option '--token'");
}

void TstCliAgentNodes::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QCOMPARE(nodeCount(), 0);
}

void TstCliAgentNodes::badPartsAreRefused_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("tokenFile");
    QTest::addColumn<QString>("fingerprint");
    QTest::addColumn<QString>("message");
    const QString agent = QStringLiteral("127.0.0.1:7443");
    QTest::newRow("no port") << QStringLiteral("127.0.0.1") << QStringLiteral("token") << fingerprint << QStringLiteral("PORT");
    QTest::newRow("port 0") << QStringLiteral("127.0.0.1:0") << QStringLiteral("token") << fingerprint << QStringLiteral("1 to 65535");
    QTest::newRow("short fingerprint") << agent << QStringLiteral("token") << QStringLiteral("SHA256:abcd") << QStringLiteral("fingerprint");
    QTest::newRow("missing token file") << agent << QStringLiteral("nowhere") << fingerprint << QStringLiteral("does not exist");
    QTest::newRow("not a token") << agent << QStringLiteral("bad-token") << fingerprint << QStringLiteral("token");
}

void TstCliAgentNodes::badPartsAreRefused()
{
    QFETCH(QString, address);
    QFETCH(QString, tokenFile);
    QFETCH(QString, fingerprint);
    QFETCH(QString, message);
    const QByteArray secret = "my-secret-not-a-token-0123456789";
    QVERIFY(!writeFile(QStringLiteral("bad-token"), secret + '\n', QFile::ReadOwner | QFile::WriteOwner).isEmpty());
    const CliRun r = cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent"), address,
                          QStringLiteral("--token-file"), m_dir.filePath(tokenFile), QStringLiteral("--fingerprint"), fingerprint});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QString::fromUtf8(r.err).contains(message, Qt::CaseInsensitive), r.err.constData());
    // A token file's content is never printed, good or bad.
    QVERIFY(!r.err.contains(secret) && !r.out.contains(secret));
    QVERIFY(!r.err.contains(token.toLatin1()) && !r.out.contains(token.toLatin1()));
    QCOMPARE(nodeCount(), 0);
}

void TstCliAgentNodes::nothingListens()
{
    const quint16 port = freePort();
    QVERIFY(port > 0);
    const QString address = QStringLiteral("127.0.0.1:%1").arg(port);
    // A world-readable token file: warned about, then used.
    const QString open = writeFile(QStringLiteral("open-token"), token.toLatin1() + '\n',
                                   QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    QVERIFY(!open.isEmpty());
    const CliRun r = cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent"), address,
                          QStringLiteral("--token-file"), open, QStringLiteral("--fingerprint"), fingerprint});
    const QString err = QString::fromUtf8(r.err);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(err.contains(QStringLiteral("readable by every user")) && err.contains(QStringLiteral("chmod 600")), r.err.constData());
    QVERIFY2(err.contains(QStringLiteral("unreachable"), Qt::CaseInsensitive) || err.contains(QStringLiteral("refused")), r.err.constData());
    QVERIFY2(err.contains(address), r.err.constData());
    QVERIFY(!r.err.contains(token.toLatin1()) && !r.out.contains(token.toLatin1()));
    QCOMPARE(nodeCount(), 0);
    // The private file: no warning.
    const CliRun quiet = cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("r"), QStringLiteral("--agent"), address,
                              QStringLiteral("--token-file"), m_tokenFile, QStringLiteral("--fingerprint"), fingerprint});
    QCOMPARE(quiet.exitCode, 1);
    QVERIFY(!quiet.err.contains("readable by every user"));
    // The audit names the refusal; the store has no node.
    const CliRun audit = cli({QStringLiteral("--json"), QStringLiteral("audit")});
    QVERIFY2(audit.out.contains("node.add"), audit.out.constData());
    QCOMPARE(nodeCount(), 0);
}

void TstCliAgentNodes::listShowsAgentAndState()
{
    // A node added as a host root, then made to look like an agent node that stopped answering
    // (the state the service writes; the service tests cover how it gets there).
    const QString root = m_dir.filePath(QStringLiteral("a"));
    QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
    const CliRun added = cli({QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("node"), QStringLiteral("add"),
                              QStringLiteral("a")});
    QVERIFY2(added.exitCode == 0, added.err.constData());
    CliRun text = cli({QStringLiteral("node"), QStringLiteral("list")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("\tconnected"), text.out.constData());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY2(q.exec(QStringLiteral("UPDATE nodes SET host_root = '10.1.2.3:7443', agent_fingerprint = '%1', agent_token = '%2',"
                                       " agent_version = '0.9.1', unreachable_since = '2026-12-01T22:10:03.000Z'")
                            .arg(fingerprint, token)), qPrintable(q.lastError().text()));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    text = cli({QStringLiteral("node"), QStringLiteral("list")});
    QCOMPARE(text.exitCode, 0);
    const QString out = QString::fromUtf8(text.out);
    QVERIFY2(out.contains(QStringLiteral("10.1.2.3:7443")) && out.contains(QStringLiteral("agent 0.9.1"))
                 && out.contains(QStringLiteral("unreachable since 2026-12-01 22:10:03 UTC")),
             text.out.constData());
    QVERIFY(!text.out.contains(token.toLatin1()));
    const CliRun json = cli({QStringLiteral("--json"), QStringLiteral("node"), QStringLiteral("list")});
    QCOMPARE(json.exitCode, 0);
    QVERIFY(!json.out.contains(token.toLatin1()));
    const QJsonObject n = QJsonDocument::fromJson(json.out).array().at(0).toObject();
    QCOMPARE(n.value(QLatin1String("address")).toString(), QStringLiteral("10.1.2.3:7443"));
    QCOMPARE(n.value(QLatin1String("agent")).toBool(), true);
    QCOMPARE(n.value(QLatin1String("agentVersion")).toString(), QStringLiteral("0.9.1"));
    QCOMPARE(n.value(QLatin1String("agentFingerprint")).toString(), fingerprint);
    QCOMPARE(n.value(QLatin1String("state")).toString(), QStringLiteral("unreachable"));
    QCOMPARE(n.value(QLatin1String("unreachableSince")).toString(), QStringLiteral("2026-12-01T22:10:03Z"));
    // `nodes` is the same listing.
    QCOMPARE(cli({QStringLiteral("--json"), QStringLiteral("nodes")}).out, json.out);
}

QTEST_MAIN(TstCliAgentNodes)
#include "tst_cli_agentnodes.moc"
