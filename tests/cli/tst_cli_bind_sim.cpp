// passdeck-cli sriov and the simulator commands the binding tests lean on (sim fault, sim link),
// and an apply killed between two writes, then run again.
#include "tst_cli_bind_util.h"

using namespace passdeck::test;

class TestCliBindSim : public CliBindTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!cliPath().isEmpty(), "PASSDECK_CLI is not set (run through ctest)");
        QVERIFY(m_tmp.isValid());
    }

    void linkDownLiftsTheNetUpBlocker()
    {
        const QString root = freshRoot();
        const QStringList simLink{QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("link")};
        CliRun r = runCli(simLink + QStringList{QStringLiteral("eno1"), QStringLiteral("down")});
        QCOMPARE(r.exitCode, 0);
        QFile operstate(root + QStringLiteral("/sys/class/net/eno1/operstate"));
        QVERIFY(operstate.open(QIODevice::ReadOnly));
        QCOMPARE(operstate.readAll(), QByteArray("down\n"));
        r = cli(root, {QStringLiteral("plan"), kNicUp, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        for (const QJsonValue &f : jsonOf(r).value(QLatin1String("findings")).toArray())
            QVERIFY(f.toObject().value(QLatin1String("code")).toString() != QLatin1String("net-up"));
        r = runCli(simLink + QStringList{QStringLiteral("eno1"), QStringLiteral("up")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(cli(root, {QStringLiteral("bind"), kNicUp}).exitCode, 1); // up again: refused
        // No such interface, bad state, bad name.
        QCOMPARE(runCli(simLink + QStringList{QStringLiteral("eth9"), QStringLiteral("up")}).exitCode, 1);
        QCOMPARE(runCli(simLink + QStringList{QStringLiteral("eno1"), QStringLiteral("sideways")}).exitCode, 2);
        QCOMPARE(runCli(simLink + QStringList{QStringLiteral("../x"), QStringLiteral("up")}).exitCode, 1);
    }

    void simFaultCountsAndNames()
    {
        const QString root = freshRoot();
        CliRun r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"),
                           QStringLiteral("sys/bus/pci/devices/*/driver_override"), QStringLiteral("--errno"), QStringLiteral("EBUSY"),
                           QStringLiteral("--count"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("EBUSY (16)"), r.out.constData());
        for (int i = 0; i < 2; ++i) {
            r = cli(root, {QStringLiteral("sysfs-write"), QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(kGpu),
                           QStringLiteral("vfio-pci"), QStringLiteral("--json")});
            QCOMPARE(r.exitCode, 0); // sysfs-write reports the errno, it does not judge
            QCOMPARE(jsonOf(r).value(QLatin1String("errno_name")).toString(), QStringLiteral("EBUSY"));
        }
        r = cli(root, {QStringLiteral("sysfs-write"), QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(kGpu),
                       QStringLiteral("vfio-pci"), QStringLiteral("--json")});
        QCOMPARE(jsonOf(r).value(QLatin1String("errno")).toInt(), 0);
        QVERIFY(jsonOf(r).value(QLatin1String("errno_name")).isNull());
        // Cleared faults no longer fire; bad errno values are bad usage.
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("sys/bus/pci/drivers_probe"),
                    QStringLiteral("--errno"), QStringLiteral("5")});
        QCOMPARE(r.exitCode, 0);
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("--clear")});
        QCOMPARE(r.exitCode, 0);
        r = cli(root, {QStringLiteral("bind"), kGpu});
        QCOMPARE(r.exitCode, 0);
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("x"),
                    QStringLiteral("--errno"), QStringLiteral("EWHATEVER")});
        QCOMPARE(r.exitCode, 2);
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 2);
    }

    // A bind killed between two writes leaves a half-moved node; running it again completes it.
    void killedApplyCompletesOnRerun()
    {
        const QString root = freshRoot();
        const QStringList simFault{QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault")};
        QCOMPARE(runCli(simFault + QStringList{QStringLiteral("--delay"), QStringLiteral("150")}).exitCode, 0);
        QProcess p;
        p.start(cliPath(), {QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("--pci-ids"), pinnedPciIds(),
                            QStringLiteral("bind"), kGpu});
        QVERIFY(p.waitForStarted(600000));
        // Six writes at 150 ms each: kill it once the first device is off its host driver.
        QTRY_VERIFY_WITH_TIMEOUT(driverOf(root, kGpu) != QLatin1String("nvidia"), 10000);
        p.kill();
        QVERIFY(p.waitForFinished(600000));
        QVERIFY(driverOf(root, kAudio) != QLatin1String("vfio-pci")); // interrupted before the end
        QCOMPARE(runCli(simFault + QStringList{QStringLiteral("--clear")}).exitCode, 0);

        const CliRun r = cli(root, {QStringLiteral("bind"), kGpu, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(jsonOf(r).value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(root, kAudio), QStringLiteral("vfio-pci"));
        QVERIFY(rules(root).contains(kGpu) && rules(root).contains(kAudio));
    }

    void sriov()
    {
        const QString root = freshRoot();
        const QString pfDir = root + QStringLiteral("/sys/bus/pci/devices/") + kPf;
        // 4 -> 2 goes through 0 (the kernel refuses non-zero to non-zero).
        CliRun r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("2"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QJsonObject o = jsonOf(r);
        QCOMPARE(keysOf(o), keys({"ok", "address", "numvfs", "vfs", "findings", "error"}));
        QVERIFY(o.value(QLatin1String("findings")).toArray().isEmpty()); // no VF in use
        QCOMPARE(o.value(QLatin1String("numvfs")).toInt(), 2);
        QCOMPARE(strings(o.value(QLatin1String("vfs"))), QStringList({QStringLiteral("0000:18:02.0"), QStringLiteral("0000:18:02.1")}));
        QVERIFY(QFileInfo(pfDir + QStringLiteral("/virtfn1")).isSymLink());
        QVERIFY(!QFileInfo(pfDir + QStringLiteral("/virtfn2")).isSymLink());

        // New VFs straight to vfio-pci: autoprobe off, then bind.
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("3"), QStringLiteral("--no-autoprobe")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("3 VF"), r.out.constData());
        QCOMPARE(driverOf(root, QStringLiteral("0000:18:02.2")), QString());
        r = cli(root, {QStringLiteral("bind"), QStringLiteral("0000:18:02.0"), QStringLiteral("0000:18:02.2")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(driverOf(root, QStringLiteral("0000:18:02.0")), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(root, QStringLiteral("0000:18:02.2")), QStringLiteral("vfio-pci"));

        // Too many, not a number, missing, a device without SR-IOV.
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("33")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("32"), r.err.constData());
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("many")});
        QCOMPARE(r.exitCode, 2);
        r = cli(root, {QStringLiteral("sriov"), kPf});
        QCOMPARE(r.exitCode, 2);
        r = cli(root, {QStringLiteral("sriov"), kGpu, QStringLiteral("--vfs"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 1);
        r = cli(root, {QStringLiteral("sriov"), QStringLiteral("../../x"), QStringLiteral("--vfs"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(QDir(pfDir).entryList({QStringLiteral("virtfn*")}, QDir::System | QDir::AllEntries).size(), 3);

        // Two VFs are on vfio-pci: removing them is refused (exit 1, reason on stderr) until forced.
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("0"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        o = jsonOf(r);
        QCOMPARE(keysOf(o), keys({"ok", "address", "numvfs", "vfs", "findings", "error"}));
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), false);
        QCOMPARE(o.value(QLatin1String("numvfs")).toInt(), 3);
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(), QStringLiteral("blocked"));
        QCOMPARE(o.value(QLatin1String("findings")).toArray().size(), 2);
        QCOMPARE(o.value(QLatin1String("findings")).toArray().first().toObject().value(QLatin1String("code")).toString(),
                 QStringLiteral("vf-in-use"));
        QVERIFY2(r.err.contains("vfio-pci"), r.err.constData());
        QCOMPARE(driverOf(root, QStringLiteral("0000:18:02.0")), QStringLiteral("vfio-pci"));
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("0000:18:02.0") && r.err.contains("--force"), r.err.constData());
        QCOMPARE(QDir(pfDir).entryList({QStringLiteral("virtfn*")}, QDir::System | QDir::AllEntries).size(), 3);

        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("0"), QStringLiteral("--force"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(jsonOf(r).value(QLatin1String("numvfs")).toInt(), 0);
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/sys/bus/pci/devices/0000:18:02.0")));
    }
};

QTEST_GUILESS_MAIN(TestCliBindSim)
#include "tst_cli_bind_sim.moc"
