// passdeck-cli topology on tests/data/topology-node.json: the indented text tree (one line per
// function with driver, group, NUMA, link, ACS, reset), the JSON tree, --node through the store,
// and the usage errors.
#include "CliRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TestCliTopology : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_root;

    QStringList rootArgs(bool json) const
    {
        QStringList a{QStringLiteral("--host-root"), m_root, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("topology")};
        if (json)
            a << QStringLiteral("--json");
        return a;
    }
    static QString lineOf(const QString &text, const QString &address)
    {
        for (const QString &l : text.split(u'\n'))
            if (l.trimmed().startsWith(address))
                return l;
        return {};
    }
    static QJsonObject findIn(const QJsonArray &list, const QString &address)
    {
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            if (o.value(QLatin1String("address")).toString() == address)
                return o;
            if (const QJsonObject below = findIn(o.value(QLatin1String("children")).toArray(), address); !below.isEmpty())
                return below;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!cliPath().isEmpty(), "PASSDECK_CLI is not set (run through ctest)");
        QVERIFY(m_tmp.isValid());
        m_root = m_tmp.filePath(QStringLiteral("topo"));
        const QString problem = buildTree(m_root, QStringLiteral("tests/data/topology-node.json"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void textTree()
    {
        const CliRun r = runCli(rootArgs(false));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString text = QString::fromUtf8(r.out);
        QVERIFY(text.contains(QLatin1String("pci0000:00 (root complex)")));
        QVERIFY(text.contains(QLatin1String("pci0000:80 (root complex)")));
        // Indentation: two spaces per level below the root complex.
        const QString gpu = lineOf(text, QStringLiteral("0000:01:00.0"));
        QVERIFY2(gpu.startsWith(QLatin1String("    0000:01:00.0")), qPrintable(gpu));
        QVERIFY2(lineOf(text, QStringLiteral("0000:04:00.0")).startsWith(QLatin1String("        0000:04:00.0")), qPrintable(text));
        QVERIFY2(lineOf(text, QStringLiteral("0000:00:01.0")).startsWith(QLatin1String("  0000:00:01.0")), qPrintable(text));
        QVERIFY2(gpu.contains(QLatin1String("link 8.0 GT/s x4 (capable 16.0 GT/s x16) DEGRADED")), qPrintable(gpu));
        QVERIFY2(gpu.contains(QLatin1String("driver nouveau")) && gpu.contains(QLatin1String("group 2"))
                     && gpu.contains(QLatin1String("numa 0")) && gpu.contains(QLatin1String("reset bus")),
                 qPrintable(gpu));
        QVERIFY(lineOf(text, QStringLiteral("0000:00:01.0")).contains(QLatin1String("acs on")));
        QVERIFY(lineOf(text, QStringLiteral("0000:00:1c.0")).contains(QLatin1String("acs absent")));
        QVERIFY(lineOf(text, QStringLiteral("0000:03:00.0")).contains(QLatin1String("acs off")));
        QVERIFY(lineOf(text, QStringLiteral("0000:02:00.0")).contains(QLatin1String("switch upstream port")));
        const QString nic = lineOf(text, QStringLiteral("0000:04:00.0"));
        QVERIFY2(nic.contains(QLatin1String("no ACS above at 0000:03:00.0, 0000:00:1c.0")), qPrintable(nic));
        QVERIFY2(nic.contains(QLatin1String("reset flr,bus")) && !nic.contains(QLatin1String("DEGRADED")), qPrintable(nic));
        // Order: a bridge's children right after it.
        QVERIFY(text.indexOf(QLatin1String("0000:04:00.0")) < text.indexOf(QLatin1String("0000:03:01.0")));
    }

    void jsonTree()
    {
        const CliRun r = runCli(rootArgs(true));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
        QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(pe.errorString()));
        const QJsonArray roots = doc.object().value(QLatin1String("root_complexes")).toArray();
        QCOMPARE(roots.size(), 2);
        QCOMPARE(roots.at(0).toObject().value(QLatin1String("root_bus")).toString(), QStringLiteral("pci0000:00"));
        const QJsonArray top = roots.at(0).toObject().value(QLatin1String("children")).toArray();
        QCOMPARE(top.size(), 3);
        const QJsonObject gpu = findIn(top, QStringLiteral("0000:01:00.0"));
        QCOMPARE(gpu.value(QLatin1String("parent")).toString(), QStringLiteral("0000:00:01.0"));
        QCOMPARE(gpu.value(QLatin1String("iommu_group")).toInt(), 2);
        QCOMPARE(gpu.value(QLatin1String("numa_node")).toInt(), 0);
        const QJsonObject link = gpu.value(QLatin1String("link")).toObject();
        QCOMPARE(link.value(QLatin1String("speed")).toString(), QStringLiteral("8.0 GT/s PCIe"));
        QCOMPARE(link.value(QLatin1String("max_width")).toInt(), 16);
        QVERIFY(link.value(QLatin1String("degraded")).toBool());
        const QJsonObject nic = findIn(top, QStringLiteral("0000:04:00.0"));
        QCOMPARE(nic.value(QLatin1String("acs_gaps_above")).toArray().size(), 2);
        QCOMPARE(nic.value(QLatin1String("reset_methods")).toArray().size(), 2);
        const QJsonObject port = findIn(top, QStringLiteral("0000:00:01.0"));
        QCOMPARE(port.value(QLatin1String("acs")).toObject().value(QLatin1String("state")).toString(), QStringLiteral("on"));
        QCOMPARE(port.value(QLatin1String("acs")).toObject().value(QLatin1String("control")).toInt(), 0x1d);
        QCOMPARE(port.value(QLatin1String("children")).toArray().size(), 2);
        QVERIFY(port.value(QLatin1String("parent")).isNull());
    }

    void nodeOfTheStore()
    {
        const QString db = m_tmp.filePath(QStringLiteral("store.db"));
        const CliRun add = runCli({QStringLiteral("--db"), db, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("node"),
                                   QStringLiteral("add"), QStringLiteral("topo"), QStringLiteral("--host-root"), m_root,
                                   QStringLiteral("--simulate")});
        QVERIFY2(add.exitCode == 0, add.err.constData());
        const CliRun r = runCli({QStringLiteral("--db"), db, QStringLiteral("--pci-ids"), pinnedPciIds(), QStringLiteral("topology"),
                                 QStringLiteral("--node"), QStringLiteral("topo")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.startsWith("Node topo: 12 device(s)"));
        QVERIFY(r.out.contains("DEGRADED"));
        const CliRun json = runCli({QStringLiteral("--db"), db, QStringLiteral("topology"), QStringLiteral("--node"),
                                    QStringLiteral("topo"), QStringLiteral("--json")});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QLatin1String("node")).toString(), QStringLiteral("topo"));
        const CliRun missing = runCli({QStringLiteral("--db"), db, QStringLiteral("topology"), QStringLiteral("--node"),
                                       QStringLiteral("nope")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(!missing.err.isEmpty());
    }

    void usageErrors()
    {
        QCOMPARE(runCli({QStringLiteral("topology"), QStringLiteral("--bogus")}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("topology"), QStringLiteral("extra")}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("topology"), QStringLiteral("--node")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliTopology)
#include "tst_cli_topology.moc"
