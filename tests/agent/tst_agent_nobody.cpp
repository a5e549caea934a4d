// A local user outside root and group passdeck cannot drive the agent (docs/agent.md): as
// `nobody` it can read neither STATE/token nor key.pem, and curl without the token gets 401.
// Needs root (to switch to nobody) and setpriv (util-linux); skipped otherwise.
#include "AgentProcess.h"
#include "AgentTestUtil.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace passdeck;
using namespace passdeck::test;

class TstAgentNobody : public QObject
{
    Q_OBJECT

    QString m_setpriv;

    // Runs `program args` as nobody:nogroup with no supplementary groups.
    std::pair<int, QByteArray> asNobody(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.start(m_setpriv, QStringList{QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"),
                                       QStringLiteral("--clear-groups"), QStringLiteral("--"), program} + args);
        if (!p.waitForStarted(300000) || !p.waitForFinished(300000))
            return {-1, {}};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput() + p.readAllStandardError()};
    }

private Q_SLOTS:
    void nobodyCannotDriveTheAgent()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to run a command as nobody");
        m_setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
        const QString cat = QStandardPaths::findExecutable(QStringLiteral("cat"));
        const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
        if (m_setpriv.isEmpty() || curl.isEmpty() || cat.isEmpty())
            QSKIP("needs setpriv, cat and curl");

        // The state dir below a directory nobody may traverse, as /var/lib is: only the modes
        // of the state dir and its files are under test.
        QTemporaryDir dir;
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                                      | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        QString error;
        const QString root = buildAgentRoot(dir.path(), QStringLiteral("node-a"), &error);
        QVERIFY2(!root.isEmpty(), qPrintable(error));
        AgentProcess agent(root, dir.path() + QStringLiteral("/state"));
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));

        // The control: nobody can run cat at all (a file that is world-readable).
        const QString open = dir.path() + QStringLiteral("/open.txt");
        {
            QFile f(open);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("readable\n");
        }
        QVERIFY(QFile::setPermissions(open, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        auto [code, out] = asNobody(cat, {open});
        QCOMPARE(code, 0);
        QCOMPARE(out, QByteArray("readable\n"));

        // The agent made its state dir 0700; open it to others so that the files' own modes
        // (0600) are what is tested, as with a state dir a packager made 0755.
        QVERIFY(QFile::setPermissions(agent.stateDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                            | QFile::ReadOther | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        std::tie(code, out) = asNobody(cat, {agent.stateDir() + QStringLiteral("/cert.pem")});
        QCOMPARE(code, 0); // the certificate is public
        for (const QString &name : {QStringLiteral("token"), QStringLiteral("key.pem")}) {
            std::tie(code, out) = asNobody(cat, {agent.stateDir() + u'/' + name});
            QVERIFY2(code != 0, qPrintable(name));
            QVERIFY2(!out.contains(agent.token().toLatin1()), qPrintable(name));
            QVERIFY2(!out.contains("PRIVATE KEY"), qPrintable(name));
        }

        // Reaching the port is not enough: no token, 401.
        std::tie(code, out) = asNobody(curl, {QStringLiteral("-sS"), QStringLiteral("-k"), QStringLiteral("-o"),
                                              QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code}"),
                                              agent.baseUrl() + QStringLiteral("/api/v1/devices")});
        QCOMPARE(code, 0);
        QCOMPARE(out, QByteArray("401"));
        QCOMPARE(agent.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TstAgentNobody)
#include "tst_agent_nobody.moc"
