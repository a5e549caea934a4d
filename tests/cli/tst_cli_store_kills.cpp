// passdeck-cli killed (SIGKILL) at EVERY step of every operation that changes both the store and
// the (simulated) sysfs, and of the recovery itself. The hook PASSDECK_TEST_KILL_AT=<action>:<n>
// kills the process at the n-th step of that action (docs/store.md, "Crash recovery"); n runs
// from 1 until the operation completes unkilled. After each kill the next command (any) opens
// the store, and then: no journal row is left, no VM is on with a device that is not on
// vfio-pci, no device is held without its binding, the store's drivers match the sysfs, and the
// audit has the operation's entry exactly when its change landed.
#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

namespace {

const QString kRules = QStringLiteral("/etc/udev/rules.d/61-passdeck-vfio.rules");

struct Killed
{
    bool killed = false;
    int exitCode = -1;
    QByteArray err;
};

} // namespace

class TstCliStoreKills : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void vmRestartAfterRebootLost();
    void vmRestart64Vfs();
    void makeAndRemoveResource();
    void nodeReboot();
    void tenantPass();
    void killedRecovery();
    void sameHostRace();

private:
    QStringList base() const { return {QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()}; }
    CliRun cli(const QStringList &args) const { return runCli(base() + args); }
    Killed killAt(const QString &action, int n, const QStringList &args) const;
    QString driver(const QString &address) const
    {
        return QFileInfo(QFileInfo(m_root + QStringLiteral("/sys/bus/pci/devices/%1/driver").arg(address)).symLinkTarget()).fileName();
    }
    // Whether the node's udev rules pin the device to vfio-pci at the next boot.
    bool persisted(const QString &address) const
    {
        QFile f(m_root + kRules);
        return f.open(QIODevice::ReadOnly) && f.readAll().contains(address.toLatin1());
    }
    QList<QVariantList> rows(const QString &sql) const;
    int count(const QString &sql) const { const auto r = rows(sql); return r.isEmpty() ? -1 : r.first().value(0).toInt(); }
    int okAudits(const QString &action) const
    {
        return count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE result = 'ok' AND action = '%1'").arg(action));
    }
    // The invariants after a kill and the next start; context names the kill.
    void checkInvariants(const QString &context);
    // Builds a node whose VFs are in group VFs but back on iavf after a reboot without the rules
    // file (the scenario), with VM vm1 wanting `count` of them.
    void setUpLostBinding(const QString &description, int count);
    void resetLostBinding();
    // Runs `args` killed at step 1, 2, ... until it completes; `after` checks each outcome.
    int everyStep(const QString &action, const QStringList &args, const std::function<void(bool killed, int n)> &after,
                  const QList<int> &only = {});

    QTemporaryDir m_dir;
    QString m_db;
    QString m_root;
    QStringList m_vfs;
    int m_kills = 0;
    int m_case = 0;
};

QList<QVariantList> TstCliStoreKills::rows(const QString &sql) const
{
    QList<QVariantList> out;
    const QString name = QStringLiteral("peek");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_db);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql)) {
                while (q.next()) {
                    QVariantList row;
                    for (int i = 0; i < q.record().count(); ++i)
                        row << q.value(i);
                    out << row;
                }
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

Killed TstCliStoreKills::killAt(const QString &action, int n, const QStringList &args) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PASSDECK_TEST_KILL_AT"), QStringLiteral("%1:%2").arg(action).arg(n));
    p.setProcessEnvironment(env);
    p.start(cliPath(), base() + args);
    Killed k;
    if (!p.waitForStarted(600000) || !p.waitForFinished(600000))
        return k;
    k.killed = p.exitStatus() == QProcess::CrashExit;
    k.exitCode = k.killed ? -1 : p.exitCode();
    k.err = p.readAllStandardError();
    return k;
}

void TstCliStoreKills::initTestCase()
{
    QVERIFY(!cliPath().isEmpty());
}

