#pragma once
// A private libvirtd (qemu driver) for tests: the daemon in session mode, as an unprivileged
// account when the test runs as root (`nobody` through setpriv), with HOME and every XDG_*
// directory inside a temporary directory. It therefore reads and writes nothing of the
// machine's own libvirt state (/etc/libvirt, /var/lib/libvirt, /run/libvirt): its config, its
// domain definitions, its capabilities cache and its socket all live in that directory, and it
// is reached at uri() = qemu+unix:///session?socket=<dir>/run/libvirt/libvirt-sock.
// Stopped (SIGTERM, then SIGKILL) and the directory removed by stop(), by the destructor, and by
// a watchdog should the test process die first. Header-only (docs/libvirt.md, "Tests against a
// real libvirtd and a real VFIO device").
//
//     LibvirtdProcess daemon;
//     if (const QString why = daemon.start(); !why.isEmpty())
//         QSKIP(qPrintable(why));
//     ... virConnectOpen(daemon.uri()) ...
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QThread>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck::test {

class LibvirtdProcess
{
public:
    LibvirtdProcess() = default;
    ~LibvirtdProcess() { stop(); }
    LibvirtdProcess(const LibvirtdProcess &) = delete;
    LibvirtdProcess &operator=(const LibvirtdProcess &) = delete;

    // Starts the daemon and waits until its qemu driver answers (`virsh version` over the
    // socket; the first answer includes probing QEMU's capabilities, seconds under load).
    // Empty on success, else why it could not be started (with the daemon's log).
    QString start(int readyTimeoutMs = 300000)
    {
        if (m_process.state() != QProcess::NotRunning)
            return {};
        const QString daemon = findDaemon();
        if (daemon.isEmpty())
            return QStringLiteral("libvirtd is not installed (package libvirt-daemon; scripts/setup test installs it)");
        if (!QFile::exists(QStringLiteral("/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"))
            && QStandardPaths::findExecutable(QStringLiteral("virtqemud"), {QStringLiteral("/usr/sbin")}).isEmpty())
            return QStringLiteral("libvirt's qemu driver is not installed (package libvirt-daemon-driver-qemu)");
        if (!m_base.isValid())
            return QStringLiteral("no temporary directory for libvirtd");
        // The daemon's account must reach its directories below the base (mode 0711 on the base).
        ::chmod(QFile::encodeName(m_base.path()).constData(), 0711);
        for (const char *sub : {"home", "run"}) {
            if (!QDir().mkpath(m_base.path() + QLatin1Char('/') + QLatin1String(sub)))
                return QStringLiteral("cannot create %1/%2").arg(m_base.path(), QLatin1String(sub));
        }
        ::chmod(QFile::encodeName(runtimeDir()).constData(), 0700);

        QStringList command{daemon};
        if (::geteuid() == 0) {
            // libvirtd as root is the system daemon (/run/libvirt, /var/lib/libvirt): never that.
            const struct passwd *pw = ::getpwnam("nobody");
            if (!pw)
                return QStringLiteral("running as root and there is no 'nobody' account to run a session libvirtd as");
            const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
            if (setpriv.isEmpty())
                return QStringLiteral("running as root and setpriv (util-linux) is missing to drop to 'nobody'");
            for (const QString &dir : {homeDir(), runtimeDir()}) {
                if (::chown(QFile::encodeName(dir).constData(), pw->pw_uid, pw->pw_gid) != 0)
                    return QStringLiteral("cannot give %1 to nobody").arg(dir);
            }
            command = QStringList{setpriv, QStringLiteral("--reuid=%1").arg(pw->pw_uid), QStringLiteral("--regid=%1").arg(pw->pw_gid),
                                  QStringLiteral("--clear-groups"), QStringLiteral("--")}
                      + command;
        }

        // A clean environment: only what points the session daemon into the base directory.
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
        env.insert(QStringLiteral("HOME"), homeDir());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), homeDir() + QStringLiteral("/.config"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), homeDir() + QStringLiteral("/.cache"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), homeDir() + QStringLiteral("/.local/share"));
        env.insert(QStringLiteral("XDG_STATE_HOME"), homeDir() + QStringLiteral("/.local/state"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtimeDir());
        m_process.setProcessEnvironment(env);
        m_process.setWorkingDirectory(m_base.path());
        m_process.setStandardInputFile(QProcess::nullDevice());
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(logPath());
        m_process.start(command.first(), command.mid(1));
        if (!m_process.waitForStarted(30000))
            return QStringLiteral("libvirtd did not start: %1").arg(m_process.errorString());
        startWatchdog();

        const QDeadlineTimer deadline(readyTimeoutMs);
        QString lastAnswer;
        while (!deadline.hasExpired()) {
            if (m_process.state() == QProcess::NotRunning || m_process.waitForFinished(0))
                return QStringLiteral("libvirtd exited (code %1) before it answered; its log:\n%2").arg(m_process.exitCode()).arg(log());
            if (QFileInfo::exists(socketPath())) {
                if (answers(&lastAnswer))
                    return {};
            }
            QThread::msleep(200);
        }
        const QString why = QStringLiteral("libvirtd did not answer on %1 within %2 s (%3); its log:\n%4")
                                .arg(socketPath())
                                .arg(readyTimeoutMs / 1000)
                                .arg(lastAnswer.isEmpty() ? QStringLiteral("no socket") : lastAnswer, log());
        stop();
        return why;
    }

    // Ends the daemon (the one this fixture started, by its pid) and removes its directory.
    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(30000)) {
                m_process.kill();
                m_process.waitForFinished(10000);
            }
        }
        if (m_watchdog > 0) {
            ::kill(m_watchdog, SIGTERM);
            m_watchdog = 0;
        }
        m_base.remove();
    }

    bool running() const { return m_process.state() == QProcess::Running; }
    QString baseDir() const { return m_base.path(); }
    QString socketPath() const { return runtimeDir() + QStringLiteral("/libvirt/libvirt-sock"); }
    QString uri() const { return QStringLiteral("qemu+unix:///session?socket=%1").arg(socketPath()); }
    // Where the session daemon keeps its persistent domain definitions.
    QString domainConfigDir() const { return homeDir() + QStringLiteral("/.config/libvirt/qemu"); }
    QString log() const
    {
        QFile f(logPath());
        return f.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(f.readAll()).trimmed() : QString();
    }

