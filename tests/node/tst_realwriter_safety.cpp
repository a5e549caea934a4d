// The guards that keep writes inside the host root they were meant for (A5–A7):
// an empty host root is never "this machine", tests cannot write to the real /sys, the
// simulator refuses real trees, a LocalNode made without open() still checks its root, and no
// symbolic link leads a write out of a host root.
#include "node/host/HostRoot.h"
#include "node/LocalNode.h"
#include "node/host/RealSysfsWriter.h"
#include "sim/SimKernel.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>

using namespace passdeck;

class TestRealWriterSafety : public QObject
{
    Q_OBJECT

private:
    static void put(const QString &path, const QByteArray &content)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
    }

private Q_SLOTS:
    void emptyHostRootIsAnError()
    {
        for (const HostRoot &root : {HostRoot(QString()), HostRoot()}) {
            QVERIFY(root.isEmpty());
            QVERIFY(!root.isSystemRoot());
            // Never "/sys/...": a path built from an empty root is empty.
            QCOMPARE(root.path(QStringLiteral("sys")), QString());
            QCOMPARE(root.devicePath(QStringLiteral("0000:01:00.0")), QString());
            const Status s = root.check();
            QVERIFY(!s);
            QCOMPARE(s.error().code, ErrorCode::HostRootEmpty);
            QVERIFY2(s.error().hint.contains(QLatin1String("\"/\"")), qPrintable(s.error().message()));
        }
        QVERIFY(HostRoot(QStringLiteral("/")).isSystemRoot());
        QCOMPARE(HostRoot(QStringLiteral("/")).path(QStringLiteral("sys")), QStringLiteral("/sys"));

        for (bool simulated : {false, true}) {
            const auto opened = LocalNode::open(QString(), simulated);
            QVERIFY(!opened);
            QCOMPARE(opened.error().code, ErrorCode::HostRootEmpty);
        }
        // A writer on an empty root refuses before any open().
        RealSysfsWriter w{HostRoot(QString())};
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/passdeck-test-no-such-file"), "x"), EINVAL);
    }

    void realSysfsIsForbiddenInTests()
    {
        // passdeck_add_test sets it for every test.
        QVERIFY(RealSysfsWriter::realSysfsForbidden());
        RealSysfsWriter w{HostRoot(QStringLiteral("/"))};
        // A file that does not exist: without the guard this is ENOENT (and nothing is harmed).
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/passdeck-test-no-such-file"), "x"), EPERM);
        const Error e = RealSysfsWriter::writeError(QStringLiteral("sys/bus/pci/drivers_probe"), "0000:01:00.0", EPERM);
        QVERIFY2(e.message().contains(QLatin1String("PASSDECK_FORBID_REAL_SYSFS")), qPrintable(e.message()));
    }

    void simulatorRefusesRealTrees()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.path() + QStringLiteral("/sys/bus/pci/devices/0000:01:00.0/driver_override");
        put(file, "(null)\n");
        SimKernel plain{HostRoot(dir.path())};
        QCOMPARE(plain.write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "vfio-pci"), EPERM);
        QCOMPARE(read(file), QByteArray("(null)\n"));
        SimKernel system{HostRoot(QStringLiteral("/"))};
        QCOMPARE(system.write(QStringLiteral("sys/bus/pci/passdeck-test-no-such-file"), "x"), EPERM);
        SimKernel empty{HostRoot(QString())};
        QCOMPARE(empty.write(QStringLiteral("sys/bus/pci/passdeck-test-no-such-file"), "x"), EPERM);
    }

    void localNodeConstructorChecksItsRoot()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.path() + QStringLiteral("/sys/bus/pci/devices/0000:01:00.0/driver_override");
        put(file, "(null)\n");
        // Declared simulated, but no simulator built it: the node is closed.
        LocalNode node(dir.path(), true);
        QVERIFY(!node.openStatus());
        QCOMPARE(node.openStatus().error().code, ErrorCode::NotSimulated);
        QVERIFY(!node.simKernel());
        QCOMPARE(node.writer().write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "vfio-pci"), EPERM);
        QCOMPARE(read(file), QByteArray("(null)\n"));
        QVERIFY(!node.inventory());

        LocalNode empty(QString(), false);
        QVERIFY(!empty.openStatus());
        QCOMPARE(empty.writer().write(QStringLiteral("sys/bus/pci/passdeck-test-no-such-file"), "x"), EPERM);

        LocalNode real(dir.path(), false);
        QVERIFY(real.openStatus().ok());
        QCOMPARE(real.writer().write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "vfio-pci"), 0);
        QCOMPARE(read(file), QByteArray("vfio-pci"));
    }

    void symlinksNeverLeaveTheRoot_data()
    {
        QTest::addColumn<bool>("absolute");
        QTest::newRow("absolute link") << true;
        QTest::newRow("relative ../ link") << false;
    }
    void symlinksNeverLeaveTheRoot()
    {
        QFETCH(bool, absolute);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path() + QStringLiteral("/root");
        // "outside" stands for the real /sys/devices/...: the link points there.
        const QString outsideDev = dir.path() + QStringLiteral("/outside/devices/0000:01:00.0");
        put(outsideDev + QStringLiteral("/driver_override"), "(null)\n");
        QVERIFY(QDir().mkpath(root + QStringLiteral("/sys/bus/pci/devices")));
        const QString link = root + QStringLiteral("/sys/bus/pci/devices/0000:01:00.0");
        const QString target = absolute ? outsideDev : QStringLiteral("../../../../../outside/devices/0000:01:00.0");
        QVERIFY(QFile::link(target, link));
        QVERIFY(QFileInfo::exists(link + QStringLiteral("/driver_override"))); // the link does lead out

        RealSysfsWriter w{HostRoot(root)};
        const int e = w.write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "vfio-pci");
        QVERIFY2(e == EXDEV || e == ENOENT, qPrintable(errnoName(e)));
        QCOMPARE(read(outsideDev + QStringLiteral("/driver_override")), QByteArray("(null)\n"));
        QVERIFY(!RealSysfsWriter::errnoMeaning(QStringLiteral("sys/bus/pci/drivers_probe"), EXDEV).isEmpty());
    }

    void symlinksInsideTheRootWork()
    {
        // The layout of a sysfs copy: bus/pci/devices/X -> ../../../devices/pci0000:00/X
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString dev = dir.path() + QStringLiteral("/sys/devices/pci0000:00/0000:01:00.0");
        put(dev + QStringLiteral("/driver_override"), "(null)\n");
        QVERIFY(QDir().mkpath(dir.path() + QStringLiteral("/sys/bus/pci/devices")));
        QVERIFY(QFile::link(QStringLiteral("../../../devices/pci0000:00/0000:01:00.0"),
                            dir.path() + QStringLiteral("/sys/bus/pci/devices/0000:01:00.0")));
        RealSysfsWriter w{HostRoot(dir.path())};
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "vfio-pci"), 0);
        QCOMPARE(read(dev + QStringLiteral("/driver_override")), QByteArray("vfio-pci"));
    }
};

QTEST_GUILESS_MAIN(TestRealWriterSafety)
#include "tst_realwriter_safety.moc"