void TstCliStoreKills::cleanupTestCase()
{
    qInfo("tst_cli_store_kills: %d kills, every one followed by a clean recovery", m_kills);
}

void TstCliStoreKills::setUpLostBinding(const QString &description, int count)
{
    ++m_case;
    m_db = m_dir.filePath(QStringLiteral("kills-%1.db").arg(m_case));
    m_root = m_dir.filePath(QStringLiteral("root-%1").arg(m_case));
    // A demo name, or a description file of our own.
    if (description.endsWith(QLatin1String(".json"))) {
        const CliRun built = runCli({QStringLiteral("sim"), QStringLiteral("build"), m_root, QStringLiteral("--description"), description});
        QVERIFY2(built.exitCode == 0, built.err.constData());
    } else {
        QCOMPARE(buildTree(m_root, description), QString());
    }
    QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), m_root,
                  QStringLiteral("--simulate")}).exitCode, 0);
    const CliRun devices = cli({QStringLiteral("--json"), QStringLiteral("node"), QStringLiteral("devices"), QStringLiteral("a")});
    m_vfs.clear();
    for (const QJsonValue &v : QJsonDocument::fromJson(devices.out).array())
        if (v.toObject().value(QLatin1String("driver")).toString() == QLatin1String("iavf"))
            m_vfs << v.toObject().value(QLatin1String("address")).toString();
    QVERIFY2(m_vfs.size() >= count, qPrintable(QStringLiteral("only %1 VFs").arg(m_vfs.size())));
    QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("VFs")}).exitCode, 0);
    QStringList make = {QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--node"),
                        QStringLiteral("a"), QStringLiteral("--next-boot")};
    make += m_vfs.mid(0, count);
    const CliRun made = cli(make);
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("vm1"), QStringLiteral("--node"), QStringLiteral("a")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("vm1"), QStringLiteral("--group"), QStringLiteral("VFs"),
                  QStringLiteral("--count"), QString::number(count)}).exitCode, 0);
    resetLostBinding();
    QCOMPARE(driver(m_vfs.first()), QStringLiteral("iavf"));
}

void TstCliStoreKills::resetLostBinding()
{
    // The VM off, the rules file gone, the node rebooted: the VFs are back on iavf.
    QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("power-off"), QStringLiteral("vm1")}).exitCode, 0);
    QFile::remove(m_root + kRules);
    const CliRun r = cli({QStringLiteral("node"), QStringLiteral("reboot"), QStringLiteral("a")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
}

void TstCliStoreKills::checkInvariants(const QString &context)
{
    const char *c = qPrintable(context);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    // A VM that is on runs on devices that are on vfio-pci.
    for (const QVariantList &r : rows(QStringLiteral("SELECT d.address, v.name FROM allocations a JOIN vms v ON v.id = a.vm_id"
                                                     " JOIN devices d ON d.id = a.device_id WHERE v.power = 'on'")))
        QVERIFY2(driver(r.at(0).toString()) == QLatin1String("vfio-pci"),
                 qPrintable(QStringLiteral("%1: VM %2 is on with %3 on '%4'").arg(context, r.at(1).toString(), r.at(0).toString(),
                                                                                  driver(r.at(0).toString()))));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM allocations a JOIN vms v ON v.id = a.vm_id WHERE v.power <> 'on'")), 0);
    // A held device has its binding: a host VM's hold has its allocation (and is on vfio-pci,
    // above), a tenant's its pool row.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM device_holds h WHERE (h.holder_scope = 0 AND NOT EXISTS"
                                  " (SELECT 1 FROM allocations a WHERE a.device_id = h.device_id)) OR (h.holder_scope <> 0 AND NOT EXISTS"
                                  " (SELECT 1 FROM tenant_pool p WHERE p.device_id = h.device_id))")), 0);
    // The store's drivers are the sysfs's.
    for (const QVariantList &r : rows(QStringLiteral("SELECT address, driver FROM devices WHERE present = 1")))
        QVERIFY2(driver(r.at(0).toString()) == r.at(1).toString(),
                 qPrintable(QStringLiteral("%1: the store says %2 is on '%3', the sysfs '%4'").arg(context, r.at(0).toString(),
                                                                                               r.at(1).toString(), driver(r.at(0).toString()))));
    QVERIFY2(count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'journal.recover' AND result <> 'ok'")) == 0, c);
}

