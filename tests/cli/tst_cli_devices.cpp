// passdeck-cli devices: the JSON contract, the table, warnings, exit codes, and that the CLI
// links no Qt Gui/Widgets.
#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TestCliDevices : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_nodeA;

    QStringList devicesArgs(const QString &root, bool json) const
    {
        QStringList a{QStringLiteral("--host-root"), root, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("devices")};
        if (json)
            a.append(QStringLiteral("--json"));
        return a;
    }
    static QJsonObject findDevice(const QJsonArray &list, const QString &address)
    {
        for (const QJsonValue &v : list)
            if (v.toObject().value(QLatin1String("address")).toString() == address)
                return v.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase();
    void jsonHasTheContractKeys();
    void jsonValuesOfKnownDevices();
    void tableIsAligned();
    void warningsGoToStderr();
    void exitCodes();
    void linksNoGuiLibraries();
};

void TestCliDevices::initTestCase()
{
    QVERIFY2(!cliPath().isEmpty(), "PASSDECK_CLI is not set (run through ctest)");
    QVERIFY(m_tmp.isValid());
    m_nodeA = m_tmp.filePath(QStringLiteral("node-a"));
    const QString problem = buildTree(m_nodeA, QStringLiteral("node-a"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestCliDevices::jsonHasTheContractKeys()
{
    const CliRun r = runCli(devicesArgs(m_nodeA, true));
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(doc.isArray());
    const QJsonArray list = doc.array();
    QVERIFY(list.size() >= 10);

    const QRegularExpression hex4(QStringLiteral("^[0-9a-f]{4}$")), hex6(QStringLiteral("^[0-9a-f]{6}$")),
        hex2(QStringLiteral("^[0-9a-f]{2}$")), address(QStringLiteral("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"));
    QString previous;
    for (const QJsonValue &v : list) {
        QVERIFY(v.isObject());
        const QJsonObject o = v.toObject();
        const QString a = o.value(QLatin1String("address")).toString();
        QVERIFY2(address.match(a).hasMatch(), qPrintable(a));
        QVERIFY2(previous < a, "devices are sorted by address");
        previous = a;
        for (const char *k : {"vendor_id", "device_id", "subsystem_vendor_id", "subsystem_device_id"})
            QVERIFY2(hex4.match(o.value(QLatin1String(k)).toString()).hasMatch(), qPrintable(a + u' ' + QLatin1String(k)));
        QVERIFY(hex6.match(o.value(QLatin1String("class_id")).toString()).hasMatch());
        QVERIFY(hex2.match(o.value(QLatin1String("revision")).toString()).hasMatch());
        for (const char *k : {"vendor_name", "device_name", "class_name"})
            QVERIFY2(o.value(QLatin1String(k)).isString(), k);
        QVERIFY(o.value(QLatin1String("driver")).isString() || o.value(QLatin1String("driver")).isNull());
        QVERIFY(o.contains(QLatin1String("driver")));
        for (const char *k : {"iommu_group", "numa_node", "sriov_totalvfs", "sriov_numvfs"}) {
            QVERIFY2(o.contains(QLatin1String(k)), k);
            const QJsonValue x = o.value(QLatin1String(k));
            QVERIFY2(x.isNull() || (x.isDouble() && x.toDouble() == double(x.toInt())), k);
        }
        QVERIFY(o.value(QLatin1String("is_bridge")).isBool());
        QVERIFY(o.value(QLatin1String("boot_vga")).isBool());
        QVERIFY(o.value(QLatin1String("driver_override")).isString() || o.value(QLatin1String("driver_override")).isNull());
        QVERIFY(o.value(QLatin1String("physfn")).isString() || o.value(QLatin1String("physfn")).isNull());
        for (const char *k : {"reset_methods", "virtfns", "net", "nvme", "block", "drm", "iommu_group_members"})
            QVERIFY2(o.value(QLatin1String(k)).isArray(), k);
        for (const QJsonValue &n : o.value(QLatin1String("net")).toArray()) {
            QVERIFY(n.toObject().value(QLatin1String("name")).isString());
            QVERIFY(n.toObject().value(QLatin1String("operstate")).isString());
        }
        // is_bridge follows the class: every base class 0x06 function.
        QCOMPARE(o.value(QLatin1String("is_bridge")).toBool(), o.value(QLatin1String("class_id")).toString().startsWith(QLatin1String("06")));
        if (!o.value(QLatin1String("iommu_group")).isNull())
            QVERIFY(o.value(QLatin1String("iommu_group_members")).toArray().contains(QJsonValue(a)));
    }
}

void TestCliDevices::jsonValuesOfKnownDevices()
{
    const CliRun r = runCli(devicesArgs(m_nodeA, true));
    QCOMPARE(r.exitCode, 0);
    const QJsonArray list = QJsonDocument::fromJson(r.out).array();
    // From resources/demo/node-a.json: the ASPEED boot VGA behind its bridge, and a root port.
    const QJsonObject vga = findDevice(list, QStringLiteral("0000:02:00.0"));
    QVERIFY(!vga.isEmpty());
    QCOMPARE(vga.value(QLatin1String("vendor_id")).toString(), QStringLiteral("1a03"));
    QCOMPARE(vga.value(QLatin1String("device_id")).toString(), QStringLiteral("2000"));
    QCOMPARE(vga.value(QLatin1String("class_id")).toString(), QStringLiteral("030000"));
    QCOMPARE(vga.value(QLatin1String("revision")).toString(), QStringLiteral("41"));
    QCOMPARE(vga.value(QLatin1String("subsystem_vendor_id")).toString(), QStringLiteral("15d9"));
    QCOMPARE(vga.value(QLatin1String("vendor_name")).toString(), QStringLiteral("ASPEED Technology, Inc."));
    QCOMPARE(vga.value(QLatin1String("device_name")).toString(), QStringLiteral("ASPEED Graphics Family"));
    QCOMPARE(vga.value(QLatin1String("class_name")).toString(), QStringLiteral("VGA compatible controller"));
    QCOMPARE(vga.value(QLatin1String("driver")).toString(), QStringLiteral("ast"));
    QVERIFY(vga.value(QLatin1String("boot_vga")).toBool());
    QCOMPARE(vga.value(QLatin1String("drm")).toArray(), QJsonArray{QStringLiteral("card0")});
    QVERIFY(!vga.value(QLatin1String("is_bridge")).toBool());
    const QJsonObject port = findDevice(list, QStringLiteral("0000:00:1c.0"));
    QVERIFY(port.value(QLatin1String("is_bridge")).toBool());
    QCOMPARE(port.value(QLatin1String("driver")).toString(), QStringLiteral("pcieport"));
    const QJsonObject host = findDevice(list, QStringLiteral("0000:00:00.0"));
    QVERIFY(host.value(QLatin1String("is_bridge")).toBool());
    QVERIFY(host.value(QLatin1String("driver")).isNull());
}

void TestCliDevices::tableIsAligned()
{
    const CliRun r = runCli(devicesArgs(m_nodeA, false));
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(lines.size() > 10);
    QVERIFY(lines.first().startsWith(QLatin1String("ADDRESS")));
    const qsizetype classColumn = lines.first().indexOf(QLatin1String("CLASS"));
    const qsizetype driverColumn = lines.first().indexOf(QLatin1String("DRIVER"));
    const qsizetype useColumn = lines.first().indexOf(QLatin1String("USE"));
    QVERIFY(classColumn > 0 && driverColumn > classColumn && useColumn > driverColumn);
    bool sawAspeed = false;
    for (const QString &line : lines.mid(1)) {
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] ")).match(line).hasMatch(), qPrintable(line));
        QVERIFY2(line.at(classColumn - 1) == u' ' && line.at(classColumn) != u' ', qPrintable(line));
        QVERIFY2(line.at(driverColumn - 1) == u' ' && line.at(driverColumn) != u' ', qPrintable(line));
        if (line.startsWith(QLatin1String("0000:02:00.0"))) {
            sawAspeed = true;
            QVERIFY(line.contains(QLatin1String("ASPEED Technology, Inc. ASPEED Graphics Family [1a03:2000]")));
            QVERIFY(line.mid(driverColumn).startsWith(QLatin1String("ast ")));
            QVERIFY2(line.mid(useColumn) == QLatin1String("boot VGA"), qPrintable(line));
        }
        // USE: what the host uses the device for (node-a: eno1 up, the X710 PF with 4 VFs)
        if (line.startsWith(QLatin1String("0000:04:00.0")))
            QVERIFY2(line.mid(useColumn) == QLatin1String("eno1 (up)"), qPrintable(line));
        if (line.startsWith(QLatin1String("0000:18:00.0")))
            QVERIFY2(line.mid(useColumn).endsWith(QLatin1String(", 4/32 VFs")), qPrintable(line));
        if (line.startsWith(QLatin1String("0000:18:02.0")))
            QVERIFY2(line.mid(useColumn) == QLatin1String("VF of 0000:18:00.0"), qPrintable(line));
        if (line.startsWith(QLatin1String("0000:00:00.0")))
            QVERIFY2(line.mid(useColumn) == QLatin1String("-"), qPrintable(line));
    }
    QVERIFY(sawAspeed);
}

void TestCliDevices::warningsGoToStderr()
{
    const QString broken = m_tmp.filePath(QStringLiteral("broken"));
    QVERIFY(buildTree(broken, QStringLiteral("node-a")).isEmpty());
    const QString vendor = broken + QStringLiteral("/sys/bus/pci/devices/0000:02:00.0/vendor");
    QVERIFY(QFile::remove(QFileInfo(vendor).canonicalFilePath()));
    QVERIFY(QDir().mkpath(broken + QStringLiteral("/sys/bus/pci/devices/stray")));
    const CliRun r = runCli(devicesArgs(broken, true));
    QCOMPARE(r.exitCode, 0);
    const QJsonArray list = QJsonDocument::fromJson(r.out).array();
    QVERIFY(!list.isEmpty());
    QVERIFY(findDevice(list, QStringLiteral("0000:02:00.0")).isEmpty());
    QVERIFY(!findDevice(list, QStringLiteral("0000:01:00.0")).isEmpty());
    const QStringList errLines = QString::fromUtf8(r.err).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(errLines.size(), 2);
    for (const QString &l : errLines)
        QVERIFY2(l.startsWith(QLatin1String("warning: ")), qPrintable(l));
    QVERIFY(r.err.contains("0000:02:00.0") && r.err.contains("vendor"));
    QVERIFY(r.err.contains("stray"));
}

void TestCliDevices::exitCodes()
{
    CliRun r = runCli(devicesArgs(m_tmp.filePath(QStringLiteral("missing")), true));
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.err.contains("missing"));

    QVERIFY(QDir().mkpath(m_tmp.filePath(QStringLiteral("empty/sys"))));
    r = runCli(devicesArgs(m_tmp.filePath(QStringLiteral("empty")), false));
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.err.contains("sys/bus/pci"));

    r = runCli(devicesArgs(m_nodeA, true) << QStringLiteral("--frobnicate"));
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("--frobnicate"));
    r = runCli(devicesArgs(m_nodeA, false) << QStringLiteral("extra"));
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("extra"));

    // --json is a global option too: before the command works the same.
    r = runCli({QStringLiteral("--json"), QStringLiteral("--host-root"), m_nodeA, QStringLiteral("devices")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QJsonDocument::fromJson(r.out).isArray());
}

void TestCliDevices::linksNoGuiLibraries()
{
    // ldd lists the whole dependency closure: not even indirectly may Gui or Widgets come in.
    const CliRun r = runProgram(QStringLiteral("ldd"), {cliPath()});
    if (r.exitCode < 0)
        QSKIP("ldd is not available");
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("libQt6Core"), r.out.constData());
    QVERIFY2(!r.out.contains("libQt6Gui"), r.out.constData());
    QVERIFY2(!r.out.contains("libQt6Widgets"), r.out.constData());
}

QTEST_GUILESS_MAIN(TestCliDevices)
#include "tst_cli_devices.moc"
