#pragma once
// Runs passdeckd (the binary ctest names in $PASSDECKD) on a simulated host root for a test:
// loopback only, port 0, a state dir of its own (or the one given), and always stopped in the
// destructor (SIGTERM, then SIGKILL) — also when the test fails half-way.
//
//   passdeck::test::AgentProcess agent(root);          // root: a simulated host root
//   QVERIFY2(agent.start(), qPrintable(agent.lastError()));
//   agent.address();      // "127.0.0.1:40123"
//   agent.fingerprint();  // "SHA256:<64 lowercase hex>"
//   agent.token();        // the 64 hex characters of STATE/token
//   agent.kill();         // SIGKILL, as a crash
//   agent.restart();      // same host root, same state dir
//
// Header-only: tests list their own sources (docs/agent.md describes the agent itself).

#include <QByteArray>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace passdeck::test {

inline QString agentPath()
{
    return qEnvironmentVariable("PASSDECKD");
}

class AgentProcess
{
public:
    // hostRoot: a simulated host root (the agent runs with --simulate unless simulated = false).
    // stateDir: "" = a temporary directory owned by this object (removed with it).
    explicit AgentProcess(QString hostRoot, QString stateDir = {}, bool simulated = true)
        : m_hostRoot(std::move(hostRoot)), m_stateDir(std::move(stateDir)), m_simulated(simulated)
    {
        if (m_stateDir.isEmpty()) {
            m_ownState = std::make_unique<QTemporaryDir>();
            m_stateDir = m_ownState->path() + QStringLiteral("/state");
        }
    }
    ~AgentProcess() { stop(); }
    AgentProcess(const AgentProcess &) = delete;
    AgentProcess &operator=(const AgentProcess &) = delete;

    // Arguments added after the standard ones (e.g. to test a bad one).
    void setExtraArguments(const QStringList &args) { m_extra = args; }
    QStringList arguments() const
    {
        QStringList args{QStringLiteral("--host-root"), m_hostRoot, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--state-dir"), m_stateDir};
        if (m_simulated)
            args << QStringLiteral("--simulate");
        return args + m_extra;
    }

    // Starts the agent and waits (patiently: a busy machine is slow) for its one line.
    // False when it exits first or prints something else; lastError() says what happened.
    bool start(int timeoutMs = 300000)
    {
        stop();
        m_error.clear();
        m_line.clear();
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(agentPath());
        m_process->setArguments(arguments());
        m_process->start();
        if (!m_process->waitForStarted(timeoutMs)) {
            m_error = QStringLiteral("passdeckd (%1) did not start: %2").arg(agentPath(), m_process->errorString());
            return false;
        }
        QDeadlineTimer deadline(timeoutMs);
        QByteArray out;
        while (!out.contains('\n')) {
            if (m_process->state() != QProcess::Running && m_process->bytesAvailable() == 0) {
                m_error = QStringLiteral("passdeckd exited (%1) before listening: %2")
                              .arg(m_process->exitCode()).arg(QString::fromUtf8(m_process->readAllStandardError()));
                return false;
            }
            if (deadline.hasExpired()) {
                m_error = QStringLiteral("passdeckd printed no line in time; stderr: %1")
                              .arg(QString::fromUtf8(m_process->readAllStandardError()));
                stop();
                return false;
            }
            m_process->waitForReadyRead(200);
            out += m_process->readAllStandardOutput();
        }
        m_line = QString::fromUtf8(out.left(out.indexOf('\n')));
        static const QRegularExpression re(
            QStringLiteral("^passdeckd: listening on (\\S+):(\\d+) fingerprint (SHA256:[0-9a-f]{64})$"));
        const QRegularExpressionMatch m = re.match(m_line);
        if (!m.hasMatch()) {
            m_error = QStringLiteral("passdeckd printed an unexpected line: '%1'").arg(m_line);
            stop();
            return false;
        }
        m_host = m.captured(1);
        m_port = m.captured(2).toUShort();
        m_fingerprint = m.captured(3);
        QFile token(m_stateDir + QStringLiteral("/token"));
        if (!token.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot read %1: %2").arg(token.fileName(), token.errorString());
            stop();
            return false;
        }
        m_token = QString::fromLatin1(token.readAll().trimmed());
        return true;
    }

    // SIGTERM and wait (the agent's clean stop); SIGKILL when it does not stop in time.
    // Returns the exit code (-1 when it had to be killed or was not running).
    int stop(int timeoutMs = 60000)
    {
        if (!m_process)
            return -1;
        int code = -1;
        if (m_process->state() != QProcess::NotRunning) {
            m_process->terminate();
            if (!m_process->waitForFinished(timeoutMs)) {
                m_process->kill();
                m_process->waitForFinished(timeoutMs);
            } else if (m_process->exitStatus() == QProcess::NormalExit) {
                code = m_process->exitCode();
            }
        } else if (m_process->exitStatus() == QProcess::NormalExit) {
            code = m_process->exitCode();
        }
        m_stderr += m_process->readAllStandardError();
        m_process.reset();
        return code;
    }

    // SIGKILL, as a crash or a power cut of the agent: nothing of its own runs.
    void kill()
    {
        if (!m_process)
            return;
        m_process->kill();
        m_process->waitForFinished(60000);
        m_stderr += m_process->readAllStandardError();
        m_process.reset();
    }

    // Starts it again with the same host root and state dir (a new port).
    bool restart(int timeoutMs = 300000) { return start(timeoutMs); }

    bool isRunning() const { return m_process && m_process->state() == QProcess::Running; }
    QProcess *process() const { return m_process.get(); }

    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QString address() const { return m_host + u':' + QString::number(m_port); }
    QString baseUrl() const { return QStringLiteral("https://") + address(); }
    QString fingerprint() const { return m_fingerprint; }
    QString token() const { return m_token; }
    QString line() const { return m_line; }
    QString stateDir() const { return m_stateDir; }
    QString hostRoot() const { return m_hostRoot; }
    QString certPath() const { return m_stateDir + QStringLiteral("/cert.pem"); }
    QString lastError() const { return m_error; }
    // What the agent wrote to stderr in the runs stopped so far (and the current one's so far).
    QByteArray standardError()
    {
        if (m_process)
            m_stderr += m_process->readAllStandardError();
        return m_stderr;
    }

private:
    QString m_hostRoot;
    QString m_stateDir;
    bool m_simulated = true;
    std::unique_ptr<QTemporaryDir> m_ownState;
    QStringList m_extra;
    std::unique_ptr<QProcess> m_process;
    QString m_line, m_host, m_fingerprint, m_token, m_error;
    quint16 m_port = 0;
    QByteArray m_stderr;
};

} // namespace passdeck::test