int TstCliStoreKills::everyStep(const QString &action, const QStringList &args, const std::function<void(bool, int)> &after,
                                const QList<int> &only)
{
    int n = 0;
    for (int i = 0; only.isEmpty() || i < only.size(); ++i) {
        n = only.isEmpty() ? i + 1 : only.at(i);
        const Killed k = killAt(action, n, args);
        if (!k.killed) {
            if (k.exitCode != 0)
                qWarning("%s", k.err.constData());
            [&] { QCOMPARE(k.exitCode, 0); }();
            after(false, n);
            qInfo("%s: killed at %d of its steps, then completed", qPrintable(action), only.isEmpty() ? n - 1 : int(only.size()) - 1);
            return n;
        }
        ++m_kills;
        after(true, n);
        if (QTest::currentTestFailed())
            return n;
    }
    return n;
}

void TstCliStoreKills::vmRestartAfterRebootLost()
{
    // The scenario with two VFs, killed at every step of the restart.
    setUpLostBinding(QStringLiteral("node-a"), 2);
    const QStringList restart = {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("vm1")};
    int audits = okAudits(QStringLiteral("vm.restart"));
    const int steps = everyStep(QStringLiteral("vm.restart"), restart, [&](bool killed, int n) {
        const CliRun next = cli({QStringLiteral("--json"), QStringLiteral("vms")});
        QCOMPARE(next.exitCode, 0);
        checkInvariants(QStringLiteral("vm restart killed at step %1").arg(n));
        const bool on = count(QStringLiteral("SELECT COUNT(*) FROM vms WHERE name = 'vm1' AND power = 'on'")) == 1;
        // The restart is audited exactly when it landed (its entry was written with it).
        QCOMPARE(okAudits(QStringLiteral("vm.restart")), audits + (on ? 1 : 0));
        audits = okAudits(QStringLiteral("vm.restart"));
        if (!killed)
            QVERIFY(on);
        if (!QTest::currentTestFailed())
            resetLostBinding();
    });
    QVERIFY2(steps > 5, qPrintable(QStringLiteral("only %1 steps").arg(steps)));
}

