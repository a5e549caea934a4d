// Two passdeck-cli processes race for the last free device of a group, many times: exactly one
// wins each round, the loser gets the clean refusal (never "database is locked"), and the store
// stays consistent (one hold per device, allocations within Count).
#include "CliRunner.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstCliStoreRace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void twoVmsRestart();
    void tenantPassAgainstVmRestart();
    void twoGroupsMakeResource();

private:
    QStringList base() const { return {QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()}; }
    CliRun cli(const QStringList &args) const { return runCli(base() + args); }
    // Starts both commands at once and waits for both.
    QList<CliRun> race(const QStringList &first, const QStringList &second) const;
    void checkConsistent();

    QTemporaryDir m_dir;
    QString m_db;
};

QList<CliRun> TstCliStoreRace::race(const QStringList &first, const QStringList &second) const
{
    QProcess a, b;
    a.start(cliPath(), base() + first);
    b.start(cliPath(), base() + second);
    QList<CliRun> out;
    for (QProcess *p : {&a, &b}) {
        p->waitForFinished(600000);
        CliRun r;
        r.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        r.out = p->readAllStandardOutput();
        r.err = p->readAllStandardError();
        out << r;
    }
    return out;
}

void TstCliStoreRace::checkConsistent()
{
    // Through the CLI's own view: no group shows more in use than it has.
    const CliRun r = cli({QStringLiteral("--json"), QStringLiteral("groups"), QStringLiteral("--all")});
    QCOMPARE(r.exitCode, 0);
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array()) {
        const QJsonObject g = v.toObject();
        QVERIFY(g.value(QLatin1String("inUse")).toInt() + g.value(QLatin1String("tenantReserved")).toInt()
                <= g.value(QLatin1String("total")).toInt());
        QVERIFY(g.value(QLatin1String("free")).toInt() >= 0);
    }
    // And at the SQL level: no dangling reference, no device held twice, no journal left.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(m_db);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_key_check")));
        QVERIFY2(!q.next(), "foreign_key_check found a violation");
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM journal")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM allocations a JOIN device_holds h ON h.device_id = a.device_id"
                                      " WHERE h.holder_scope <> a.vm_scope")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

void TstCliStoreRace::initTestCase()
{
    QVERIFY(!cliPath().isEmpty());
    m_db = m_dir.filePath(QStringLiteral("race.db"));
    const QString root = m_dir.filePath(QStringLiteral("a"));
    QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
    QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), root,
                  QStringLiteral("--simulate")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("last")}).exitCode, 0);
    // Two devices; one is taken for good, so every round fights over the other.
    QCOMPARE(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("last"), QStringLiteral("--node"), QStringLiteral("a"),
                  QStringLiteral("0000:18:02.0"), QStringLiteral("0000:18:02.1")}).exitCode, 0);
    for (const QString &vm : {QStringLiteral("keeper"), QStringLiteral("red"), QStringLiteral("blue")}) {
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("create"), vm, QStringLiteral("--node"), QStringLiteral("a")}).exitCode, 0);
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("attach"), vm, QStringLiteral("--group"), QStringLiteral("last"),
                      QStringLiteral("--count"), QStringLiteral("1")}).exitCode, 0);
    }
    QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("keeper")}).exitCode, 0);
}

void TstCliStoreRace::twoVmsRestart()
{
    constexpr int rounds = 20;
    int redWins = 0;
    for (int round = 0; round < rounds; ++round) {
        const QList<CliRun> r = race({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("red")},
                                     {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("blue")});
        const int winners = (r[0].exitCode == 0) + (r[1].exitCode == 0);
        QVERIFY2(winners == 1, qPrintable(QStringLiteral("round %1: exits %2/%3, %4 / %5").arg(round).arg(r[0].exitCode).arg(r[1].exitCode)
                                              .arg(QString::fromUtf8(r[0].err), QString::fromUtf8(r[1].err))));
        const CliRun &loser = r[0].exitCode == 0 ? r[1] : r[0];
        QCOMPARE(loser.exitCode, 1);
        QVERIFY2(loser.err.contains("only 0 are free"), loser.err.constData());
        QVERIFY(!loser.err.contains("locked"));
        redWins += r[0].exitCode == 0;
        const CliRun vms = cli({QStringLiteral("--json"), QStringLiteral("vms")});
        int on = 0, allocated = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(vms.out).array()) {
            on += v.toObject().value(QLatin1String("power")).toString() == QLatin1String("on");
            allocated += v.toObject().value(QLatin1String("allocatedDevices")).toInt();
        }
        QCOMPARE(on, 2); // keeper + the winner
        QCOMPARE(allocated, 2);
        checkConsistent();
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("power-off"), r[0].exitCode == 0 ? QStringLiteral("red") : QStringLiteral("blue")}).exitCode, 0);
    }
    qInfo("red won %d of %d rounds", redWins, rounds);
}

