// passdeck-cli sim capture SRC DIR: a twin of any host root (docs/simulated-nodes.md, "Twins").
#include "CliRunner.h"
#include "MovedTrees.h"
#include "SimTestUtil.h"
#include "node/host/HostRoot.h"
#include "sim/SimCapture.h"
#include "sim/SimKernel.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace passdeck;
using namespace passdeck::test;

class TestCliCapture : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp{(QFileInfo(QStringLiteral("/dev/shm")).isWritable() ? QStringLiteral("/dev/shm") : QDir::tempPath())
                        + QStringLiteral("/passdeck-capture-XXXXXX")};

    static CliRun devicesJson(const QString &root)
    {
        return runCli({QStringLiteral("--host-root"), root, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("devices"),
                       QStringLiteral("--json")});
    }
    static CliRun capture(const QString &src, const QString &dir, const QStringList &more = {})
    {
        return runCli(QStringList{QStringLiteral("sim"), QStringLiteral("capture"), src, dir} + more);
    }
    static CliRun sim(const QString &root, const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("--pci-ids"),
                                  pinnedPciIds()} + args);
    }
    // Every regular file under dir with its content hash, and every link with its target.
    static QMap<QString, QByteArray> snapshotTree(const QString &dir)
    {
        QMap<QString, QByteArray> out;
        QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileInfo info = it.fileInfo();
            if (info.isSymLink())
                out.insert(path, info.symLinkTarget().toUtf8());
            else if (info.isFile())
                out.insert(path, QCryptographicHash::hash(readRootFile(dir, QDir(dir).relativeFilePath(path)), QCryptographicHash::Sha1));
        }
        return out;
    }