void TstCliStoreKills::vmRestart64Vfs()
{
    // The issue's own numbers: a PF with 64 VFs, Count 64; killed right after the allocation
    // could commit, inside the moves, and late.
    QFile in(QStringLiteral(PASSDECK_SOURCE_DIR "/resources/demo/node-a.json"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray text = in.readAll();
    text.replace("\"totalvfs\": 32, \"numvfs\": 4,", "\"totalvfs\": 64, \"numvfs\": 64,");
    const QString description = m_dir.filePath(QStringLiteral("node-64.json"));
    {
        QFile out(description);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
    }
    setUpLostBinding(description, 64);
    const QStringList restart = {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("vm1")};
    everyStep(QStringLiteral("vm.restart"), restart, [&](bool, int n) {
        QCOMPARE(cli({QStringLiteral("vms")}).exitCode, 0);
        checkInvariants(QStringLiteral("64-VF restart killed at step %1").arg(n));
        if (!QTest::currentTestFailed())
            resetLostBinding();
    }, {1, 2, 3, 4, 5, 40, 120, 190, 10000});
}

void TstCliStoreKills::makeAndRemoveResource()
{
    setUpLostBinding(QStringLiteral("node-a"), 1);
    const QString vf = m_vfs.at(2);
    auto ruleCount = [&] {
        return count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE address = '%1'").arg(vf));
    };
    const QStringList make = {QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--node"),
                              QStringLiteral("a"), vf};
    const QStringList remove = {QStringLiteral("remove-resource"), QStringLiteral("--node"), QStringLiteral("a"), vf};
    int audits = okAudits(QStringLiteral("resource.make"));
    int steps = everyStep(QStringLiteral("resource.make"), make, [&](bool, int n) {
        QCOMPARE(cli({QStringLiteral("nodes")}).exitCode, 0);
        checkInvariants(QStringLiteral("make-resource killed at step %1").arg(n));
        const bool made = ruleCount() == 1;
        QCOMPARE(driver(vf), made ? QStringLiteral("vfio-pci") : QStringLiteral("iavf"));
        // The next boot does what the store says, too.
        QCOMPARE(persisted(vf), made);
        QCOMPARE(okAudits(QStringLiteral("resource.make")), audits + (made ? 1 : 0));
        audits = okAudits(QStringLiteral("resource.make"));
        if (made)
            QCOMPARE(cli(remove).exitCode, 0);
    });
    QVERIFY(steps > 3);
    QCOMPARE(cli(make).exitCode, 0);
    audits = okAudits(QStringLiteral("resource.remove"));
    steps = everyStep(QStringLiteral("resource.remove"), remove, [&](bool, int n) {
        QCOMPARE(cli({QStringLiteral("nodes")}).exitCode, 0);
        checkInvariants(QStringLiteral("remove-resource killed at step %1").arg(n));
        const bool removed = ruleCount() == 0;
        QCOMPARE(driver(vf), removed ? QStringLiteral("iavf") : QStringLiteral("vfio-pci"));
        QCOMPARE(persisted(vf), !removed);
        QCOMPARE(okAudits(QStringLiteral("resource.remove")), audits + (removed ? 1 : 0));
        audits = okAudits(QStringLiteral("resource.remove"));
        if (removed)
            QCOMPARE(cli(make).exitCode, 0);
    });
    QVERIFY(steps > 3);
}

void TstCliStoreKills::nodeReboot()
{
    // A running VM on bound VFs; the reboot (rules file gone) stops it and the VFs come back on
    // iavf. Killed at every step: afterwards either the reboot happened and is recorded, or
    // nothing happened; never a VM on with its devices on iavf.
    setUpLostBinding(QStringLiteral("node-a"), 2);
    QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("vm1")}).exitCode, 0);
    QFile::remove(m_root + kRules);
    const QStringList reboot = {QStringLiteral("node"), QStringLiteral("reboot"), QStringLiteral("a")};
    int audits = okAudits(QStringLiteral("node.reboot")) + okAudits(QStringLiteral("journal.recover"));
    const int steps = everyStep(QStringLiteral("node.reboot"), reboot, [&](bool, int n) {
        QCOMPARE(cli({QStringLiteral("nodes")}).exitCode, 0);
        checkInvariants(QStringLiteral("node reboot killed at step %1").arg(n));
        const bool rebooted = driver(m_vfs.first()) == QLatin1String("iavf");
        const int now = okAudits(QStringLiteral("node.reboot")) + okAudits(QStringLiteral("journal.recover"));
        QCOMPARE(now, audits + (rebooted ? 1 : 0));
        audits = now;
        if (rebooted) {
            QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM vms WHERE power = 'on'")), 0);
        } else {
            QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM vms WHERE power = 'on'")), 1);
            return;
        }
        // Running again for the next round.
        const CliRun r = cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("vm1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile::remove(m_root + kRules);
        audits = okAudits(QStringLiteral("node.reboot")) + okAudits(QStringLiteral("journal.recover"));
    }, {});
    QVERIFY(steps > 2);
}

