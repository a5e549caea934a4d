#pragma once
// A throwaway PostgreSQL server for tests: initdb into a temporary directory as a non-root user,
// started with a unix socket in that directory and no TCP (listen_addresses = ''), fsync off;
// stopped (and the directory removed) when the test process ends. Header-only.
//
// PASSDECK_TEST_DB=postgres makes StoreFixture (and testStoreLocation) use it. When it cannot
// be started the tests that need it FAIL with the reason; they never skip silently.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <memory>

#include <pwd.h>
#include <unistd.h>

namespace passdeck::test {

inline bool testBackendIsPostgres()
{
    return qEnvironmentVariable("PASSDECK_TEST_DB") == QLatin1String("postgres");
}

class PgTestServer
{
public:
    // The one server of this process, started on first use.
    static PgTestServer &instance()
    {
        static PgTestServer server;
        return server;
    }

    // Empty when the server runs, else why it does not.
    const QString &error() const { return m_error; }
    QString socketDir() const { return m_base.path(); }
    static QString user() { return QStringLiteral("passdeck"); }

    QString uri(const QString &database) const
    {
        return QStringLiteral("postgresql://%1@/%2?host=%3").arg(user(), database, m_base.path());
    }

    // A new empty database; its URI, or empty with *error set.
    QString createDatabase(QString *error)
    {
        if (!m_error.isEmpty()) {
            *error = m_error;
            return {};
        }
        const QString name = QStringLiteral("t%1").arg(++m_databases);
        {
            QSqlDatabase admin = adminConnection();
            QSqlQuery q(admin);
            if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(name))) {
                *error = QStringLiteral("PostgreSQL test server: CREATE DATABASE failed: %1").arg(q.lastError().text());
                return {};
            }
        }
        return uri(name);
    }

    // Stops the server; also run when the QCoreApplication goes (qAddPostRoutine), while
    // QProcess still works.
    void stop()
    {
        if (QSqlDatabase::contains(adminName()))
            QSqlDatabase::removeDatabase(adminName());
        if (m_started)
            run(m_bin + QStringLiteral("/pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"), QStringLiteral("immediate"),
                                                    QStringLiteral("-w"), QStringLiteral("stop")}, nullptr);
        m_started = false;
    }

    ~PgTestServer() { stop(); }

private:
    PgTestServer()
    {
        m_error = start();
        qAddPostRoutine([] { instance().stop(); });
        if (!m_error.isEmpty())
            m_error = QStringLiteral("The PostgreSQL test server could not be started (PASSDECK_TEST_DB=postgres): %1").arg(m_error);
    }

    static QString adminName() { return QStringLiteral("pg-test-server-admin"); }
    QString dataDir() const { return m_base.path() + QStringLiteral("/data"); }

    QSqlDatabase adminConnection() const
    {
        if (QSqlDatabase::contains(adminName()))
            return QSqlDatabase::database(adminName());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), adminName());
        db.setHostName(m_base.path());
        db.setUserName(user());
        db.setDatabaseName(QStringLiteral("postgres"));
        db.open();
        return db;
    }

    // The newest installed server binaries (Debian keeps them out of PATH).
    static QString binDir()
    {
        const QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
            const QString dir = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(*it);
            if (QFile::exists(dir + QStringLiteral("/initdb")))
                return dir;
        }
        const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
        return initdb.isEmpty() ? QString() : QFileInfo(initdb).absolutePath();
    }

    // Runs a server tool, as the unprivileged user when we are root (PostgreSQL refuses root).
    bool run(const QString &program, const QStringList &args, QString *output) const
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        if (m_runAs.isEmpty())
            p.start(program, args);
        else
            p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), m_runAs, QStringLiteral("--"), program} + args);
        const bool finished = p.waitForFinished(120000);
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QString start()
    {
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            return QStringLiteral("Qt's QPSQL driver is missing (install libqt6sql6-psql)");
        m_bin = binDir();
        if (m_bin.isEmpty())
            return QStringLiteral("initdb was not found (install postgresql)");
        if (!m_base.isValid())
            return QStringLiteral("no temporary directory");
        if (::geteuid() == 0) {
            // The server's files belong to an unprivileged account; root may still read them.
            const struct passwd *pw = ::getpwnam("postgres");
            if (!pw)
                pw = ::getpwnam("nobody");
            if (!pw)
                return QStringLiteral("running as root and neither a 'postgres' nor a 'nobody' account exists");
            m_runAs = QString::fromLocal8Bit(pw->pw_name);
            if (::chown(QFile::encodeName(m_base.path()).constData(), pw->pw_uid, pw->pw_gid) != 0)
                return QStringLiteral("cannot give %1 to %2").arg(m_base.path(), m_runAs);
        }
        QString out;
        if (!run(m_bin + QStringLiteral("/initdb"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), user(), QStringLiteral("-A"),
                                                    QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                                                    QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")}, &out))
            return QStringLiteral("initdb failed: %1").arg(out.trimmed());
        const QString options = QStringLiteral("-k %1 -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                                               " -c max_connections=200 -c max_pred_locks_per_transaction=256")
                                    .arg(m_base.path());
        if (!run(m_bin + QStringLiteral("/pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-l"), m_base.path() + QStringLiteral("/server.log"),
                                                    QStringLiteral("-o"), options, QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"),
                                                    QStringLiteral("start")}, &out)) {
            QFile log(m_base.path() + QStringLiteral("/server.log"));
            const QString logText = log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll()) : QString();
            return QStringLiteral("pg_ctl start failed: %1 %2").arg(out.trimmed(), logText.trimmed());
        }
        m_started = true;
        // Should this process die without stopping it (a crash, a timeout's SIGKILL), a watchdog
        // stops the server and removes its directory once the process is gone.
        const QString stop = QStringLiteral("%1 -D %2 -m immediate -w stop").arg(m_bin + QStringLiteral("/pg_ctl"), dataDir());
        const QString script = QStringLiteral("exec </dev/null >/dev/null 2>&1; while [ -d /proc/%1 ]; do sleep 1; done; %2 >/dev/null 2>&1; rm -rf '%3'")
                                   .arg(QString::number(::getpid()), m_runAs.isEmpty() ? stop : QStringLiteral("runuser -u %1 -- %2").arg(m_runAs, stop),
                                        m_base.path());
        QProcess::startDetached(QStringLiteral("sh"), {QStringLiteral("-c"), script});
        QSqlDatabase admin = adminConnection();
        if (!admin.isOpen())
            return QStringLiteral("cannot connect to %1: %2").arg(m_base.path(), admin.lastError().text());
        return {};
    }

    QTemporaryDir m_base{QDir::tempPath() + QStringLiteral("/pg-XXXXXX")};
    QString m_bin;
    QString m_runAs;
    QString m_error;
    bool m_started = false;
    int m_databases = 0;
};

} // namespace passdeck::test
