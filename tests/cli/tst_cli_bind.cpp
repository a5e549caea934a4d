// passdeck-cli plan | bind | unbind | sriov on simulated nodes (--host-root DIR --simulate): exit
// codes (0 done, 1 refused or failed, 2 bad usage), refusals with the reason on stderr, --force,
// --next-boot with `sim reboot`, bad input, and the JSON contract tests/kernel relies on.
#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

namespace {
// node-a (resources/demo/node-a.json)
const QString kGpu = QStringLiteral("0000:17:00.0");    // nvidia; IOMMU group 10 with its audio function
const QString kAudio = QStringLiteral("0000:17:00.1");  // snd_hda_intel
const QString kNicUp = QStringLiteral("0000:04:00.0");  // igb, eno1 up; group 8 with 0000:04:00.1
const QString kNic2 = QStringLiteral("0000:04:00.1");
const QString kBridge = QStringLiteral("0000:00:1c.0"); // pcieport
const QString kPf = QStringLiteral("0000:18:00.0");     // i40e, 4 of 32 VFs enabled
} // namespace

class TestCliBind : public QObject
{
    Q_OBJECT

private:
    // On a tmpfs when there is one: sysfs is in memory, and a busy ext4 makes every inode a
    // bind creates slow (tests/bench/bench_bind.cpp).
    QTemporaryDir m_tmp{(QFileInfo(QStringLiteral("/dev/shm")).isWritable() ? QStringLiteral("/dev/shm") : QDir::tempPath())
                        + QStringLiteral("/passdeck-cli-bind-XXXXXX")};
    int m_roots = 0;

    // A fresh node-a for each test: the tests change it.
    QString freshRoot()
    {
        const QString root = m_tmp.filePath(QStringLiteral("node-%1").arg(++m_roots));
        const QString problem = buildTree(root, QStringLiteral("node-a"));
        if (!problem.isEmpty())
            qFatal("%s", qPrintable(problem));
        return root;
    }
    static CliRun cli(const QString &root, const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("--pci-ids"),
                                  pinnedPciIds()} + args);
    }
    static QJsonObject jsonOf(const CliRun &r)
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qWarning("not a JSON object: %s\nstderr: %s", r.out.constData(), r.err.constData());
        return doc.object();
    }
    static QSet<QString> keysOf(const QJsonObject &o)
    {
        const QStringList k = o.keys();
        return QSet<QString>(k.begin(), k.end());
    }
    static QSet<QString> keys(std::initializer_list<const char *> list)
    {
        QSet<QString> s;
        for (const char *k : list)
            s.insert(QLatin1String(k));
        return s;
    }
    static QString driverOf(const QString &root, const QString &address)
    {
        const QString t = QFileInfo(root + QStringLiteral("/sys/bus/pci/devices/") + address + QStringLiteral("/driver")).symLinkTarget();
        return t.isEmpty() ? QString() : QFileInfo(t).fileName();
    }
    static QString rules(const QString &root)
    {
        QFile f(root + QStringLiteral("/etc/udev/rules.d/61-passdeck-vfio.rules"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
    static QString devVfio(const QString &root, const QString &address)
    {
        const QString g = QFileInfo(QFileInfo(root + QStringLiteral("/sys/bus/pci/devices/") + address + QStringLiteral("/iommu_group"))
                                        .symLinkTarget()).fileName();
        return root + QStringLiteral("/dev/vfio/") + g;
    }
    // The drivers of every device, to show that a refused or failed command changed nothing.
    static QMap<QString, QString> drivers(const QString &root)
    {
        QMap<QString, QString> m;
        for (const QString &a : QDir(root + QStringLiteral("/sys/bus/pci/devices")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
            m.insert(a, driverOf(root, a));
        return m;
    }
    static QStringList strings(const QJsonValue &v)
    {
        QStringList out;
        for (const QJsonValue &x : v.toArray())
            out.append(x.toString());
        return out;
    }
    static void verifyOutcomeShape(const QJsonObject &o)
    {
        QCOMPARE(keysOf(o), keys({"ok", "target", "devices", "reboot_required", "reboot_devices", "findings", "error"}));
        for (const QJsonValue &d : o.value(QLatin1String("devices")).toArray())
            QCOMPARE(keysOf(d.toObject()), keys({"address", "original_driver", "driver"}));
        for (const QJsonValue &f : o.value(QLatin1String("findings")).toArray())
            QCOMPARE(keysOf(f.toObject()), keys({"severity", "code", "device", "message", "forcible"}));
        if (!o.value(QLatin1String("error")).isNull())
            QCOMPARE(keysOf(o.value(QLatin1String("error")).toObject()), keys({"code", "device", "step", "errno", "errno_name", "message"}));
    }

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
        QVERIFY(p.waitForStarted());
        // Six writes at 150 ms each: kill it once the first device is off its host driver.
        QTRY_VERIFY_WITH_TIMEOUT(driverOf(root, kGpu) != QLatin1String("nvidia"), 10000);
        p.kill();
        QVERIFY(p.waitForFinished());
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
        QCOMPARE(keysOf(o), keys({"ok", "address", "numvfs", "vfs", "error"}));
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

        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("0"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(jsonOf(r).value(QLatin1String("numvfs")).toInt(), 0);
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/sys/bus/pci/devices/0000:18:02.0")));
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
    }
};

QTEST_GUILESS_MAIN(TestCliBind)
#include "tst_cli_bind.moc"