void TstCliStoreKills::tenantPass()
{
    // Store only: the change and its audit entry land together or not at all.
    setUpLostBinding(QStringLiteral("node-a"), 2);
    QCOMPARE(cli({QStringLiteral("tenant"), QStringLiteral("create"), QStringLiteral("acme")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("acme"), QStringLiteral("tn"),
                  QStringLiteral("--node"), QStringLiteral("a")}).exitCode, 0);
    const QStringList pass = {QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("acme"), QStringLiteral("tn"),
                              QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--count"), QStringLiteral("1")};
    int audits = okAudits(QStringLiteral("tenant.pass"));
    const int steps = everyStep(QStringLiteral("tenant.pass"), pass, [&](bool, int n) {
        QCOMPARE(cli({QStringLiteral("nodes")}).exitCode, 0);
        const int pooled = count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool"));
        QVERIFY2(pooled == 0 || pooled == 1, qPrintable(QStringLiteral("step %1: %2 pooled").arg(n).arg(pooled)));
        QCOMPARE(okAudits(QStringLiteral("tenant.pass")), audits + pooled);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
        if (pooled)
            QCOMPARE(cli({QStringLiteral("group"), QStringLiteral("delete"), QStringLiteral("--name"), QStringLiteral("VFs-1"),
                          QStringLiteral("--tenant"), QStringLiteral("acme")}).exitCode, 0);
        audits = okAudits(QStringLiteral("tenant.pass"));
    });
    QVERIFY(steps >= 2);
}

void TstCliStoreKills::killedRecovery()
{
    // The recovery itself killed at each of its steps: the next start finishes it.
    setUpLostBinding(QStringLiteral("node-a"), 2);
    const QStringList restart = {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("vm1")};
    for (int n = 1;; ++n) {
        // A restart killed once its devices moved: a journal row to recover.
        const Killed first = killAt(QStringLiteral("vm.restart"), 3, restart);
        QVERIFY2(first.killed, first.err.constData());
        ++m_kills;
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
        const Killed k = killAt(QStringLiteral("journal.recover"), n, {QStringLiteral("nodes")});
        if (k.killed)
            ++m_kills;
        QCOMPARE(cli({QStringLiteral("nodes")}).exitCode, 0);
        checkInvariants(QStringLiteral("recovery killed at step %1").arg(n));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM vms WHERE power = 'on'")), 0);
        QCOMPARE(driver(m_vfs.first()), QStringLiteral("iavf"));
        if (!k.killed) {
            QVERIFY(n > 2);
            break;
        }
    }
}

void TstCliStoreKills::sameHostRace()
{
    // Two processes register one host at once under two names (R and R/): exactly one wins,
    // every round, and the other is refused naming it.
    const QString root = m_dir.filePath(QStringLiteral("race-root"));
    QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
    const int rounds = 10;
    for (int round = 0; round < rounds; ++round) {
        const QString db = m_dir.filePath(QStringLiteral("race-%1.db").arg(round));
        QProcess a, b;
        const QStringList common = {QStringLiteral("--db"), db, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("node"),
                                    QStringLiteral("add")};
        a.start(cliPath(), common + QStringList{QStringLiteral("a"), QStringLiteral("--host-root"), root, QStringLiteral("--simulate")});
        b.start(cliPath(), common + QStringList{QStringLiteral("b"), QStringLiteral("--host-root"), root + u'/', QStringLiteral("--simulate")});
        QVERIFY(a.waitForFinished(600000) && b.waitForFinished(600000));
        const int wins = (a.exitCode() == 0 ? 1 : 0) + (b.exitCode() == 0 ? 1 : 0);
        QCOMPARE(wins, 1);
        QProcess &loser = a.exitCode() == 0 ? b : a;
        const QByteArray err = loser.readAllStandardError();
        QCOMPARE(loser.exitCode(), 1);
        QVERIFY2(err.contains(a.exitCode() == 0 ? "node 'a'" : "node 'b'"), err.constData());
        m_db = db;
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM nodes")), 1);
    }
    qInfo("same host registered twice at once: %d races, one winner each", rounds);
}

QTEST_GUILESS_MAIN(TstCliStoreKills)
#include "tst_cli_store_kills.moc"
