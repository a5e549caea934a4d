// passdeck-cli store commands: a usage error names the option that is actually missing its value.
#include "CliRunner.h"

#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstStoreCliUsage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void missingValueNamesTheOption_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("--tenant") << QStringLiteral("--tenant");
        QTest::newRow("--new-name") << QStringLiteral("--new-name");
        QTest::newRow("--description") << QStringLiteral("--description");
    }

    void missingValueNamesTheOption()
    {
        QFETCH(QString, option);
        QTemporaryDir dir;
        const CliRun r = runCli({QStringLiteral("--db"), dir.filePath(QStringLiteral("s.db")), QStringLiteral("group"),
                                 QStringLiteral("edit"), QStringLiteral("--name"), QStringLiteral("g"), option});
        QCOMPARE(r.exitCode, 2);
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.contains(option + QStringLiteral(" needs a value")), qPrintable(err));
    }

    void groupsTenantWithoutValue()
    {
        // Used to list the host groups as if --tenant had not been given.
        QTemporaryDir dir;
        const CliRun r = runCli({QStringLiteral("--db"), dir.filePath(QStringLiteral("s.db")), QStringLiteral("groups"),
                                 QStringLiteral("--tenant")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--tenant needs a value"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstStoreCliUsage)
#include "tst_store_cli_usage.moc"
