// The oracle: on generated trees, passdeck-cli's JSON agrees with lspci on the same sysfs
// (lspci -A linux-sysfs -O sysfs.path=<root>/sys/bus/pci -i <pinned pci.ids> -D -nn -k -vmm).
#include "CliRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

namespace {

using Record = QMap<QString, QString>;

// -vmm output: records separated by blank lines, "Key:\tValue" lines.
QMap<QString, Record> parseLspci(const QByteArray &text)
{
    QMap<QString, Record> records;
    Record current;
    const auto flush = [&]() {
        if (current.contains(QStringLiteral("Slot")))
            records.insert(current.value(QStringLiteral("Slot")), current);
        current.clear();
    };
    for (const QString &line : QString::fromUtf8(text).split(u'\n')) {
        if (line.trimmed().isEmpty()) {
            flush();
            continue;
        }
        const qsizetype colon = line.indexOf(QLatin1String(":\t"));
        if (colon > 0)
            current.insert(line.left(colon), line.mid(colon + 2));
    }
    flush();
    return records;
}

// "NVIDIA Corporation [10de]" -> {"NVIDIA Corporation", "10de"}
std::pair<QString, QString> splitNameId(const QString &value)
{
    static const QRegularExpression re(QStringLiteral("^(.*) \\[([0-9a-f]{4})\\]$"));
    const QRegularExpressionMatch m = re.match(value);
    if (!m.hasMatch())
        return {value, QString()};
    return {m.captured(1), m.captured(2)};
}

} // namespace

class TestCliOracle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void agreesWithLspci_data();
    void agreesWithLspci();

private:
    QTemporaryDir m_tmp;
};

void TestCliOracle::agreesWithLspci_data()
{
    QTest::addColumn<QString>("description");
    QTest::addColumn<int>("devices");
    QTest::newRow("node-a") << QStringLiteral("node-a") << 0;
    QTest::newRow("node-b") << QStringLiteral("node-b") << 0;
    QTest::newRow("kernel-test-q35") << QStringLiteral("tests/kernel/machine.json") << 0;
    QTest::newRow("scale-300") << QString() << 300;
}