void TstCliStoreRace::tenantPassAgainstVmRestart()
{
    QCOMPARE(cli({QStringLiteral("tenant"), QStringLiteral("create"), QStringLiteral("t")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("t"), QStringLiteral("tn"),
                  QStringLiteral("--node"), QStringLiteral("a")}).exitCode, 0);
    constexpr int rounds = 10;
    for (int round = 0; round < rounds; ++round) {
        const QList<CliRun> r = race({QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("t"), QStringLiteral("tn"), QStringLiteral("--group"),
                                      QStringLiteral("last"), QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--name"),
                                      QStringLiteral("pool")},
                                     {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("red")});
        const int winners = (r[0].exitCode == 0) + (r[1].exitCode == 0);
        QVERIFY2(winners == 1, qPrintable(QStringLiteral("round %1: exits %2/%3, %4 / %5").arg(round).arg(r[0].exitCode).arg(r[1].exitCode)
                                              .arg(QString::fromUtf8(r[0].err), QString::fromUtf8(r[1].err))));
        const CliRun &loser = r[0].exitCode == 0 ? r[1] : r[0];
        QCOMPARE(loser.exitCode, 1);
        QVERIFY(loser.err.contains("free"));
        QVERIFY(!loser.err.contains("locked"));
        checkConsistent();
        if (r[0].exitCode == 0)
            QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("delete"), QStringLiteral("--name"), QStringLiteral("pool"),
                          QStringLiteral("--tenant"), QStringLiteral("t")}).exitCode, 0);
        else
            QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("power-off"), QStringLiteral("red")}).exitCode, 0);
    }
}

void TstCliStoreRace::twoGroupsMakeResource()
{
    // Two administrators put the same GPU into different groups at the same moment: one gets it,
    // the other is refused, and the GPU ends up on vfio-pci with exactly one rule.
    for (const QString &g : {QStringLiteral("left"), QStringLiteral("right")})
        QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), g}).exitCode, 0);
    const QString gpu = QStringLiteral("0000:17:00.0");
    const QString driverLink = m_dir.filePath(QStringLiteral("a/sys/bus/pci/devices/%1/driver").arg(gpu));
    constexpr int rounds = 8;
    for (int round = 0; round < rounds; ++round) {
        const QList<CliRun> r = race({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("left"), QStringLiteral("--node"),
                                      QStringLiteral("a"), gpu},
                                     {QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("right"), QStringLiteral("--node"),
                                      QStringLiteral("a"), gpu});
        const int winners = (r[0].exitCode == 0) + (r[1].exitCode == 0);
        QVERIFY2(winners == 1, qPrintable(QStringLiteral("round %1: exits %2/%3, %4 / %5").arg(round).arg(r[0].exitCode).arg(r[1].exitCode)
                                              .arg(QString::fromUtf8(r[0].err), QString::fromUtf8(r[1].err))));
        const CliRun &loser = r[0].exitCode == 0 ? r[1] : r[0];
        QCOMPARE(loser.exitCode, 1);
        QVERIFY(!loser.err.contains("locked"));
        QCOMPARE(QFileInfo(QFileInfo(driverLink).symLinkTarget()).fileName(), QStringLiteral("vfio-pci"));
        const CliRun groups = cli({QStringLiteral("--json"), QStringLiteral("groups")});
        int total = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(groups.out).array())
            if (v.toObject().value(QLatin1String("name")).toString() != QLatin1String("last"))
                total += v.toObject().value(QLatin1String("functions")).toInt();
        QCOMPARE(total, 2); // the GPU and its audio function, in one group (one passthrough unit)
        QCOMPARE(cli({QStringLiteral("remove-resource"), QStringLiteral("--node"), QStringLiteral("a"), gpu}).exitCode, 0);
        QCOMPARE(QFileInfo(QFileInfo(driverLink).symLinkTarget()).fileName(), QStringLiteral("nvidia"));
    }
}

QTEST_GUILESS_MAIN(TstCliStoreRace)
#include "tst_cli_store_race.moc"
