// NodeModel with nodes behind an agent: the address, agent version and state columns, the
// unreachable mark (words, icon, colour, role), under QAbstractItemModelTester through a reset
// and an in-place update (the state flipping back), behind a sort proxy as the dashboard has it.
#include "models/NodeModel.h"
#include "service/TrackedNode.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace passdeck;

class TstNodeModelAgent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void columnsAndStates()
    {
        NodeModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.sort(NodeModel::StateColumn);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        NodeInfo local;
        local.id = 1;
        local.name = QStringLiteral("node-a");
        local.hostRoot = QStringLiteral("/srv/a");
        local.simulated = true;
        NodeInfo agent;
        agent.id = 2;
        agent.name = QStringLiteral("kvm-07");
        agent.hostRoot = QStringLiteral("kvm-07.example.org:7443");
        agent.agentFingerprint = QStringLiteral("SHA256:") + QString(64, u'a');
        agent.agentToken = QString(64, u'b');
        agent.agentVersion = QStringLiteral("0.9.0");
        agent.unreachableSince = QDateTime(QDate(2026, 12, 1), QTime(22, 10, 3), Qt::UTC);
        model.setItems({local, agent});

        QCOMPARE(model.columnCount(), int(NodeModel::ColumnCount));
        QCOMPARE(model.headerData(NodeModel::HostRootColumn, Qt::Horizontal).toString(), QStringLiteral("Address"));
        QCOMPARE(model.headerData(NodeModel::AgentVersionColumn, Qt::Horizontal).toString(), QStringLiteral("Agent"));
        QCOMPARE(model.headerData(NodeModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));
        QCOMPARE(model.index(1, NodeModel::HostRootColumn).data().toString(), QStringLiteral("kvm-07.example.org:7443"));
        QCOMPARE(model.index(1, NodeModel::AgentVersionColumn).data().toString(), QStringLiteral("0.9.0"));
        QCOMPARE(model.index(0, NodeModel::AgentVersionColumn).data().toString(), QStringLiteral("local"));
        QCOMPARE(model.index(1, NodeModel::KindColumn).data().toString(), QStringLiteral("Real host, agent"));
        QCOMPARE(model.index(1, NodeModel::StateColumn).data().toString(),
                 QStringLiteral("Unreachable since 2026-12-01 22:10:03 UTC"));
        QCOMPARE(model.index(0, NodeModel::StateColumn).data().toString(), QStringLiteral("Connected"));
        QVERIFY(model.index(1, 0).data(NodeModel::UnreachableRole).toBool());
        QVERIFY(!model.index(0, 0).data(NodeModel::UnreachableRole).toBool());
        QVERIFY(model.index(1, NodeModel::StateColumn).data(Qt::ForegroundRole).isValid());
        QVERIFY(!model.index(0, NodeModel::StateColumn).data(Qt::ForegroundRole).isValid());
        QVERIFY(!model.index(1, NodeModel::StateColumn).data(Qt::DecorationRole).isNull());
        QVERIFY(model.index(1, NodeModel::StateColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("30 seconds")));
        // The token is never shown in any column or role.
        for (int c = 0; c < model.columnCount(); ++c)
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)})
                QVERIFY(!model.index(1, c).data(role).toString().contains(agent.agentToken));

        // It answers again: an in-place update flips the state back.
        agent.unreachableSince = {};
        agent.agentVersion = QStringLiteral("1.0.0");
        model.setItems({local, agent});
        QCOMPARE(model.index(1, NodeModel::StateColumn).data().toString(), QStringLiteral("Connected"));
        QCOMPARE(model.index(1, NodeModel::AgentVersionColumn).data().toString(), QStringLiteral("1.0.0"));
        QVERIFY(!model.index(1, 0).data(NodeModel::UnreachableRole).toBool());
        QCOMPARE(NodeModel::stateText(agent), QStringLiteral("Connected"));
        // And a reset to nothing.
        model.setItems({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TstNodeModelAgent)
#include "tst_nodemodel_agent.moc"