void TestCliOracle::agreesWithLspci()
{
    QFETCH(QString, description);
    QFETCH(int, devices);
    const QString lspci = QStandardPaths::findExecutable(QStringLiteral("lspci"), {QStringLiteral("/usr/bin"), QStringLiteral("/bin"), QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    if (lspci.isEmpty())
        QSKIP("lspci is not installed (apt-get install pciutils; scripts/setup does it)");
    QVERIFY(!cliPath().isEmpty());

    const QString root = m_tmp.filePath(QString::fromLatin1(QTest::currentDataTag()));
    const QString problem = buildTree(root, description, devices);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const CliRun ours = runCli({QStringLiteral("--host-root"), root, QStringLiteral("--pci-ids"), pinnedPciIds(),
                                QStringLiteral("devices"), QStringLiteral("--json")});
    QCOMPARE(ours.exitCode, 0);
    QVERIFY2(ours.err.isEmpty(), ours.err.constData()); // a generated tree is healthy: no warnings
    const QJsonArray list = QJsonDocument::fromJson(ours.out).array();

    const CliRun theirs = runProgram(lspci, {QStringLiteral("-A"), QStringLiteral("linux-sysfs"), QStringLiteral("-O"),
                                             QStringLiteral("sysfs.path=") + root + QStringLiteral("/sys/bus/pci"),
                                             QStringLiteral("-O"), QStringLiteral("hwdb.disable=1"), QStringLiteral("-i"),
                                             pinnedPciIds(), QStringLiteral("-D"), QStringLiteral("-nn"), QStringLiteral("-k"),
                                             QStringLiteral("-vmm")});
    QCOMPARE(theirs.exitCode, 0);
    const QMap<QString, Record> records = parseLspci(theirs.out);
    QVERIFY(!records.isEmpty());
    QCOMPARE(list.size(), records.size());
    if (devices > 0)
        QVERIFY(list.size() >= devices);

    int namesCompared = 0;
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        const QString address = o.value(QLatin1String("address")).toString();
        QVERIFY2(records.contains(address), qPrintable(address + QStringLiteral(" is not in lspci's output")));
        const Record &r = records[address];
        const QString where = address + u' ';
        const auto [className, classId] = splitNameId(r.value(QStringLiteral("Class")));
        const auto [vendorName, vendorId] = splitNameId(r.value(QStringLiteral("Vendor")));
        const auto [deviceName, deviceId] = splitNameId(r.value(QStringLiteral("Device")));
        QCOMPARE(o.value(QLatin1String("vendor_id")).toString(), vendorId);
        QCOMPARE(o.value(QLatin1String("device_id")).toString(), deviceId);
        const QString progIf = r.value(QStringLiteral("ProgIf"), QStringLiteral("00"));
        QCOMPARE(o.value(QLatin1String("class_id")).toString(), classId + progIf);
        QCOMPARE(o.value(QLatin1String("revision")).toString(), r.value(QStringLiteral("Rev"), QStringLiteral("00")));
        if (r.contains(QStringLiteral("SVendor"))) {
            QCOMPARE(o.value(QLatin1String("subsystem_vendor_id")).toString(), splitNameId(r.value(QStringLiteral("SVendor"))).second);
            QCOMPARE(o.value(QLatin1String("subsystem_device_id")).toString(), splitNameId(r.value(QStringLiteral("SDevice"))).second);
        } else {
            // lspci leaves out a zero (or absent) subsystem.
            const QString sv = o.value(QLatin1String("subsystem_vendor_id")).toString();
            QVERIFY2(sv.isEmpty() || sv == QLatin1String("0000") || sv == QLatin1String("ffff"), qPrintable(where + sv));
        }
        const QJsonValue driver = o.value(QLatin1String("driver"));
        if (r.contains(QStringLiteral("Driver")))
            QCOMPARE(driver.toString(), r.value(QStringLiteral("Driver")));
        else
            QVERIFY2(driver.isNull(), qPrintable(where + driver.toString()));
        const QJsonValue group = o.value(QLatin1String("iommu_group"));
        if (r.contains(QStringLiteral("IOMMUGroup")))
            QCOMPARE(group.toInt(-1), r.value(QStringLiteral("IOMMUGroup")).toInt());
        else
            QVERIFY2(group.isNull(), qPrintable(where + QStringLiteral("iommu_group")));
        const QJsonValue numa = o.value(QLatin1String("numa_node"));
        if (r.contains(QStringLiteral("NUMANode")))
            QCOMPARE(numa.toInt(-1), r.value(QStringLiteral("NUMANode")).toInt());
        else
            QVERIFY2(numa.isNull(), qPrintable(where + QStringLiteral("numa_node")));
        // Names: lspci falls back to "Device 1234" where pci.ids has none; we leave those empty.
        if (!o.value(QLatin1String("vendor_name")).toString().isEmpty()) {
            QCOMPARE(o.value(QLatin1String("vendor_name")).toString(), vendorName);
            ++namesCompared;
        }
        if (!o.value(QLatin1String("device_name")).toString().isEmpty())
            QCOMPARE(o.value(QLatin1String("device_name")).toString(), deviceName);
        if (!o.value(QLatin1String("class_name")).toString().isEmpty())
            QCOMPARE(o.value(QLatin1String("class_name")).toString(), className);
    }
    QVERIFY2(namesCompared == list.size(), "every simulated vendor is in the pinned pci.ids");
    qInfo("%s: %lld devices agree with lspci", QTest::currentDataTag(), qlonglong(list.size()));
}

QTEST_GUILESS_MAIN(TestCliOracle)
#include "tst_cli_oracle.moc"
