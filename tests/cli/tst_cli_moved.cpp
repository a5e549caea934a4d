// passdeck-cli moved: after a renumbering the rules whose card is recognised elsewhere are
// listed; confirm moves one, dismiss drops one; nothing moves before (docs/moved-hardware.md).
#include "CliRunner.h"
#include "MovedTrees.h"
#include "SimTestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TestCliMoved : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_tmp.filePath(QStringLiteral("s.db")), QStringLiteral("--pci-ids"),
                                  pinnedPciIds()} + args);
    }

private Q_SLOTS:
    void listConfirmDismiss()
    {
        Error e;
        const QString root = buildSimRoot(m_tmp, movedTreeBefore(), QStringLiteral("root"), &e);
        QVERIFY2(!root.isEmpty(), qPrintable(e.message()));
        CliRun r = cli({QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("m")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("G")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("G"), QStringLiteral("--node"),
                 QStringLiteral("m"), QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0")});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        r = cli({QStringLiteral("moved"), QStringLiteral("--node"), QStringLiteral("m")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("No hardware moved"), r.out.constData());

        SimHostBuilder::Options force;
        force.force = true;
        QVERIFY(SimHostBuilder::build(movedTreeAfter(), root, force));
        QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("refresh"), QStringLiteral("m")}).exitCode, 0);
        r = cli({QStringLiteral("moved"), QStringLiteral("--node"), QStringLiteral("m"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray offers = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(offers.size(), 2);
        QCOMPARE(offers.at(0).toObject().value(QStringLiteral("old_address")).toString(), QStringLiteral("0000:01:00.0"));
        QCOMPARE(offers.at(0).toObject().value(QStringLiteral("new_address")).toString(), QStringLiteral("0000:02:00.0"));
        QCOMPARE(offers.at(0).toObject().value(QStringLiteral("matched_by")).toString(), QStringLiteral("slot"));
        QCOMPARE(offers.at(1).toObject().value(QStringLiteral("matched_by")).toString(), QStringLiteral("serial"));
        r = cli({QStringLiteral("moved")});
        QVERIFY2(r.out.contains("0000:01:00.0 → 0000:02:00.0"), r.out.constData());

        // Out of order: refused, saying which to confirm first; usage errors exit 2.
        r = cli({QStringLiteral("moved"), QStringLiteral("confirm"), QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0"),
                 QStringLiteral("--node"), QStringLiteral("m")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("first"), r.err.constData());
        QCOMPARE(cli({QStringLiteral("moved"), QStringLiteral("confirm"), QStringLiteral("0000:01:00.0")}).exitCode, 2);

        r = cli({QStringLiteral("moved"), QStringLiteral("confirm"), QStringLiteral("0000:02:00.0"), QStringLiteral("0000:03:00.0"),
                 QStringLiteral("--node"), QStringLiteral("m")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("moved"), QStringLiteral("dismiss"), QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0"),
                 QStringLiteral("--node"), QStringLiteral("m")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli({QStringLiteral("moved"), QStringLiteral("--node"), QStringLiteral("m"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 0);
        r = cli({QStringLiteral("moved"), QStringLiteral("--all"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 1);
        QVERIFY(QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("dismissed")).toBool());
        r = cli({QStringLiteral("audit"), QStringLiteral("--json")});
        QVERIFY2(r.out.contains("resource.move") && r.out.contains("resource.move-dismiss"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliMoved)
#include "tst_cli_moved.moc"
