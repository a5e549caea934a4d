// A passdeck-cli killed (SIGKILL) in the middle of a make-resource: the simulated kernel is slowed
// down per write (<root>/.passdeck-sim, `sim fault --delay`), the process is killed at several
// points, and the next open of the store leaves no device half-moved and the journal empty.
#include "CliRunner.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace passdeck::test;

class TstCliStoreCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void killedMidMakeResource_data();
    void killedMidMakeResource();

private:
    QStringList base() const { return {QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()}; }
    CliRun cli(const QStringList &args) const { return runCli(base() + args); }
    QString driver(const QString &address) const
    {
        return QFileInfo(QFileInfo(m_root + QStringLiteral("/sys/bus/pci/devices/%1/driver").arg(address)).symLinkTarget()).fileName();
    }
    // Reads one number from the store with a connection of our own (no service, no recovery).
    int storeCount(const QString &sql) const;

    QTemporaryDir m_dir;
    QString m_db;
    QString m_root;
};

int TstCliStoreCrash::storeCount(const QString &sql) const
{
    int value = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(m_db);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                value = q.value(0).toInt();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    return value;
}

void TstCliStoreCrash::initTestCase()
{
    QVERIFY(!cliPath().isEmpty());
    m_db = m_dir.filePath(QStringLiteral("crash.db"));
    m_root = m_dir.filePath(QStringLiteral("a"));
    QCOMPARE(buildTree(m_root, QStringLiteral("node-a")), QString());
    QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), m_root,
                  QStringLiteral("--simulate")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("GPUs")}).exitCode, 0);
}

void TstCliStoreCrash::killedMidMakeResource_data()
{
    // Where to pull the plug: right after the journal row, after the first device moved
    // (its audio function not yet), and late (both moved, outcome not recorded).
    QTest::addColumn<int>("point");
    QTest::newRow("journal written") << 0;
    QTest::newRow("half moved") << 1;
    QTest::newRow("moved, not recorded") << 2;
}

void TstCliStoreCrash::killedMidMakeResource()
{
    QFETCH(int, point);
    const QString gpu = QStringLiteral("0000:17:00.0");
    const QString audio = QStringLiteral("0000:17:00.1");
    QCOMPARE(driver(gpu), QStringLiteral("nvidia"));
    QCOMPARE(runCli({QStringLiteral("--host-root"), m_root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("--delay"),
                     QStringLiteral("150")}).exitCode, 0);

    QProcess p;
    p.start(cliPath(), base() + QStringList{QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                                             QStringLiteral("--node"), QStringLiteral("a"), gpu});
    QVERIFY(p.waitForStarted(600000));
    const QDeadlineTimer deadline(600000);
    auto reached = [&] {
        switch (point) {
        case 0: return storeCount(QStringLiteral("SELECT COUNT(*) FROM journal")) == 1;
        case 1: return driver(gpu) == QLatin1String("vfio-pci") && driver(audio) != QLatin1String("vfio-pci");
        default: return driver(gpu) == QLatin1String("vfio-pci") && driver(audio) == QLatin1String("vfio-pci");
        }
    };
    // "Moved, not recorded" must not depend on polling speed: once the first device has moved,
    // hold the store's write lock so the process cannot record its outcome before the kill.
    QSqlDatabase lock;
    if (point == 2) {
        while (driver(gpu) != QLatin1String("vfio-pci") && p.state() == QProcess::Running && !deadline.hasExpired())
            QThread::msleep(5);
        lock = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("lock"));
        lock.setDatabaseName(m_db);
        QVERIFY(lock.open());
        QVERIFY(QSqlQuery(lock).exec(QStringLiteral("BEGIN IMMEDIATE")));
    }
    while (!reached() && p.state() == QProcess::Running && !deadline.hasExpired())
        QThread::msleep(5);
    QVERIFY2(p.state() == QProcess::Running, "make-resource finished before the kill point; raise the delay");
    ::kill(pid_t(p.processId()), SIGKILL);
    QVERIFY(p.waitForFinished(600000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    if (lock.isOpen()) {
        QVERIFY(QSqlQuery(lock).exec(QStringLiteral("ROLLBACK")));
        lock.close();
        lock = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("lock"));
    }
    QCOMPARE(storeCount(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
    QCOMPARE(storeCount(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);

    // The next start (any command) recovers.
    QCOMPARE(runCli({QStringLiteral("--host-root"), m_root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("--clear")}).exitCode, 0);
    const CliRun next = cli({QStringLiteral("--json"), QStringLiteral("nodes")});
    QCOMPARE(next.exitCode, 0);
    QCOMPARE(storeCount(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(driver(gpu), QStringLiteral("nvidia"));
    QCOMPARE(driver(audio), QStringLiteral("snd_hda_intel"));
    QCOMPARE(storeCount(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
    // The store's view of the drivers matches the sysfs again.
    const CliRun devices = cli({QStringLiteral("--json"), QStringLiteral("node"), QStringLiteral("devices"), QStringLiteral("a")});
    for (const QJsonValue &v : QJsonDocument::fromJson(devices.out).array()) {
        const QJsonObject d = v.toObject();
        if (d.value(QLatin1String("address")).toString() == gpu)
            QCOMPARE(d.value(QLatin1String("driver")).toString(), QStringLiteral("nvidia"));
    }
    const CliRun audit = cli({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("3")});
    QVERIFY(audit.out.contains("journal.recover"));

    // And the operation can simply be repeated.
    QCOMPARE(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("GPUs"), QStringLiteral("--node"),
                  QStringLiteral("a"), gpu}).exitCode, 0);
    QCOMPARE(driver(audio), QStringLiteral("vfio-pci"));
    QCOMPARE(cli({QStringLiteral("remove-resource"), QStringLiteral("--node"), QStringLiteral("a"), gpu}).exitCode, 0);
}

QTEST_GUILESS_MAIN(TstCliStoreCrash)
#include "tst_cli_store_crash.moc"
