// Fail closed, paths: every file the simulator, the persistence and the writers open resolves
// inside the host root. Hostile roots whose links lead out of them (absolute, or "../" above
// the root) into an "outside" directory that stands for this machine's /sys, /etc and /dev:
// whatever Passdeck is asked to do, nothing in "outside" is created, written or removed.
#include "node/bind/Binder.h"
#include "node/host/PersistentConfig.h"
#include "node/host/RealSysfsWriter.h"
#include "tst_binder_sim.h"
#include "tst_failclosed_util.h"

#include <QTest>

using namespace bindtest;
using namespace failclosed;

namespace {
const QString kDevice = kNic2; // e1000e, no interface, its own IOMMU group: the easiest to move

QString devicePath(const QString &address)
{
    return QStringLiteral("sys/bus/pci/devices/") + address;
}
} // namespace

class FailClosedPaths : public QObject
{
    Q_OBJECT

    int m_roots = 0;
    int m_attempts = 0;

    // Everything a hostile root can make Passdeck try: a bind (live and for the next boot), an
    // unbind, the persistence, raw writes through the simulator and through the real writer,
    // the simulated `ip link set`, a simulated reboot. Results do not matter here, only that
    // nothing outside changes.
    void tryEverything(SimNode &n)
    {
        ApplyOptions force;
        force.force = true;
        (void)Binder(*n.node).run({kDevice}, BindTarget::VfioPci, force);
        ApplyOptions nextBoot = force;
        nextBoot.nextBoot = true;
        (void)Binder(*n.node).run({kDevice}, BindTarget::VfioPci, nextBoot);
        (void)Binder(*n.node).run({kDevice}, BindTarget::Host, force);
        (void)PersistentConfig(HostRoot(n.root)).setOverride(kDevice, QStringLiteral("vfio-pci"));
        (void)PersistentConfig(HostRoot(n.root)).clearOverride(kDevice);
        m_attempts += 5;
        RealSysfsWriter real{HostRoot(n.root)};
        const QStringList targets{devicePath(kDevice) + QStringLiteral("/driver_override"),
                                  devicePath(kDevice) + QStringLiteral("/driver/unbind"),
                                  QStringLiteral("sys/bus/pci/drivers/vfio-pci/bind"),
                                  QStringLiteral("sys/class/net/eth1/operstate")};
        for (const QString &rel : targets) {
            (void)n.node->writer().write(rel, "vfio-pci\n");
            (void)real.write(rel, "vfio-pci\n");
            m_attempts += 2;
        }
        (void)n.node->writer().write(QStringLiteral("sys/bus/pci/drivers_probe"), kDevice.toLatin1());
        (void)n.node->simKernel()->setLinkState(QStringLiteral("eth1"), true);
        (void)n.node->reboot();
        m_attempts += 3;
    }

    void check(SimNode &n, const QString &outside, const QByteArray &before)
    {
        ++m_roots;
        tryEverything(n);
        const QByteArray after = fingerprint(outside);
        if (after != before)
            qWarning("outside changed:\nbefore:\n%s\nafter:\n%s", before.constData(), after.constData());
        QVERIFY(after == before);
    }

private Q_SLOTS:
    void cleanupTestCase()
    {
        qInfo("fail-closed paths: %d hostile roots, %d operations tried on them (each root's outside compared before/after)",
              m_roots, m_attempts);
    }

    // An attribute, a directory of the persistence or of /dev/vfio, or a whole top-level
    // directory replaced by a link out of the root.
    void linkOutOfTheRoot_data()
    {
        QTest::addColumn<QString>("inside");
        QTest::addColumn<QString>("outsideName"); // created in "outside" as a file (contains '.') or directory
        QTest::addColumn<bool>("relative");
        const QString override = devicePath(kDevice) + QStringLiteral("/driver_override");
        for (bool relative : {false, true}) {
            const char *how = relative ? "relative" : "absolute";
            QTest::addRow("driver_override file, %s", how) << override << QStringLiteral("victim.txt") << relative;
            QTest::addRow("sriov_numvfs of the PF, %s", how)
                << devicePath(kPf) + QStringLiteral("/sriov_numvfs") << QStringLiteral("numvfs.txt") << relative;
            QTest::addRow("etc/udev/rules.d, %s", how) << QStringLiteral("etc/udev/rules.d") << QStringLiteral("rules") << relative;
            QTest::addRow("etc, %s", how) << QStringLiteral("etc") << QStringLiteral("etc") << relative;
            QTest::addRow("the rules file, %s", how)
                << PersistentConfig::rulesRelativePath() << QStringLiteral("rules.txt") << relative;
            QTest::addRow("the lock file, %s", how) << PersistentConfig::lockRelativePath() << QStringLiteral("lock.txt") << relative;
            QTest::addRow("etc/modules-load.d, %s", how) << QStringLiteral("etc/modules-load.d") << QStringLiteral("modules") << relative;
            QTest::addRow("dev/vfio, %s", how) << QStringLiteral("dev/vfio") << QStringLiteral("vfio") << relative;
            QTest::addRow("dev, %s", how) << QStringLiteral("dev") << QStringLiteral("dev") << relative;
            QTest::addRow("proc, %s", how) << QStringLiteral("proc") << QStringLiteral("proc") << relative;
            QTest::addRow("sys/class/net/eth1, %s", how) << QStringLiteral("sys/class/net/eth1") << QStringLiteral("eth1") << relative;
            QTest::addRow("drivers/vfio-pci, %s", how)
                << QStringLiteral("sys/bus/pci/drivers/vfio-pci") << QStringLiteral("vfio-pci") << relative;
        }
    }

