// TenantNodeModel under QAbstractItemModelTester.
#include "models/TenantNodeModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace passdeck;

namespace {
TenantNode node(qint64 id, const QString &name, int reserved)
{
    TenantNode n;
    n.id = id;
    n.tenantId = 7;
    n.tenantName = QStringLiteral("acme");
    n.name = name;
    n.nodeId = 100 + id;
    n.nodeName = QStringLiteral("node-%1").arg(id);
    n.reservedDevices = reserved;
    n.groupCount = reserved > 0 ? 1 : 0;
    return n;
}
} // namespace

class TestTenantNodeModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tester()
    {
        TenantNodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setItems({node(1, QStringLiteral("acme-a"), 2), node(2, QStringLiteral("acme-b"), 0)});
        QCOMPARE(model.rowCount(), 2);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setItems({node(1, QStringLiteral("acme-a"), 3), node(2, QStringLiteral("acme-b"), 0)});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.index(0, TenantNodeModel::ReservedColumn).data().toInt(), 3);
        // acme-a gone: its row is removed, acme-b stays (no reset: the selection survives).
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.setItems({node(2, QStringLiteral("acme-b"), 0)});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setItems({});
        QCOMPARE(model.rowCount(), 0);
    }

    void data()
    {
        TenantNodeModel model;
        model.setItems({node(1, QStringLiteral("acme-a"), 2)});
        QCOMPARE(model.index(0, TenantNodeModel::NameColumn).data().toString(), QStringLiteral("acme-a"));
        QCOMPARE(model.index(0, TenantNodeModel::NodeColumn).data().toString(), QStringLiteral("node-1"));
        QCOMPARE(model.index(0, TenantNodeModel::GroupsColumn).data().toInt(), 1);
        QCOMPARE(model.index(0, 0).data(TenantNodeModel::TenantNodeIdRole).toLongLong(), 1);
        QCOMPARE(model.index(0, 0).data(TenantNodeModel::NodeIdRole).toLongLong(), 101);
        QCOMPARE(model.index(0, 0).data(TenantNodeModel::TenantIdRole).toLongLong(), 7);
        for (int c = 0; c < TenantNodeModel::ColumnCount; ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
    }
};

QTEST_MAIN(TestTenantNodeModel)
#include "tst_tenantnodemodel.moc"
