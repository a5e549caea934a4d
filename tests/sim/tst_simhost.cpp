// SimHostBuilder: the simulated sysfs tree is laid out like the kernel's and reads like it.
#include "sim/SimHostBuilder.h"
#include "sim/SimScale.h"
#include "SimTestUtil.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

class TestSimHost : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_root;

    int hexFile(const QString &address, const char *attr)
    {
        return readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/%2").arg(address, QLatin1String(attr)))
            .trimmed().toInt(nullptr, 16);
    }
    QString real(const QString &rel) { return QFileInfo(m_root + u'/' + rel).canonicalFilePath(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        Error e;
        m_root = buildSimRoot(m_tmp, demoDescription(), QStringLiteral("node-a"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
    }

    void deviceDirectoriesNestBelowBridges()
    {
        const QString dir = QStringLiteral("sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0");
        QVERIFY(QFileInfo(m_root + u'/' + dir).isDir());
        const QString link = QStringLiteral("sys/bus/pci/devices/0000:02:00.0");
        QFile l(m_root + u'/' + link);
        QVERIFY(QFileInfo(l.fileName()).isSymLink());
        // Relative, exactly as the kernel writes it, and it resolves.
        QCOMPARE(QFile::symLinkTarget(l.fileName()), QFileInfo(m_root + u'/' + dir).absoluteFilePath());
        char buf[512];
        const ssize_t n = ::readlink(QFile::encodeName(l.fileName()).constData(), buf, sizeof buf);
        QCOMPARE(QByteArray(buf, int(n)), QByteArray("../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0"));
        QCOMPARE(real(link), real(dir));
    }

    void idFilesAndConfigSpaceAgree()
    {
        QDirIterator it(m_root + QLatin1String("/sys/bus/pci/devices"), QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
        int count = 0;
        while (it.hasNext()) {
            it.next();
            const QString a = it.fileName();
            const QByteArray cfg = readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/config").arg(a));
            QCOMPARE(cfg.size(), 256);
            auto le16 = [&cfg](int off) { return quint8(cfg[off]) | (quint8(cfg[off + 1]) << 8); };
            QCOMPARE(le16(0), hexFile(a, "vendor"));
            QCOMPARE(le16(2), hexFile(a, "device"));
            QCOMPARE(int(quint8(cfg[8])), hexFile(a, "revision"));
            QCOMPARE((quint8(cfg[0xb]) << 16) | (quint8(cfg[0xa]) << 8) | quint8(cfg[9]), hexFile(a, "class"));
            const bool bridge = (hexFile(a, "class") >> 8) == 0x0604;
            QCOMPARE(quint8(cfg[0xe]) & 0x7f, bridge ? 1 : 0);
            if (!bridge) {
                QCOMPARE(le16(0x2c), hexFile(a, "subsystem_vendor"));
                QCOMPARE(le16(0x2e), hexFile(a, "subsystem_device"));
            }
            QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(a)), QByteArray("(null)\n"));
            QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/resource").arg(a)).count('\n'), 13);
            ++count;
        }
        QCOMPARE(count, 25); // 21 described + 4 VFs enabled at boot
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:17:00.0/vendor")), QByteArray("0x10de\n"));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:17:00.0/class")), QByteArray("0x030000\n"));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:00:14.0/numa_node")), QByteArray("-1\n"));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:02:00.0/boot_vga")), QByteArray("1\n"));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:17:00.0/boot_vga")), QByteArray("0\n"));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:03:00.0/reset_method")), QByteArray("flr bus\n"));
        // Bridge bus numbers: 00:1c.0 -> [01-02]
        const QByteArray cfg = readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:00:1c.0/config"));
        QCOMPARE(int(cfg[0x19]), 1);
        QCOMPARE(int(cfg[0x1a]), 2);
    }

    void driverDirectoriesAndLinks()
    {
        for (const char *f : {"bind", "unbind", "new_id", "remove_id"})
            QVERIFY(QFileInfo::exists(m_root + QLatin1String("/sys/bus/pci/drivers/nvidia/") + QLatin1String(f)));
        QVERIFY(QFileInfo::exists(m_root + QLatin1String("/sys/bus/pci/drivers_probe")));
        QVERIFY(QFileInfo::exists(m_root + QLatin1String("/sys/bus/pci/drivers/vfio-pci/bind")));
        QVERIFY(QFileInfo(m_root + QLatin1String("/sys/module/vfio_pci")).isDir());
        QCOMPARE(real(QStringLiteral("sys/bus/pci/drivers/nvidia/0000:17:00.0")), real(QStringLiteral("sys/bus/pci/devices/0000:17:00.0")));
        QCOMPARE(real(QStringLiteral("sys/bus/pci/devices/0000:17:00.0/driver")), real(QStringLiteral("sys/bus/pci/drivers/nvidia")));
        QCOMPARE(driverOf(m_root, QStringLiteral("0000:01:00.0")), QString()); // AST bridge: no driver
        QVERIFY(QFileInfo::exists(m_root + QLatin1String("/dev/vfio/vfio")));
    }

    void iommuGroups()
    {
        const QString gpu = rootLinkName(m_root, QStringLiteral("sys/bus/pci/devices/0000:17:00.0/iommu_group"));
        const QString audio = rootLinkName(m_root, QStringLiteral("sys/bus/pci/devices/0000:17:00.1/iommu_group"));
        QVERIFY(!gpu.isEmpty());
        QCOMPARE(audio, gpu);
        const QStringList members = QDir(m_root + QLatin1String("/sys/kernel/iommu_groups/") + gpu + QLatin1String("/devices"))
                                        .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
        QCOMPARE(members, QStringList({QStringLiteral("0000:17:00.0"), QStringLiteral("0000:17:00.1")}));
        QCOMPARE(real(QStringLiteral("sys/kernel/iommu_groups/") + gpu + QLatin1String("/devices/0000:17:00.1")),
                 real(QStringLiteral("sys/bus/pci/devices/0000:17:00.1")));
        // The second GPU is in a group of its own.
        QVERIFY(rootLinkName(m_root, QStringLiteral("sys/bus/pci/devices/0000:3c:00.0/iommu_group")) != gpu);
    }

    void sriovVirtualFunctions()
    {
        const QString pf = QStringLiteral("sys/bus/pci/devices/0000:18:00.0/");
        QCOMPARE(readRootFile(m_root, pf + QLatin1String("sriov_totalvfs")), QByteArray("32\n"));
        QCOMPARE(readRootFile(m_root, pf + QLatin1String("sriov_numvfs")), QByteArray("4\n"));
        QCOMPARE(readRootFile(m_root, pf + QLatin1String("sriov_vf_device")), QByteArray("154c\n"));
        QSet<QString> groups;
        for (int i = 0; i < 4; ++i) {
            const QString vf = rootLinkName(m_root, pf + QLatin1String("virtfn") + QString::number(i));
            QCOMPARE(vf, QStringLiteral("0000:18:02.%1").arg(i));
            QCOMPARE(real(QStringLiteral("sys/bus/pci/devices/") + vf + QLatin1String("/physfn")), real(pf.chopped(1)));
            QCOMPARE(driverOf(m_root, vf), QStringLiteral("iavf"));
            QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/device").arg(vf)), QByteArray("0x154c\n"));
            groups.insert(rootLinkName(m_root, QStringLiteral("sys/bus/pci/devices/%1/iommu_group").arg(vf)));
        }
        QCOMPARE(groups.size(), 4);
        QVERIFY(!QFileInfo::exists(m_root + QLatin1String("/sys/bus/pci/devices/0000:18:02.4")));
    }

    void hostUseEntries()
    {
        QCOMPARE(real(QStringLiteral("sys/class/net/eno1")), real(QStringLiteral("sys/bus/pci/devices/0000:04:00.0/net/eno1")));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/class/net/eno1/operstate")), QByteArray("up\n"));
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/class/net/eno2/operstate")), QByteArray("down\n"));
        QVERIFY(QFileInfo(m_root + QLatin1String("/sys/bus/pci/devices/0000:03:00.0/nvme/nvme0/nvme0n1/nvme0n1p2")).isDir());
        QCOMPARE(real(QStringLiteral("sys/block/nvme0n1")), real(QStringLiteral("sys/bus/pci/devices/0000:03:00.0/nvme/nvme0/nvme0n1")));
        QVERIFY(QFileInfo(m_root + QLatin1String("/sys/bus/pci/devices/0000:17:00.0/drm/renderD128")).isDir());
        QVERIFY(readRootFile(m_root, QStringLiteral("proc/mounts")).contains("/dev/nvme0n1p2 / ext4"));
        QVERIFY(readRootFile(m_root, QStringLiteral("proc/cmdline")).contains("intel_iommu=on"));
        QVERIFY(SimHostBuilder::isSimulatedRoot(m_root));
    }

    void lspciReadsTheTree()
    {
        const QString lspci = QStandardPaths::findExecutable(QStringLiteral("lspci"));
        if (lspci.isEmpty())
            QSKIP("lspci is not installed");
        QProcess p;
        p.start(lspci, {QStringLiteral("-A"), QStringLiteral("linux-sysfs"), QStringLiteral("-O"),
                        QStringLiteral("sysfs.path=") + m_root + QLatin1String("/sys/bus/pci"),
                        QStringLiteral("-D"), QStringLiteral("-nn"), QStringLiteral("-k"), QStringLiteral("-vmm")});
        QVERIFY(p.waitForFinished(600000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        // libkmod complaining about this machine's /lib/modules is not about the tree.
        const QStringList errLines = QString::fromUtf8(p.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts)
                                         .filter(QRegularExpression(QStringLiteral("^(?!.*libkmod)")));
        QVERIFY2(errLines.isEmpty(), qPrintable(errLines.join(u'\n')));
        QCOMPARE(out.count(QLatin1String("\nSlot:\t")) + (out.startsWith(QLatin1String("Slot:\t")) ? 1 : 0), 25);
        QVERIFY(out.contains(QLatin1String("Slot:\t0000:17:00.0\nClass:\tVGA compatible controller [0300]\nVendor:\tNVIDIA Corporation [10de]")));
        QVERIFY(out.contains(QLatin1String("Driver:\tiavf")));
        QVERIFY(out.contains(QLatin1String("IOMMUGroup:\t")));
        QVERIFY(out.contains(QLatin1String("NUMANode:\t0")));
    }

    void secondDemoNodeFromResource()
    {
        const QString root = m_tmp.path() + QLatin1String("/node-b");
        Status st = SimHostBuilder::buildFromFile(QStringLiteral(":/demo/node-b.json"), root);
        QVERIFY2(st.ok(), st.ok() ? "" : qPrintable(st.error().message()));
        QCOMPARE(readRootFile(root, QStringLiteral("sys/bus/pci/devices/0000:5e:00.0/sriov_numvfs")), QByteArray("8\n"));
        QCOMPARE(driverOf(root, QStringLiteral("0000:5e:01.1")), QStringLiteral("mlx5_core"));
    }

    void iommuOffMeansNoGroups()
    {
        QJsonObject d = demoDescription();
        d.insert(QStringLiteral("iommu"), false);
        const QString root = buildSimRoot(m_tmp, d, QStringLiteral("noiommu"));
        QVERIFY(!root.isEmpty());
        QVERIFY(!QFileInfo::exists(root + QLatin1String("/sys/bus/pci/devices/0000:17:00.0/iommu_group")));
        QVERIFY(QDir(root + QLatin1String("/sys/kernel/iommu_groups")).isEmpty());
    }

    void badDescriptions_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("device");
        QTest::addColumn<QString>("field");
        const QString ok = QStringLiteral(R"("vendor":"10de","device":"2230","class":"030000")");
        QTest::newRow("malformed address") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:1:00.0",%1}]})").arg(ok)
                                           << QStringLiteral("0000:1:00.0") << QStringLiteral("address");
        QTest::newRow("path trick") << QStringLiteral(R"({"node":"n","devices":[{"address":"../../etc",%1}]})").arg(ok)
                                    << QStringLiteral("../../etc") << QStringLiteral("address");
        QTest::newRow("duplicate") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:00:01.0",%1},{"address":"0000:00:01.0",%1}]})").arg(ok)
                                   << QStringLiteral("0000:00:01.0") << QStringLiteral("address");
        QTest::newRow("unknown parent") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:01:00.0","parent":"0000:00:09.0",%1}]})").arg(ok)
                                        << QStringLiteral("0000:01:00.0") << QStringLiteral("parent");
        QTest::newRow("missing vendor") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:00:01.0","device":"2230","class":"030000"}]})")
                                        << QStringLiteral("0000:00:01.0") << QStringLiteral("vendor");
        QTest::newRow("bad class") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:00:01.0","vendor":"10de","device":"2230","class":"0300"}]})")
                                   << QStringLiteral("0000:00:01.0") << QStringLiteral("class");
        QTest::newRow("children of endpoint") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:00:01.0",%1,"children":[{"address":"0000:01:00.0",%1}]}]})").arg(ok)
                                              << QStringLiteral("0000:00:01.0") << QStringLiteral("children");
        QTest::newRow("bad driver") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:00:01.0",%1,"driver":"../x"}]})").arg(ok)
                                    << QStringLiteral("0000:00:01.0") << QStringLiteral("driver");
        QTest::newRow("sriov without totalvfs") << QStringLiteral(R"({"node":"n","devices":[{"address":"0000:00:01.0",%1,"sriov":{"vf_device":"154c"}}]})").arg(ok)
                                                << QStringLiteral("0000:00:01.0") << QStringLiteral("sriov.totalvfs");
        QTest::newRow("no node") << QStringLiteral(R"({"devices":[]})") << QString() << QStringLiteral("node");
    }

    void badDescriptions()
    {
        QFETCH(QString, json);
        QFETCH(QString, device);
        QFETCH(QString, field);
        const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
        QVERIFY(!o.isEmpty());
        const QString root = m_tmp.path() + QLatin1String("/bad");
        Status st = SimHostBuilder::build(o, root);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().code, ErrorCode::BadDescription);
        QCOMPARE(st.error().device, device);
        QCOMPARE(st.error().step, field);
        QVERIFY(st.error().message().contains(field));
        QVERIFY(!QFileInfo::exists(root)); // nothing half-written
        QCOMPARE(QDir(m_tmp.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).filter(QStringLiteral("building")).size(), 0);
    }

    void refusesUnsafeTargets()
    {
        QCOMPARE(SimHostBuilder::build(demoDescription(), QStringLiteral("/")).error().code, ErrorCode::SimRefused);
        const QString junk = m_tmp.path() + QLatin1String("/junk");
        QDir().mkpath(junk);
        QFile f(junk + QLatin1String("/keep.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QCOMPARE(SimHostBuilder::build(demoDescription(), junk, {true}).error().code, ErrorCode::SimRefused);
        QVERIFY(QFileInfo::exists(junk + QLatin1String("/keep.txt")));
        // An existing simulated root needs force, and is then replaced.
        QCOMPARE(SimHostBuilder::build(demoDescription(QStringLiteral("node-b")), m_root).error().code, ErrorCode::SimExists);
        const QString again = m_tmp.path() + QLatin1String("/again");
        QVERIFY(SimHostBuilder::build(demoDescription(), again).ok());
        QVERIFY(SimHostBuilder::build(demoDescription(QStringLiteral("node-b")), again, {true}).ok());
        QVERIFY(QFileInfo::exists(again + QLatin1String("/sys/bus/pci/devices/0000:5e:00.0")));
        QVERIFY(!QFileInfo::exists(again + QLatin1String("/sys/bus/pci/devices/0000:18:00.0")));
    }

    void scaleIsDeterministicAndExact()
    {
        const QJsonObject a = SimScale::description({600, 42, QStringLiteral("scale"), -1});
        QCOMPARE(SimScale::description({600, 42, QStringLiteral("scale"), -1}), a);
        QVERIFY(SimScale::description({600, 43, QStringLiteral("scale"), -1}) != a);
        const QString root = buildSimRoot(m_tmp, a, QStringLiteral("scale"));
        QVERIFY(!root.isEmpty());
        QCOMPARE(QDir(root + QLatin1String("/sys/bus/pci/devices")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size(), 600);
        const QString text = QString::fromUtf8(QJsonDocument(a).toJson());
        QVERIFY(text.contains(QLatin1String("\"10de\"")));
        QVERIFY(text.contains(QLatin1String("\"sriov\"")));
        QVERIFY(text.contains(QLatin1String("\"010802\"")));
    }
};

QTEST_GUILESS_MAIN(TestSimHost)
#include "tst_simhost.moc"