    void linkOutOfTheRoot()
    {
        QFETCH(QString, inside);
        QFETCH(QString, outsideName);
        QFETCH(bool, relative);
        SimNode n;
        QTemporaryDir outside(simTempPattern());
        QVERIFY(outside.isValid());
        const QString target = outside.filePath(outsideName);
        if (outsideName.contains(u'.')) {
            QVERIFY(writeText(target, "original\n"));
        } else {
            // A directory that looks like what it replaces, so that a write that follows the link
            // would find its way.
            QVERIFY(writeText(target + QStringLiteral("/operstate"), "down\n"));
            QVERIFY(writeText(target + QStringLiteral("/bind"), ""));
            QVERIFY(writeText(target + QStringLiteral("/udev/rules.d/keep.rules"), "# keep\n"));
            QVERIFY(writeText(target + QStringLiteral("/mounts"), "tmpfs /run tmpfs rw 0 0\n"));
        }
        // The link replaces the real entry (through the device link, for a device attribute).
        const QString real = QFileInfo(n.path(inside)).canonicalFilePath();
        const QString at = real.isEmpty() ? n.path(inside) : real;
        const QString linkText = relative ? upAndOver(QFileInfo(at).absolutePath(), target) : target;
        QVERIFY(replaceWithLink(at, linkText));
        QVERIFY(QFileInfo(at).isSymLink());
        check(n, outside.path(), fingerprint(outside.path()));
    }

    // The device's bus/pci/devices link leads above the root, to a copy of its directory outside.
    void deviceLinkAboveTheRoot_data()
    {
        QTest::addColumn<bool>("relative");
        QTest::addColumn<bool>("wholeTree");
        QTest::newRow("device link, ../ above the root") << true << false;
        QTest::newRow("device link, absolute") << false << false;
        QTest::newRow("sys/devices/pci0000:00 moved outside, ../ link") << true << true;
        QTest::newRow("sys/devices/pci0000:00 moved outside, absolute link") << false << true;
    }

    void deviceLinkAboveTheRoot()
    {
        QFETCH(bool, relative);
        QFETCH(bool, wholeTree);
        SimNode n;
        QTemporaryDir outside(simTempPattern());
        QVERIFY(outside.isValid());
        const QString deviceDir = QFileInfo(n.path(devicePath(kDevice))).canonicalFilePath();
        QVERIFY(!deviceDir.isEmpty());
        if (wholeTree) {
            // The device tree lives "outside" (as this machine's /sys/devices would): sys/devices/pci0000:00
            // becomes a link to it, and every device link of the root goes through it.
            const QString tree = n.path(QStringLiteral("sys/devices/pci0000:00"));
            const QString moved = outside.filePath(QStringLiteral("pci0000:00"));
            QVERIFY(QDir().rename(tree, moved));
            QVERIFY(QFile::link(relative ? upAndOver(n.path(QStringLiteral("sys/devices")), moved) : moved, tree));
        } else {
            // A copy of the device's directory outside, and the bus link pointing at it.
            const QString copy = outside.filePath(QStringLiteral("devices/") + kDevice);
            QDir().mkpath(copy);
            for (const QFileInfo &f : QDir(deviceDir).entryInfoList(QDir::Files | QDir::NoDotAndDotDot))
                QVERIFY(QFile::copy(f.filePath(), copy + u'/' + f.fileName()));
            const QString link = n.path(devicePath(kDevice));
            QVERIFY(QFile::remove(link));
            QVERIFY(QFile::link(relative ? upAndOver(n.path(QStringLiteral("sys/bus/pci/devices")), copy) : copy, link));
        }
        check(n, outside.path(), fingerprint(outside.path()));
    }

    // The real writer's persistence on a plain (not simulated) root: the same guarantee.
    void realWritersPersistenceStaysInside_data()
    {
        QTest::addColumn<QString>("inside");
        QTest::newRow("etc") << QStringLiteral("etc");
        QTest::newRow("etc/udev/rules.d") << QStringLiteral("etc/udev/rules.d");
        QTest::newRow("etc/modules-load.d") << QStringLiteral("etc/modules-load.d");
        QTest::newRow("the lock file") << PersistentConfig::lockRelativePath();
    }

    void realWritersPersistenceStaysInside()
    {
        QFETCH(QString, inside);
        QTemporaryDir root(simTempPattern());
        QTemporaryDir outside(simTempPattern());
        QVERIFY(root.isValid() && outside.isValid());
        QVERIFY(QDir().mkpath(root.filePath(QStringLiteral("sys/bus/pci/devices"))));
        QVERIFY(writeText(outside.filePath(QStringLiteral("x/udev/rules.d/keep.rules")), "# keep\n"));
        QVERIFY(replaceWithLink(root.filePath(inside), outside.filePath(QStringLiteral("x"))));
        const QByteArray before = fingerprint(outside.path());
        ++m_roots;
        PersistentConfig config{HostRoot(root.path())};
        (void)config.setOverride(kDevice, QStringLiteral("vfio-pci"));
        (void)config.update({{kGpu, QStringLiteral("vfio-pci")}}, {kDevice});
        (void)config.clearOverride(kGpu);
        m_attempts += 3;
        QCOMPARE(fingerprint(outside.path()), before);
    }
};

QTEST_GUILESS_MAIN(FailClosedPaths)
#include "tst_failclosed_paths.moc"
