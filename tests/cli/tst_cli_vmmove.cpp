// passdeck-cli vm move: a stopped VM to another node; refused while it runs, when the new node
// cannot meet its Count, and for a tenant VM whose tenant has no tenant node there.
#include "CliRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstCliVmMove : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usage();
    void hostVm();
    void tenantVm();
    void forceOfferedByTheCliOnly();

private:
    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()} + args);
    }
    QJsonObject vm(const QString &name) const
    {
        const CliRun r = cli({QStringLiteral("--json"), QStringLiteral("vms")});
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array())
            if (v.toObject().value(QLatin1String("name")).toString() == name)
                return v.toObject();
        return {};
    }

    QTemporaryDir m_dir;
    QString m_db;
};

#define EXPECT_EXIT(run, code)                                                                          \
    do {                                                                                                \
        const CliRun r_ = (run);                                                                        \
        QVERIFY2(r_.exitCode == (code), qPrintable(QStringLiteral("exit %1, stderr: %2, stdout: %3")    \
                                                       .arg(r_.exitCode).arg(QString::fromUtf8(r_.err), \
                                                                             QString::fromUtf8(r_.out)))); \
    } while (false)

void TstCliVmMove::initTestCase()
{
    QVERIFY(!cliPath().isEmpty());
    m_db = m_dir.filePath(QStringLiteral("store/passdeck.db"));
    for (const char *n : {"a", "b"}) {
        const QString root = m_dir.filePath(QString::fromLatin1(n));
        QCOMPARE(buildTree(root, QStringLiteral("node-") + QString::fromLatin1(n)), QString());
        EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("add"), QString::fromLatin1(n), QStringLiteral("--host-root"), root,
                         QStringLiteral("--simulate")}), 0);
    }
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("VFs"),
                     QStringLiteral("--class"), QStringLiteral("Network")}), 0);
    // node-a's i40e VF.
    EXPECT_EXIT(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--node"),
                     QStringLiteral("a"), QStringLiteral("0000:18:02.0")}), 0);
}

void TstCliVmMove::usage()
{
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("web")}), 2);
}

void TstCliVmMove::hostVm()
{
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("web"), QStringLiteral("--node"), QStringLiteral("a")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("web"), QStringLiteral("--group"), QStringLiteral("VFs"),
                     QStringLiteral("--count"), QStringLiteral("1")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-on"), QStringLiteral("web")}), 0);
    // Running: refused, with the reason and what to do.
    const CliRun running = cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("web"), QStringLiteral("--node"), QStringLiteral("b")});
    QCOMPARE(running.exitCode, 1);
    QVERIFY2(running.err.contains("is running") && running.err.contains("Power the VM off"), running.err.constData());
    QCOMPARE(vm(QStringLiteral("web")).value(QLatin1String("node")).toString(), QStringLiteral("a"));
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-off"), QStringLiteral("web")}), 0);
    // Stopped, but group VFs has nothing on node b for its Count 1.
    const CliRun empty = cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("web"), QStringLiteral("--node"), QStringLiteral("b")});
    QCOMPARE(empty.exitCode, 1);
    QVERIFY2(empty.err.contains("VFs") && empty.err.contains("Make Resource"), empty.err.constData());
    // The same node: refused.
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("web"), QStringLiteral("--node"), QStringLiteral("a")}), 1);
    // node-b's mlx5 VF in the group: the move goes through and the VM starts there.
    EXPECT_EXIT(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--node"),
                     QStringLiteral("b"), QStringLiteral("0000:5e:00.2")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("web"), QStringLiteral("--node"), QStringLiteral("b")}), 0);
    QCOMPARE(vm(QStringLiteral("web")).value(QLatin1String("node")).toString(), QStringLiteral("b"));
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-on"), QStringLiteral("web")}), 0);
    const CliRun devices = cli({QStringLiteral("vm"), QStringLiteral("devices"), QStringLiteral("web")});
    QVERIFY2(devices.out.contains("0000:5e:00.2"), devices.out.constData());
    // The audit names the move.
    const CliRun audit = cli({QStringLiteral("audit")});
    QVERIFY2(audit.out.contains("vm.move"), audit.out.constData());
}

void TstCliVmMove::tenantVm()
{
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("create"), QStringLiteral("acme")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("acme"), QStringLiteral("tn-a"),
                     QStringLiteral("--node"), QStringLiteral("a")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("tv"), QStringLiteral("--node"), QStringLiteral("a"),
                     QStringLiteral("--tenant"), QStringLiteral("acme"), QStringLiteral("--tenant-node"), QStringLiteral("tn-a")}), 0);
    // No tenant node of acme on b: refused with why.
    const CliRun refused = cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("tv"), QStringLiteral("--node"), QStringLiteral("b")});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("no tenant node") && refused.err.contains("Add Tenant Node"), refused.err.constData());
    QCOMPARE(vm(QStringLiteral("tv")).value(QLatin1String("node")).toString(), QStringLiteral("a"));
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("acme"), QStringLiteral("tn-b"),
                     QStringLiteral("--node"), QStringLiteral("b")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("move"), QStringLiteral("tv"), QStringLiteral("--node"), QStringLiteral("b")}), 0);
    const QJsonObject moved = vm(QStringLiteral("tv"));
    QCOMPARE(moved.value(QLatin1String("node")).toString(), QStringLiteral("b"));
    QCOMPARE(moved.value(QLatin1String("tenantNode")).toString(), QStringLiteral("tn-b"));
}

// The binder's refusal no longer promises a force (the windows have none); the command line,
// which has --force, offers it when every blocker may be forced.
void TstCliVmMove::forceOfferedByTheCliOnly()
{
    const QString root = m_dir.filePath(QStringLiteral("bind"));
    QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
    const QStringList base{QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("--pci-ids"), pinnedPciIds()};
    // eno1 is up: a forcible blocker.
    const CliRun up = runCli(base + QStringList{QStringLiteral("bind"), QStringLiteral("0000:04:00.0")});
    QCOMPARE(up.exitCode, 1);
    QVERIFY2(up.err.contains("repeat with --force") && !up.err.contains("force the change"), up.err.constData());
    // A bridge: never forcible, never offered.
    const CliRun bridge = runCli(base + QStringList{QStringLiteral("bind"), QStringLiteral("0000:00:1c.0")});
    QCOMPARE(bridge.exitCode, 1);
    QVERIFY2(!bridge.err.contains("repeat with --force"), bridge.err.constData());
}

QTEST_GUILESS_MAIN(TstCliVmMove)
#include "tst_cli_vmmove.moc"
