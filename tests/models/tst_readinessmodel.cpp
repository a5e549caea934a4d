// ReadinessModel: QAbstractItemModelTester over reports of every shape, and what each column,
// icon and role shows.
#include "models/ReadinessModel.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QtTest>

using namespace passdeck;

namespace {

ReadinessReport report()
{
    ReadinessReport r;
    r.node = QStringLiteral("lab1");
    r.findings = {{QStringLiteral("iommu-off"), Severity::Blocker, {}, QStringLiteral("No IOMMU groups."), QStringLiteral("Enable VT-d.")},
                  {QStringLiteral("no-reset"), Severity::Warning, QStringLiteral("0000:01:00.0"), QStringLiteral("No reset."),
                   QStringLiteral("Test a restart.")},
                  {QStringLiteral("other"), Severity::Info, QStringLiteral("0000:02:00.0"), QStringLiteral("m"), QStringLiteral("a")}};
    return r;
}

} // namespace

class TstReadinessModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tester()
    {
        ReadinessModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(ReadinessModel::ColumnCount));
        model.setReport(report());
        QCOMPARE(model.rowCount(), 3);
        model.setReport({});
        QCOMPARE(model.rowCount(), 0);
        model.setReport(report());
        QCOMPARE(model.rowCount(), 3);
    }

    void columns()
    {
        ReadinessModel model;
        model.setReport(report());
        auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(text(0, ReadinessModel::SeverityColumn), QStringLiteral("Blocker"));
        QCOMPARE(text(1, ReadinessModel::SeverityColumn), QStringLiteral("Warning"));
        QCOMPARE(text(2, ReadinessModel::SeverityColumn), QStringLiteral("Info"));
        QCOMPARE(text(0, ReadinessModel::CodeColumn), QStringLiteral("iommu-off"));
        QCOMPARE(text(0, ReadinessModel::DeviceColumn), QStringLiteral("(host)"));
        QCOMPARE(text(1, ReadinessModel::DeviceColumn), QStringLiteral("0000:01:00.0"));
        QCOMPARE(text(1, ReadinessModel::MessageColumn), QStringLiteral("No reset."));
        QCOMPARE(text(1, ReadinessModel::ActionColumn), QStringLiteral("Test a restart."));
        QCOMPARE(model.index(0, ReadinessModel::CodeColumn).data(ReadinessModel::CodeRole).toString(), QStringLiteral("iommu-off"));
        QCOMPARE(model.index(1, 0).data(ReadinessModel::SeverityRole).toInt(), int(Severity::Warning));
        // The severity has an icon and an accessible text; the other columns have no icon.
        QVERIFY(!model.index(0, ReadinessModel::SeverityColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(!model.index(0, ReadinessModel::CodeColumn).data(Qt::DecorationRole).isValid());
        QCOMPARE(model.index(0, 0).data(Qt::AccessibleTextRole).toString(), QStringLiteral("Blocker"));
        QCOMPARE(model.headerData(ReadinessModel::ActionColumn, Qt::Horizontal).toString(), QStringLiteral("What to do"));
        QCOMPARE(model.report().node, QStringLiteral("lab1"));
    }
};

QTEST_MAIN(TstReadinessModel)
#include "tst_readinessmodel.moc"