private Q_SLOTS:
    void generatedTreesCompareEqual_data()
    {
        QTest::addColumn<QJsonObject>("description");
        QTest::newRow("node-a") << demoDescription(QStringLiteral("node-a"));
        QTest::newRow("node-b") << demoDescription(QStringLiteral("node-b"));
        QTest::newRow("moved") << movedTreeBefore();
    }

    void generatedTreesCompareEqual()
    {
        QFETCH(QJsonObject, description);
        static int n = 0;
        ++n;
        Error e;
        const QString src = buildSimRoot(m_tmp, description, QStringLiteral("src%1").arg(n), &e);
        QVERIFY2(!src.isEmpty(), qPrintable(e.message()));
        const QMap<QString, QByteArray> before = snapshotTree(src);
        const QString twin = m_tmp.filePath(QStringLiteral("twin%1").arg(n));
        const CliRun c = capture(src, twin, {QStringLiteral("--name"), QStringLiteral("copy")});
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QVERIFY2(c.out.contains("Captured"), c.out.constData());
        QVERIFY2(c.err.isEmpty(), c.err.constData()); // a tree the kernel's way: no warnings
        QCOMPARE(snapshotTree(src), before);          // the source was only read
        QVERIFY(SimHostBuilder::isSimulatedRoot(twin));
        QCOMPARE(SimCapture::capturedFrom(twin), src);
        const CliRun a = devicesJson(src), b = devicesJson(twin);
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(b.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(b.out), QJsonDocument::fromJson(a.out));
        QVERIFY(!QJsonDocument::fromJson(a.out).array().isEmpty());
        for (const char *file : {"proc/mounts", "proc/swaps", "proc/cmdline"})
            QCOMPARE(readRootFile(twin, QLatin1String(file)), readRootFile(src, QLatin1String(file)));
        // Slots and config space are copied: the serial number reads the same.
        if (description.value(QStringLiteral("node")).toString() == QLatin1String("moved")) {
            QCOMPARE(readRootFile(twin, QStringLiteral("sys/bus/pci/slots/1/address")), QByteArray("0000:01:00\n"));
            QCOMPARE(readRootFile(twin, QStringLiteral("sys/bus/pci/devices/0000:02:00.0/config")),
                     readRootFile(src, QStringLiteral("sys/bus/pci/devices/0000:02:00.0/config")));
        }
    }

    void bindUnbindRebootOnATwin()
    {
        Error e;
        const QString src = buildSimRoot(m_tmp, demoDescription(QStringLiteral("node-a")), QStringLiteral("bsrc"), &e);
        QVERIFY(!src.isEmpty());
        const QString twin = m_tmp.filePath(QStringLiteral("btwin"));
        QCOMPARE(capture(src, twin).exitCode, 0);
        const QString gpu = QStringLiteral("0000:17:00.0");
        QCOMPARE(driverOf(twin, gpu), QStringLiteral("nvidia"));
        CliRun r = sim(twin, {QStringLiteral("bind"), gpu});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(driverOf(twin, gpu), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(src, gpu), QStringLiteral("nvidia")); // the source is not the twin
        r = sim(twin, {QStringLiteral("unbind"), gpu});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(driverOf(twin, gpu), QStringLiteral("nvidia")); // its driver's id table came along
        QCOMPARE(sim(twin, {QStringLiteral("bind"), gpu, QStringLiteral("--next-boot")}).exitCode, 0);
        r = runCli({QStringLiteral("--host-root"), twin, QStringLiteral("sim"), QStringLiteral("reboot")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(driverOf(twin, gpu), QStringLiteral("vfio-pci"));
        QCOMPARE(SimCapture::capturedFrom(twin), src); // still a twin after the reboot
        QCOMPARE(driverOf(twin, QStringLiteral("0000:18:02.0")), driverOf(src, QStringLiteral("0000:18:02.0")));
    }

    void realSysReadOnly()
    {
        // This machine's own /sys, read only (PASSDECK_FORBID_REAL_SYSFS stays set: a write
        // would be refused anyway); then a bind on the twin.
        QVERIFY(qEnvironmentVariableIsSet("PASSDECK_FORBID_REAL_SYSFS"));
        if (QDir(QStringLiteral("/sys/bus/pci/devices")).isEmpty())
            QSKIP("this machine shows no PCI devices in /sys");
        const QString twin = m_tmp.filePath(QStringLiteral("real"));
        const CliRun c = capture(QStringLiteral("/"), twin);
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QVERIFY(SimHostBuilder::isSimulatedRoot(twin));
        const CliRun real = devicesJson(QStringLiteral("/")), copy = devicesJson(twin);
        QCOMPARE(copy.exitCode, 0);
        QJsonArray realDevices, twinDevices;
        for (const QJsonValue &v : QJsonDocument::fromJson(real.out).array())
            if (v.toObject().value(QStringLiteral("physfn")).isNull())
                realDevices.append(v.toObject().value(QStringLiteral("address")));
        for (const QJsonValue &v : QJsonDocument::fromJson(copy.out).array())
            if (v.toObject().value(QStringLiteral("physfn")).isNull())
                twinDevices.append(v.toObject().value(QStringLiteral("address")));
        QCOMPARE(twinDevices, realDevices);
        // On the twin the simulated kernel acts, never on this machine: a device unbound from its
        // driver comes back to it at drivers_probe (the id table follows from what was bound).
        QString chosen, driver;
        for (const QJsonValue &v : QJsonDocument::fromJson(copy.out).array()) {
            const QJsonObject o = v.toObject();
            if (!o.value(QStringLiteral("is_bridge")).toBool() && !o.value(QStringLiteral("driver")).toString().isEmpty()) {
                chosen = o.value(QStringLiteral("address")).toString();
                driver = o.value(QStringLiteral("driver")).toString();
                break;
            }
        }
        if (chosen.isEmpty())
            QSKIP("no device of this machine has a driver");
        const QString realDriver = driverOf(QStringLiteral("/"), chosen);
        SimKernel kernel{HostRoot(twin)};
        QCOMPARE(kernel.write(QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(chosen), chosen.toLatin1()), 0);
        QVERIFY(driverOf(twin, chosen).isEmpty());
        QCOMPARE(kernel.write(QStringLiteral("sys/bus/pci/drivers_probe"), chosen.toLatin1()), 0);
        QCOMPARE(driverOf(twin, chosen), driver);
        QCOMPARE(driverOf(QStringLiteral("/"), chosen), realDriver);
        // And a bind to vfio-pci through the CLI: done where the machine has an IOMMU and
        // vfio-pci; refused by the impact check, as it would be on the machine, where not.
        const CliRun b = sim(twin, {QStringLiteral("bind"), chosen, QStringLiteral("--force")});
        const bool passthroughHost = QFileInfo::exists(QStringLiteral("/sys/bus/pci/drivers/vfio-pci"))
                                     && !QDir(QStringLiteral("/sys/kernel/iommu_groups")).isEmpty();
        if (passthroughHost) {
            QVERIFY2(b.exitCode == 0, QByteArray(b.out + b.err).constData());
            QCOMPARE(driverOf(twin, chosen), QStringLiteral("vfio-pci"));
        } else {
            QVERIFY2(b.exitCode != 0, b.out.constData()); // no IOMMU or no vfio-pci, as on the machine
        }
        QCOMPARE(driverOf(QStringLiteral("/"), chosen), realDriver);
    }

    void foreignTreeWarnsAndGoesOn()
    {
        Error e;
        const QString src = buildSimRoot(m_tmp, movedTreeBefore(), QStringLiteral("fsrc"), &e);
        QVERIFY(!src.isEmpty());
        // What another tool might leave: no simulator state, a name that is no address, a device
        // whose vendor is a FIFO, a dangling driver link.
        QVERIFY(QDir(src + QStringLiteral("/.passdeck-sim")).removeRecursively());
        QVERIFY(QDir().mkpath(src + QStringLiteral("/sys/bus/pci/devices/garbage")));
        const QString nvme = src + QStringLiteral("/sys/bus/pci/devices/0000:03:00.0/");
        QVERIFY(QFile::remove(nvme + QStringLiteral("vendor")));
        QCOMPARE(::mkfifo(QFile::encodeName(nvme + QStringLiteral("vendor")).constData(), 0644), 0);
        const QString fpga = src + QStringLiteral("/sys/bus/pci/devices/0000:05:00.0/");
        QVERIFY(QFile::remove(fpga + QStringLiteral("driver")));
        QVERIFY(QFile::link(QStringLiteral("../../../../bus/pci/drivers/nowhere"), fpga + QStringLiteral("driver")));

        // --simulate on it is refused, naming sim capture.
        const CliRun refused = sim(src, {QStringLiteral("plan"), QStringLiteral("0000:01:00.0")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("sim capture"), refused.err.constData());

        const QString twin = m_tmp.filePath(QStringLiteral("ftwin"));
        const CliRun c = capture(src, twin);
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QVERIFY2(c.err.contains("garbage"), c.err.constData());
        QVERIFY2(c.err.contains("0000:03:00.0"), c.err.constData());
        const CliRun d = devicesJson(twin);
        QCOMPARE(d.exitCode, 0);
        QStringList addresses;
        for (const QJsonValue &v : QJsonDocument::fromJson(d.out).array())
            addresses << v.toObject().value(QStringLiteral("address")).toString();
        QVERIFY(addresses.contains(QStringLiteral("0000:01:00.0")));
        QVERIFY(!addresses.contains(QStringLiteral("0000:03:00.0"))); // the FIFO one is left out
        QVERIFY(addresses.contains(QStringLiteral("0000:05:00.0")));
        QVERIFY(driverOf(twin, QStringLiteral("0000:05:00.0")).isEmpty() || driverOf(twin, QStringLiteral("0000:05:00.0")) == QLatin1String("nowhere"));
        // The twin now takes --simulate.
        const CliRun plan = sim(twin, {QStringLiteral("plan"), QStringLiteral("0000:01:00.0")});
        QVERIFY2(plan.exitCode == 0, QByteArray(plan.out + plan.err).constData());
    }

    void badUsageAndRefusals()
    {
        QCOMPARE(runCli({QStringLiteral("sim"), QStringLiteral("capture"), QStringLiteral("/")}).exitCode, 2);
        Error e;
        const QString src = buildSimRoot(m_tmp, movedTreeBefore(), QStringLiteral("usrc"), &e);
        // Into itself: refused, nothing written there.
        const CliRun inside = capture(src, src + QStringLiteral("/twin"));
        QCOMPARE(inside.exitCode, 1);
        QVERIFY(!QFileInfo::exists(src + QStringLiteral("/twin")));
        // A directory with no PCI devices is not a host root.
        QVERIFY(QDir().mkpath(m_tmp.filePath(QStringLiteral("empty/sys"))));
        const CliRun none = capture(m_tmp.filePath(QStringLiteral("empty")), m_tmp.filePath(QStringLiteral("etwin")));
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains("no PCI devices"), none.err.constData());
        // An existing twin is replaced only with --force.
        const QString twin = m_tmp.filePath(QStringLiteral("utwin"));
        QCOMPARE(capture(src, twin).exitCode, 0);
        QCOMPARE(capture(src, twin).exitCode, 1);
        QCOMPARE(capture(src, twin, {QStringLiteral("--force")}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliCapture)
#include "tst_cli_capture.moc"
