// RealSysfsWriter against a plain directory: one write per value, errno as the result, and
// paths that could leave the host root refused before any open().
#include "node/host/RealSysfsWriter.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>

using namespace passdeck;

class TestRealWriter : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString file(const QString &rel) const { return m_dir.path() + u'/' + rel; }
    QByteArray read(const QString &rel) const
    {
        QFile f(file(rel));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
    }
    void touch(const QString &rel, const QByteArray &content = {})
    {
        QDir().mkpath(QFileInfo(file(rel)).path());
        QFile f(file(rel));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void writesTheValueExactly()
    {
        touch(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "(null)\n");
        RealSysfsWriter w{HostRoot(m_dir.path())};
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "vfio-pci"), 0);
        QCOMPARE(read(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override")), QByteArray("vfio-pci"));
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "\n"), 0);
        QCOMPARE(read(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override")), QByteArray("\n"));
    }

    void missingFileIsEnoentAndNothingIsCreated()
    {
        RealSysfsWriter w{HostRoot(m_dir.path())};
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/drivers/nosuch/bind"), "0000:01:00.0"), ENOENT);
        QVERIFY(!QFile::exists(file(QStringLiteral("sys/bus/pci/drivers/nosuch/bind"))));
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/new_file"), "x"), ENOENT);
        QVERIFY(!QFile::exists(file(QStringLiteral("sys/bus/pci/new_file"))));
    }

    void directoryIsEisdir()
    {
        QDir().mkpath(file(QStringLiteral("sys/bus/pci/devices")));
        RealSysfsWriter w{HostRoot(m_dir.path())};
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/devices"), "x"), EISDIR);
    }

    void unsafePathsAreRefusedBeforeOpen_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("dotdot") << QStringLiteral("sys/bus/pci/devices/0000:01:00.0/../../../../escape");
        QTest::newRow("leading dotdot") << QStringLiteral("../escape");
        QTest::newRow("absolute") << QStringLiteral("/tmp/escape");
        QTest::newRow("dot") << QStringLiteral("sys/./bus");
        QTest::newRow("empty component") << QStringLiteral("sys//bus");
        QTest::newRow("empty") << QString();
        QTest::newRow("newline") << QStringLiteral("sys/bus\n/pci");
        QTest::newRow("space") << QStringLiteral("sys/bus pci");
        QTest::newRow("trailing slash") << QStringLiteral("sys/bus/");
    }
    void unsafePathsAreRefusedBeforeOpen()
    {
        QFETCH(QString, path);
        // A file the ../ trick would reach: it must stay untouched.
        QTemporaryDir outside;
        RealSysfsWriter w{HostRoot(m_dir.path())};
        QVERIFY(!RealSysfsWriter::isSafeRelativePath(path));
        QCOMPARE(w.write(path, "x"), EINVAL);
        QVERIFY(!QFile::exists(m_dir.path() + QStringLiteral("/../escape")));
    }

    void safePaths()
    {
        QVERIFY(RealSysfsWriter::isSafeRelativePath(u"sys/bus/pci/devices/0000:01:00.0/driver_override"));
        QVERIFY(RealSysfsWriter::isSafeRelativePath(u"sys/bus/pci/drivers/vfio-pci/bind"));
        QVERIFY(RealSysfsWriter::isSafeRelativePath(u"sys/bus/pci/drivers_probe"));
    }

    void errorNamesFileValueAndMeaning()
    {
        const Error e = RealSysfsWriter::writeError(QStringLiteral("sys/bus/pci/drivers/vfio-pci/bind"), "0000:01:00.0",
                                                    EBUSY, QStringLiteral("0000:01:00.0"));
        QCOMPARE(e.code, ErrorCode::Errno);
        QCOMPARE(e.errnum, EBUSY);
        QCOMPARE(e.step, QStringLiteral("sys/bus/pci/drivers/vfio-pci/bind"));
        QCOMPARE(e.device, QStringLiteral("0000:01:00.0"));
        const QString m = e.message();
        QVERIFY2(m.contains(QLatin1String("sys/bus/pci/drivers/vfio-pci/bind")), qPrintable(m));
        QVERIFY2(m.contains(QLatin1String("\"0000:01:00.0\"")), qPrintable(m));
        QVERIFY2(m.contains(QLatin1String("EBUSY")), qPrintable(m));
        QVERIFY2(m.contains(QLatin1String("still bound to another driver")), qPrintable(m));

        QVERIFY(RealSysfsWriter::errnoMeaning(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver/unbind"), ENODEV)
                    .contains(QLatin1String("not bound to this driver")));
        QVERIFY(RealSysfsWriter::errnoMeaning(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/sriov_numvfs"), EBUSY)
                    .contains(QLatin1String("through 0")));
        QVERIFY(RealSysfsWriter::errnoMeaning(QStringLiteral("sys/bus/pci/drivers_probe"), ENODEV)
                    .contains(QLatin1String("no PCI device")));
        const Error empty = RealSysfsWriter::writeError(QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"), "\n", EINVAL);
        QVERIFY2(empty.message().contains(QLatin1String("an empty line")), qPrintable(empty.message()));
    }
};

QTEST_GUILESS_MAIN(TestRealWriter)
#include "tst_realwriter.moc"
