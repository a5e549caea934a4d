// passdeck-cli readiness --node N [--json] (docs/cli.md, docs/readiness.md): text and JSON, exit
// 0 when nothing blocks, 1 with a blocker or an unknown node, 2 for bad usage.
#include "CliRunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

namespace {

QJsonObject device(const char *address, const char *cls, const char *driver, bool reset = true)
{
    QJsonArray resets;
    if (reset)
        resets << QStringLiteral("flr");
    return {{QStringLiteral("address"), QLatin1String(address)}, {QStringLiteral("vendor"), QStringLiteral("8086")},
            {QStringLiteral("device"), QStringLiteral("1521")},  {QStringLiteral("class"), QLatin1String(cls)},
            {QStringLiteral("driver"), QLatin1String(driver)},   {QStringLiteral("reset_methods"), resets}};
}

} // namespace

class TstCliReadiness : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()} + args);
    }

    // Writes the description, builds the tree and adds it as node `name`.
    void addNode(const QString &name, const QJsonObject &description)
    {
        const QString file = m_dir.filePath(name + QStringLiteral(".json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(description).toJson());
        f.close();
        const QString root = m_dir.filePath(name);
        CliRun r = runCli({QStringLiteral("sim"), QStringLiteral("build"), root, QStringLiteral("--description"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("node"), QStringLiteral("add"), name, QStringLiteral("--host-root"), root, QStringLiteral("--simulate")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(!cliPath().isEmpty());
        m_db = m_dir.filePath(QStringLiteral("passdeck.db"));
        addNode(QStringLiteral("good"),
                {{QStringLiteral("node"), QStringLiteral("good")}, {QStringLiteral("vfio_pci_loaded"), true},
                 {QStringLiteral("devices"), QJsonArray{device("0000:00:02.0", "020000", "igb")}}});
        addNode(QStringLiteral("bad"),
                {{QStringLiteral("node"), QStringLiteral("bad")}, {QStringLiteral("iommu"), false},
                 {QStringLiteral("cmdline"), QStringLiteral("root=/dev/sda1 ro")},
                 {QStringLiteral("devices"), QJsonArray{device("0000:00:02.0", "020000", "igb", false)}}});
    }

    void usage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("no --node") << QStringList{QStringLiteral("readiness")} << 2;
        QTest::newRow("--node without a value") << QStringList{QStringLiteral("readiness"), QStringLiteral("--node")} << 2;
        QTest::newRow("unknown option") << QStringList{QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("good"),
                                                       QStringLiteral("--bogus")} << 2;
        QTest::newRow("extra argument") << QStringList{QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("good"),
                                                       QStringLiteral("x")} << 2;
        QTest::newRow("unknown node") << QStringList{QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("nope")} << 1;
    }

    void usage()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        const CliRun r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY(!r.err.isEmpty());
        QVERIFY(r.out.isEmpty());
    }

    void readyNode()
    {
        CliRun r = cli({QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("good")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QString::fromUtf8(r.out).trimmed(), QStringLiteral("Node good: Ready for passthrough"));

        r = cli({QStringLiteral("--json"), QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("good")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QLatin1String("node")).toString(), QStringLiteral("good"));
        QCOMPARE(o.value(QLatin1String("ready")).toBool(false), true);
        QCOMPARE(o.value(QLatin1String("blockers")).toInt(-1), 0);
        QCOMPARE(o.value(QLatin1String("warnings")).toInt(-1), 0);
        QVERIFY(o.value(QLatin1String("findings")).isArray());
        QVERIFY(o.value(QLatin1String("findings")).toArray().isEmpty());
    }

    void blockedNode()
    {
        CliRun r = cli({QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("bad")});
        QCOMPARE(r.exitCode, 1);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY2(text.startsWith(QStringLiteral("Node bad: 2 blockers, 1 warning\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nBLOCKER  iommu-off\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nBLOCKER  vfio-missing\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nWARNING  no-reset  0000:00:02.0\n")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("What to do: Enable VT-d")));
        QVERIFY(text.indexOf(QStringLiteral("iommu-off")) < text.indexOf(QStringLiteral("no-reset")));

        r = cli({QStringLiteral("readiness"), QStringLiteral("--node"), QStringLiteral("bad"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QLatin1String("ready")).toBool(true), false);
        QCOMPARE(o.value(QLatin1String("blockers")).toInt(), 2);
        QCOMPARE(o.value(QLatin1String("warnings")).toInt(), 1);
        QCOMPARE(o.value(QLatin1String("summary")).toString(), QStringLiteral("2 blockers, 1 warning"));
        const QJsonArray findings = o.value(QLatin1String("findings")).toArray();
        QCOMPARE(findings.size(), 3);
        const QJsonObject first = findings.at(0).toObject();
        QCOMPARE(first.value(QLatin1String("code")).toString(), QStringLiteral("iommu-off"));
        QCOMPARE(first.value(QLatin1String("severity")).toString(), QStringLiteral("blocker"));
        QVERIFY(first.value(QLatin1String("device")).isNull());
        QVERIFY(first.value(QLatin1String("message")).toString().contains(QStringLiteral("intel_iommu=on")));
        QVERIFY(!first.value(QLatin1String("action")).toString().isEmpty());
        const QJsonObject last = findings.at(2).toObject();
        QCOMPARE(last.value(QLatin1String("code")).toString(), QStringLiteral("no-reset"));
        QCOMPARE(last.value(QLatin1String("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(last.value(QLatin1String("device")).toString(), QStringLiteral("0000:00:02.0"));
    }
};

QTEST_GUILESS_MAIN(TstCliReadiness)
#include "tst_cli_readiness.moc"