private:
    QString homeDir() const { return m_base.path() + QStringLiteral("/home"); }
    QString runtimeDir() const { return m_base.path() + QStringLiteral("/run"); }
    QString logPath() const { return m_base.path() + QStringLiteral("/libvirtd.log"); }

    static QString findDaemon()
    {
        return QStandardPaths::findExecutable(QStringLiteral("libvirtd"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
    }

    // The qemu driver answers a version query over the private socket.
    bool answers(QString *output) const
    {
        const QString virsh = QStandardPaths::findExecutable(QStringLiteral("virsh"));
        if (virsh.isEmpty()) {
            *output = QStringLiteral("virsh is missing (package libvirt-clients), the socket alone is taken as ready");
            return true;
        }
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(virsh, {QStringLiteral("-c"), uri(), QStringLiteral("version")});
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished(5000);
            *output = QStringLiteral("virsh version did not finish");
            return false;
        }
        *output = QString::fromLocal8Bit(p.readAll()).trimmed();
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    // Should this process die without stop() (a crash, ctest's timeout), the daemon is ended and
    // its directory removed once the process is gone.
    void startWatchdog()
    {
        const QString script = QStringLiteral("exec </dev/null >/dev/null 2>&1; while [ -d /proc/%1 ]; do sleep 1; done; "
                                              "kill %2; sleep 2; kill -9 %2; rm -rf '%3'")
                                   .arg(QString::number(::getpid()), QString::number(m_process.processId()), m_base.path());
        qint64 pid = 0;
        if (QProcess::startDetached(QStringLiteral("sh"), {QStringLiteral("-c"), script}, QString(), &pid))
            m_watchdog = static_cast<pid_t>(pid);
    }

    QTemporaryDir m_base{QDir::tempPath() + QStringLiteral("/pdk-libvirtd-XXXXXX")};
    QProcess m_process;
    pid_t m_watchdog = 0;
};

} // namespace passdeck::test
