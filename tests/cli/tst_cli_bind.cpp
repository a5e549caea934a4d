// passdeck-cli plan | bind | unbind on simulated nodes (--host-root DIR --simulate): exit codes
// (0 done, 1 refused or failed, 2 bad usage), refusals with the reason on stderr, --force,
// --next-boot with `sim reboot`, rollback after a failed write, bad input, and the JSON contract
// tests/kernel relies on. SR-IOV and the sim commands: tst_cli_bind_sim.cpp.
#include "tst_cli_bind_util.h"

using namespace passdeck::test;

class TestCliBind : public CliBindTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!cliPath().isEmpty(), "PASSDECK_CLI is not set (run through ctest)");
        QVERIFY(m_tmp.isValid());
    }

    void planIsADryRunWithTheContractShape()
    {
        const QString root = freshRoot();
        const auto before = drivers(root);
        const CliRun r = cli(root, {QStringLiteral("plan"), kGpu, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = jsonOf(r);
        QCOMPARE(keysOf(o), keys({"target", "devices", "added", "writes", "findings"}));
        QCOMPARE(o.value(QLatin1String("target")).toString(), QStringLiteral("vfio-pci"));
        QCOMPARE(strings(o.value(QLatin1String("devices"))), QStringList({kGpu, kAudio}));
        QCOMPARE(strings(o.value(QLatin1String("added"))), QStringList({kAudio}));
        const QJsonArray writes = o.value(QLatin1String("writes")).toArray();
        QCOMPARE(writes.size(), 6);
        const QStringList steps{QStringLiteral("override"), QStringLiteral("unbind"), QStringLiteral("probe")};
        for (qsizetype i = 0; i < writes.size(); ++i) {
            const QJsonObject w = writes[i].toObject();
            QCOMPARE(keysOf(w), keys({"device", "path", "value", "step"}));
            QCOMPARE(w.value(QLatin1String("step")).toString(), steps[i % 3]);
            QCOMPARE(w.value(QLatin1String("device")).toString(), i < 3 ? kGpu : kAudio);
        }
        QCOMPARE(writes[0].toObject().value(QLatin1String("path")).toString(), QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(kGpu));
        QCOMPARE(writes[0].toObject().value(QLatin1String("value")).toString(), QStringLiteral("vfio-pci"));
        QCOMPARE(writes[2].toObject().value(QLatin1String("path")).toString(), QStringLiteral("sys/bus/pci/drivers_probe"));
        QCOMPARE(writes[2].toObject().value(QLatin1String("value")).toString(), kGpu);
        bool groupMember = false;
        for (const QJsonValue &v : o.value(QLatin1String("findings")).toArray()) {
            const QJsonObject f = v.toObject();
            QCOMPARE(keysOf(f), keys({"severity", "code", "device", "message", "forcible"}));
            groupMember = groupMember || (f.value(QLatin1String("code")).toString() == QLatin1String("group-member")
                                          && f.value(QLatin1String("device")).toString() == kAudio);
        }
        QVERIFY(groupMember);
        QCOMPARE(drivers(root), before); // a dry run

        // The human-readable plan names every write and the group member.
        const CliRun text = cli(root, {QStringLiteral("plan"), kGpu});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("sys/bus/pci/drivers_probe"), text.out.constData());
        QVERIFY2(text.out.contains(kAudio.toLatin1()), text.out.constData());
        // Back to the host: the empty override line.
        const CliRun host = cli(root, {QStringLiteral("plan"), kGpu, QStringLiteral("--target"), QStringLiteral("host"), QStringLiteral("--json")});
        QCOMPARE(host.exitCode, 0);
        QCOMPARE(jsonOf(host).value(QLatin1String("target")).toString(), QStringLiteral("host"));
        QCOMPARE(drivers(root), before);
    }

    void bindAndUnbind()
    {
        const QString root = freshRoot();
        CliRun r = cli(root, {QStringLiteral("bind"), kGpu, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QJsonObject o = jsonOf(r);
        verifyOutcomeShape(o);
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), true);
        QVERIFY(o.value(QLatin1String("error")).isNull());
        QCOMPARE(o.value(QLatin1String("reboot_required")).toBool(), false);
        const QJsonArray devices = o.value(QLatin1String("devices")).toArray();
        QCOMPARE(devices.size(), 2);
        QCOMPARE(devices[0].toObject().value(QLatin1String("address")).toString(), kGpu);
        QCOMPARE(devices[0].toObject().value(QLatin1String("original_driver")).toString(), QStringLiteral("nvidia"));
        QCOMPARE(devices[0].toObject().value(QLatin1String("driver")).toString(), QStringLiteral("vfio-pci"));
        QCOMPARE(devices[1].toObject().value(QLatin1String("original_driver")).toString(), QStringLiteral("snd_hda_intel"));
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(root, kAudio), QStringLiteral("vfio-pci"));
        QVERIFY(QFileInfo::exists(devVfio(root, kGpu)));
        QVERIFY(rules(root).contains(QStringLiteral("KERNEL==\"%1\"").arg(kGpu)));

        // Again: nothing to do, still success.
        r = cli(root, {QStringLiteral("bind"), kGpu});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Outcome"), r.out.constData());

        r = cli(root, {QStringLiteral("unbind"), kGpu});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("nvidia"), r.out.constData());
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("nvidia"));
        QCOMPARE(driverOf(root, kAudio), QStringLiteral("snd_hda_intel"));
        QVERIFY(!QFileInfo::exists(devVfio(root, kGpu)));
        QVERIFY(!rules(root).contains(kGpu));
    }

    void refusalOnABlockerAndForce()
    {
        const QString root = freshRoot();
        const auto before = drivers(root);
        CliRun r = cli(root, {QStringLiteral("bind"), kNicUp});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("eno1"), r.err.constData());
        QVERIFY2(r.err.contains("--force"), r.err.constData());
        QVERIFY2(r.out.contains("[blocker]"), r.out.constData()); // the plan and findings are shown
        QCOMPARE(drivers(root), before);
        QVERIFY(rules(root).isEmpty());

        r = cli(root, {QStringLiteral("bind"), kNicUp, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.err.isEmpty());
        QJsonObject o = jsonOf(r);
        verifyOutcomeShape(o);
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), false);
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(), QStringLiteral("blocked"));
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("step")).toString(), QStringLiteral("impact-check"));
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("device")).toString(), kNicUp);
        QCOMPARE(drivers(root), before);

        r = cli(root, {QStringLiteral("bind"), kNicUp, QStringLiteral("--force"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        o = jsonOf(r);
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(driverOf(root, kNicUp), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(root, kNic2), QStringLiteral("vfio-pci"));
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/sys/class/net/eno1")));
    }

    // `sim link` is the simulated node's `ip link set`: an interface taken down no longer blocks.
    void aBridgeCannotBeForced()
    {
        const QString root = freshRoot();
        const auto before = drivers(root);
        const CliRun r = cli(root, {QStringLiteral("bind"), kBridge, QStringLiteral("--force")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bridge"), r.err.constData());
        QVERIFY2(r.err.contains("cannot be forced"), r.err.constData());
        QCOMPARE(drivers(root), before);
    }

    void nextBootThenSimulatedReboot()
    {
        const QString root = freshRoot();
        CliRun r = cli(root, {QStringLiteral("bind"), kGpu, QStringLiteral("--next-boot"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QJsonObject o = jsonOf(r);
        verifyOutcomeShape(o);
        QCOMPARE(o.value(QLatin1String("reboot_required")).toBool(), true);
        QCOMPARE(strings(o.value(QLatin1String("reboot_devices"))), QStringList({kGpu, kAudio}));
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("nvidia")); // nothing moves live
        QVERIFY(rules(root).contains(kAudio));

        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("reboot")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(root, kAudio), QStringLiteral("vfio-pci"));
        QVERIFY(QFileInfo::exists(devVfio(root, kGpu)));

        // The human-readable form says a reboot is needed and which devices wait for it.
        r = cli(root, {QStringLiteral("unbind"), kGpu, QStringLiteral("--next-boot")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("eboot"), r.out.constData());
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("vfio-pci"));
        QVERIFY(!rules(root).contains(kGpu));
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("reboot")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("nvidia"));
        QCOMPARE(driverOf(root, kAudio), QStringLiteral("snd_hda_intel"));

        // Rebooting a root that is not a simulated node is refused.
        r = runCli({QStringLiteral("--host-root"), m_tmp.path(), QStringLiteral("sim"), QStringLiteral("reboot")});
        QCOMPARE(r.exitCode, 1);
    }

    void aFailedWriteRollsBackAndNamesTheStep()
    {
        const QString root = freshRoot();
        const auto before = drivers(root);
        CliRun r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"),
                           QStringLiteral("sys/bus/pci/drivers_probe"), QStringLiteral("--errno"), QStringLiteral("5")});
        QCOMPARE(r.exitCode, 0);
        r = cli(root, {QStringLiteral("bind"), kGpu, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("EIO"), r.err.constData());
        const QJsonObject o = jsonOf(r);
        verifyOutcomeShape(o);
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        QCOMPARE(e.value(QLatin1String("errno")).toInt(), 5);
        QCOMPARE(e.value(QLatin1String("errno_name")).toString(), QStringLiteral("EIO"));
        QCOMPARE(e.value(QLatin1String("step")).toString(), QStringLiteral("sys/bus/pci/drivers_probe"));
        QCOMPARE(e.value(QLatin1String("device")).toString(), kGpu);
        for (const QJsonValue &v : o.value(QLatin1String("devices")).toArray())
            QCOMPARE(v.toObject().value(QLatin1String("driver")).toString(), v.toObject().value(QLatin1String("original_driver")).toString());
        QCOMPARE(drivers(root), before);
        QVERIFY(rules(root).isEmpty());
        // The fault was used up: the same command now works.
        r = cli(root, {QStringLiteral("bind"), kGpu});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("vfio-pci"));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stderrHas");
        const QString bind = QStringLiteral("bind");
        QTest::newRow("short address") << QStringList{bind, QStringLiteral("0000:17:00")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("no domain") << QStringList{bind, QStringLiteral("17:00.0")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("upper case") << QStringList{bind, QStringLiteral("0000:3A:00.0")} << 2 << QStringLiteral("lower-case");
        QTest::newRow("function 8") << QStringList{bind, QStringLiteral("0000:17:00.8")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("dot dot") << QStringList{bind, QStringLiteral("../../etc")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("address then dot dot") << QStringList{bind, QStringLiteral("0000:17:00.0/../../../../etc")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("trailing space") << QStringList{bind, QStringLiteral("0000:17:00.0 ")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("newline inside") << QStringList{bind, QStringLiteral("0000:17:00.0\n0000:04:00.0")} << 2 << QStringLiteral("Invalid PCI address");
        QTest::newRow("one bad among good") << QStringList{QStringLiteral("unbind"), kGpu, QStringLiteral("0000:zz:00.0")} << 2 << QStringLiteral("0000:zz:00.0");
        QTest::newRow("unknown device") << QStringList{bind, QStringLiteral("0000:99:00.0")} << 1 << QStringLiteral("no PCI device 0000:99:00.0");
        QTest::newRow("unknown among known") << QStringList{bind, kGpu, QStringLiteral("0000:99:00.0")} << 1 << QStringLiteral("0000:99:00.0");
        QTest::newRow("no address") << QStringList{bind} << 2 << QStringLiteral("at least one device");
        QTest::newRow("unknown option") << QStringList{bind, kGpu, QStringLiteral("--bogus")} << 2 << QStringLiteral("--bogus");
        QTest::newRow("unknown target driver") << QStringList{QStringLiteral("plan"), kGpu, QStringLiteral("--target"), QStringLiteral("nouveau")} << 2 << QStringLiteral("nouveau");
        QTest::newRow("target with a path") << QStringList{QStringLiteral("plan"), kGpu, QStringLiteral("--target"), QStringLiteral("../vfio-pci")} << 2 << QStringLiteral("unknown target");
        QTest::newRow("sysfs-write dot dot") << QStringList{QStringLiteral("sysfs-write"), QStringLiteral("sys/bus/pci/drivers/../../../../etc/x"), QStringLiteral("1")} << 2 << QStringLiteral("..");
        QTest::newRow("sysfs-write outside") << QStringList{QStringLiteral("sysfs-write"), QStringLiteral("etc/passwd"), QStringLiteral("x")} << 2 << QStringLiteral("sys/bus/pci");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, stderrHas);
        static QString root; // one tree for every row: none of them may change it
        if (root.isEmpty())
            root = freshRoot();
        const auto before = drivers(root);
        const CliRun r = cli(root, args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(stderrHas.toUtf8()), r.err.constData());
        QCOMPARE(drivers(root), before);
        QVERIFY(rules(root).isEmpty());
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/etc/x")));
    }

    void unknownDeviceAsJson()
    {
        const QString root = freshRoot();
        const CliRun r = cli(root, {QStringLiteral("bind"), QStringLiteral("0000:99:00.0"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject o = jsonOf(r);
        verifyOutcomeShape(o);
        QCOMPARE(o.value(QLatin1String("ok")).toBool(), false);
        QCOMPARE(o.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(), QStringLiteral("unknown-device"));
    }

    void duplicatesAreOneDevice()
    {
        const QString root = freshRoot();
        const CliRun r = cli(root, {QStringLiteral("bind"), kGpu, kAudio, kGpu, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray devices = jsonOf(r).value(QLatin1String("devices")).toArray();
        QCOMPARE(devices.size(), 2);
        QCOMPARE(driverOf(root, kGpu), QStringLiteral("vfio-pci"));
        QCOMPARE(rules(root).count(QStringLiteral("KERNEL==\"%1\"").arg(kGpu)), 1);
    }

    void simulateIsExplicit()
    {
        const QString root = freshRoot();
        const auto before = drivers(root);
        // --simulate names the host root it applies to.
        CliRun r = runCli({QStringLiteral("--simulate"), QStringLiteral("bind"), kGpu});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--host-root"), r.err.constData());
        // A simulated root without --simulate: plain writes would corrupt it, so it is refused.
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("bind"), kGpu});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--simulate"), r.err.constData());
        QCOMPARE(drivers(root), before);
        // --simulate on a directory that is not a simulated node.
        QTemporaryDir plain;
        QVERIFY(QDir().mkpath(plain.filePath(QStringLiteral("sys/bus/pci/devices"))));
        r = runCli({QStringLiteral("--host-root"), plain.path(), QStringLiteral("--simulate"), QStringLiteral("bind"), kGpu});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.err.isEmpty());
    }};

QTEST_GUILESS_MAIN(TestCliBind)
#include "tst_cli_bind.moc"
