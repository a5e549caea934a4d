// Nodes behind an agent in the real main window, with nodes the test controls (FakeAgentNode,
// no network): Add Node with an agent (address, token from a file or pasted, the fingerprint
// shown to compare and confirmed), its refusals shown in the form with nothing lost; the Nodes
// dashboard's address, agent version and state; an unreachable node marked there and its
// device dashboards under a banner; the periodic retry that brings it back by itself.
// PASSDECK_SCREENSHOTS_DIR=DIR writes agent-nodes-unreachable.png and add-node-agent.png there.
#include "FakeAgentNode.h"
#include "GuiTestUtil.h"

#include "models/NodeModel.h"
#include "service/TrackedNode.h"
#include "store/Store.h"
#include "views/AddNodeDialog.h"
#include "views/NodeDashboard.h"
#include "views/NodeReconnector.h"
#include "views/NodesDashboard.h"
#include "views/PciDevicesDashboard.h"

#include <QCheckBox>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTimer>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString agentAddress = QStringLiteral("127.0.0.1:7443");
const QString token = QString(64, u'c');
const QString fingerprint = QStringLiteral("SHA256:") + QString(64, u'd');
} // namespace

class TestGuiAgentNodes : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::shared_ptr<FakeAgentControl> m_control;
    std::unique_ptr<DomainService> m_service;
    std::unique_ptr<MainWindow> m_window;
    QString m_shots;

    MainWindow &window() { return *m_window; }
    QString since(qint64 nodeId) const
    {
        QSqlQuery q(m_service->store().connection());
        q.prepare(QStringLiteral("SELECT unreachable_since FROM nodes WHERE id = ?"));
        q.addBindValue(nodeId);
        return q.exec() && q.next() ? q.value(0).toString() : QStringLiteral("<none>");
    }
    int row(QTableView *table, const QString &name) const
    {
        for (int r = 0; r < table->model()->rowCount(); ++r)
            if (table->model()->index(r, NodeModel::NameColumn).data().toString() == name)
                return r;
        return -1;
    }
    QString cell(QTableView *table, const QString &name, int column) const
    {
        const int r = row(table, name);
        return r < 0 ? QString() : table->model()->index(r, column).data().toString();
    }
    void shoot(const QString &name, QWidget *widget)
    {
        const QString dir = m_shots.isEmpty() ? m_tmp.path() : m_shots;
        const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
        QVERIFY2(saveShot(widget, path), qPrintable(path));
        QVERIFY(!QImage(path).isNull());
    }
    qint64 addAgentDirectly()
    {
        auto r = m_service->addAgentNode(AgentNodeSpec{QStringLiteral("r"), agentAddress, token, fingerprint});
        return r ? r->node.id : 0;
    }

private Q_SLOTS:
    void initTestCase() { m_shots = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR"); }
    void init()
    {
        QVERIFY(m_tmp.isValid());
        const QString dir = m_tmp.path() + QStringLiteral("/env-") + QString::number(QDateTime::currentMSecsSinceEpoch());
        m_control = std::make_shared<FakeAgentControl>();
        m_control->inventory = InventoryOptions{pinnedPciIds(), true};
        const QString agentRoot = dir + QStringLiteral("/agent-root");
        QVERIFY(QDir().mkpath(dir));
        Status built = SimHostBuilder::build(demoDescription(QStringLiteral("node-b")), agentRoot);
        QVERIFY2(built, qPrintable(built ? QString() : built.error().message()));
        m_control->agents.insert(agentAddress, FakeAgentControl::Agent{agentRoot, token, fingerprint, {}, QStringLiteral("0.9.0")});
        ServiceOptions options;
        options.nodeFactory = fakeAgentNodes(m_control);
        options.user = QStringLiteral("tester");
        auto opened = DemoEnvironment::open(dir, false, options, DemoContent::NodesOnly);
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message()));
        m_service = std::move(opened).value();
        m_window = std::make_unique<MainWindow>(*m_service);
        m_window->setPciIdsPath(pinnedPciIds());
        m_window->resize(1440, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }
    void cleanup()
    {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (w != m_window.get() && w->isVisible())
                w->close();
        }
        m_window.reset();
        m_service.reset();
    }

    void addNodeWithAnAgent()
    {
        window().navigate(QStringLiteral("nodes"));
        auto *nodes = window().current<NodesDashboard>();
        QVERIFY(nodes);
        QVERIFY(clickMenu(window(), QStringLiteral("menuAddNode")));
        AddNodeDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = nodes->findChild<AddNodeDialog *>()) && dialog->isVisible());
        // Every control a user touches has its names.
        for (QWidget *w : {static_cast<QWidget *>(dialog->nameEdit()), static_cast<QWidget *>(dialog->agentKind()),
                           static_cast<QWidget *>(dialog->addressEdit()), static_cast<QWidget *>(dialog->tokenFileEdit()),
                           static_cast<QWidget *>(dialog->tokenBrowseButton()), static_cast<QWidget *>(dialog->tokenEdit()),
                           static_cast<QWidget *>(dialog->fingerprintEdit()), static_cast<QWidget *>(dialog->fingerprintConfirmed())}) {
            QVERIFY(!w->objectName().isEmpty());
            QVERIFY(!w->accessibleName().isEmpty());
        }
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("r"));
        QVERIFY(clickButton(dialog->agentKind()));
        QVERIFY(dialog->addressEdit()->isVisible());
        QVERIFY(!dialog->rootEdit()->isVisible());
        QTest::keyClicks(dialog->addressEdit(), agentAddress);
        QCOMPARE(dialog->tokenEdit()->echoMode(), QLineEdit::Password);
        QTest::keyClicks(dialog->tokenEdit(), QStringLiteral("not-a-token"));
        // A fingerprint as openssl prints it: upper case, colons. Shown normalized to compare;
        // Add Node waits for the comparison to be confirmed.
        QString typed = QString(fingerprint.mid(7)).toUpper();
        for (int i = typed.size() - 2; i > 0; i -= 2)
            typed.insert(i, u':');
        QTest::keyClicks(dialog->fingerprintEdit(), QStringLiteral("SHA256:") + typed);
        QVERIFY(dialog->fingerprintShown()->text().contains(QString(8, u'd') + u' ' + QString(8, u'd')));
        QVERIFY(!dialog->submitButton()->isEnabled());
        QVERIFY(dialog->fingerprintConfirmed()->isEnabled());
        QVERIFY(clickButton(dialog->fingerprintConfirmed()));
        QVERIFY(dialog->submitButton()->isEnabled());
        shoot(QStringLiteral("add-node-agent"), dialog);

        // A bad token: refused in the form, nothing stored, nothing typed lost, never shown.
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->messageLabel()->isVisible());
        QVERIFY2(dialog->messageLabel()->text().contains(QStringLiteral("token")), qPrintable(dialog->messageLabel()->text()));
        QVERIFY(!dialog->messageLabel()->text().contains(QStringLiteral("not-a-token")));
        QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("r"));
        QCOMPARE(dialog->addressEdit()->text(), agentAddress);
        QVERIFY(!m_service->findNode(QStringLiteral("r")));

        // The token from a file instead; the agent shows another certificate than the one given.
        dialog->tokenEdit()->clear();
        const QString file = m_tmp.filePath(QStringLiteral("token"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(token.toLatin1() + '\n');
        }
        dialog->tokenFileEdit()->setText(file);
        m_control->agents[agentAddress].fingerprint = QStringLiteral("SHA256:") + QString(64, u'e');
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY(dialog->isVisible());
        QVERIFY2(dialog->messageLabel()->text().contains(QStringLiteral("certificate")), qPrintable(dialog->messageLabel()->text()));
        QVERIFY(!m_service->findNode(QStringLiteral("r")));
        shoot(QStringLiteral("add-node-agent-refused"), dialog);

        // The right agent: added, with its version; the list shows address, agent and state.
        m_control->agents[agentAddress].fingerprint = fingerprint;
        QVERIFY(clickButton(dialog->submitButton()));
        QTRY_VERIFY(!dialog->isVisible() || dialog->result() == QDialog::Accepted);
        auto r = m_service->findNode(QStringLiteral("r"));
        QVERIFY(r);
        QCOMPARE(r->hostRoot, agentAddress);
        QCOMPARE(r->agentFingerprint, fingerprint);
        QCOMPARE(r->agentToken, token);
        QCOMPARE(r->agentVersion, QStringLiteral("0.9.0"));
        QVERIFY(r->deviceCount > 0);
        QTableView *table = nodes->nodesTable();
        QTRY_VERIFY(row(table, QStringLiteral("r")) >= 0);
        QCOMPARE(cell(table, QStringLiteral("r"), NodeModel::HostRootColumn), agentAddress);
        QCOMPARE(cell(table, QStringLiteral("r"), NodeModel::AgentVersionColumn), QStringLiteral("0.9.0"));
        QCOMPARE(cell(table, QStringLiteral("r"), NodeModel::StateColumn), QStringLiteral("Connected"));
        QCOMPARE(cell(table, QStringLiteral("node-a"), NodeModel::AgentVersionColumn), QStringLiteral("local"));
    }

    void unreachableNodeIsMarkedAndReconnects()
    {
        const qint64 r = addAgentDirectly();
        QVERIFY(r);
        const qint64 a = m_service->findNode(QStringLiteral("node-a"))->id;
        window().navigate(QStringLiteral("nodes"));
        auto *nodes = window().current<NodesDashboard>();
        QTableView *table = nodes->nodesTable();
        QTRY_COMPARE(cell(table, QStringLiteral("r"), NodeModel::StateColumn), QStringLiteral("Connected"));

        // The agent stops answering; a refresh of the node finds it out.
        m_control->agents[agentAddress].answer = FakeAgentControl::unreachable(agentAddress);
        QVERIFY(!m_service->refreshNode(r));
        QVERIFY(since(r) != QString());
        const QString sinceText = unreachableSinceText(QDateTime::fromString(since(r), Qt::ISODateWithMs));
        QTRY_COMPARE(cell(table, QStringLiteral("r"), NodeModel::StateColumn), QStringLiteral("Unreachable since ") + sinceText);
        const QModelIndex state = table->model()->index(row(table, QStringLiteral("r")), NodeModel::StateColumn);
        QVERIFY(state.data(NodeModel::UnreachableRole).toBool());
        QVERIFY(!state.data(Qt::DecorationRole).isNull());
        QVERIFY(state.data(Qt::ForegroundRole).isValid());
        QCOMPARE(cell(table, QStringLiteral("node-a"), NodeModel::StateColumn), QStringLiteral("Connected"));
        QTRY_VERIFY(nodes->banner()->hasNotice(QStringLiteral("unreachable")));
        QVERIFY(nodes->banner()->noticeText(QStringLiteral("unreachable")).contains(sinceText));
        shoot(QStringLiteral("agent-nodes-unreachable"), &window());

        // Its dashboards say so; node-a's do not.
        auto *node = qobject_cast<NodeDashboard *>(window().navigate(QStringLiteral("node"), r));
        QVERIFY(node);
        QTRY_VERIFY(node->banner()->hasNotice(QStringLiteral("unreachable")));
        QVERIFY(node->banner()->noticeText(QStringLiteral("unreachable")).contains(QStringLiteral("'r'")) ||
                node->banner()->noticeText(QStringLiteral("unreachable")).contains(QStringLiteral("Node r is unreachable since ") + sinceText));
        QVERIFY(child<QLabel>(node, QStringLiteral("nodeState"))->text().contains(sinceText));
        QVERIFY(child<QLabel>(node, QStringLiteral("nodeAgent"))->text().contains(QStringLiteral("0.9.0")));
        shoot(QStringLiteral("agent-node-unreachable"), &window());
        auto *pci = qobject_cast<PciDevicesDashboard *>(window().navigate(QStringLiteral("pci"), r));
        QVERIFY(pci);
        QTRY_VERIFY(pci->banner()->hasNotice(QStringLiteral("unreachable")));
        auto *pciAll = qobject_cast<PciDevicesDashboard *>(window().navigate(QStringLiteral("pci"), 0));
        QTRY_VERIFY(pciAll->banner()->hasNotice(QStringLiteral("unreachable")));
        auto *pciA = qobject_cast<PciDevicesDashboard *>(window().navigate(QStringLiteral("pci"), a));
        QVERIFY(pciA);
        QVERIFY(!pciA->banner()->hasNotice(QStringLiteral("unreachable")));
        // The inventory is kept as last seen.
        QVERIFY(m_service->devices(r) && !m_service->devices(r)->isEmpty());

        // Back, a newer agent: the periodic retry (shortened for the test) brings it back.
        m_control->agents[agentAddress].answer.reset();
        m_control->agents[agentAddress].version = QStringLiteral("1.0.0");
        window().navigate(QStringLiteral("nodes"));
        QSignalSpy rounds(window().reconnector(), &NodeReconnector::roundFinished);
        window().reconnector()->timer()->setInterval(50);
        QTRY_COMPARE(since(r), QString());
        QTRY_VERIFY(rounds.count() >= 1);
        window().reconnector()->timer()->setInterval(NodeReconnector::defaultIntervalMs);
        QCOMPARE(m_service->node(r)->agentVersion, QStringLiteral("1.0.0"));
        QTRY_COMPARE(cell(table, QStringLiteral("r"), NodeModel::StateColumn), QStringLiteral("Connected"));
        QTRY_COMPARE(cell(table, QStringLiteral("r"), NodeModel::AgentVersionColumn), QStringLiteral("1.0.0"));
        QTRY_VERIFY(!nodes->banner()->hasNotice(QStringLiteral("unreachable")));
    }

    void reconnectNowOnDemand()
    {
        const qint64 r = addAgentDirectly();
        QVERIFY(r);
        window().navigate(QStringLiteral("nodes"));
        auto *nodes = window().current<NodesDashboard>();
        // Nothing to reconnect: said so.
        QVERIFY(clickMenu(window(), QStringLiteral("menuReconnectNodes")));
        QVERIFY(nodes->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("nothing to reconnect")));
        m_control->agents[agentAddress].answer = FakeAgentControl::unreachable(agentAddress);
        QVERIFY(!m_service->refreshNode(r));
        QVERIFY(!since(r).isEmpty());
        // Still down: a round tries and leaves the note as it was.
        const QString first = since(r);
        QSignalSpy rounds(window().reconnector(), &NodeReconnector::roundFinished);
        QVERIFY(clickMenu(window(), QStringLiteral("menuReconnectNodes")));
        QTRY_COMPARE(rounds.count(), 1);
        QCOMPARE(rounds.at(0).at(0).toInt(), 1);
        QCOMPARE(rounds.at(0).at(1).toInt(), 0);
        QCOMPARE(since(r), first);
        // Up again: Reconnect Now brings it back at once.
        m_control->agents[agentAddress].answer.reset();
        QVERIFY(clickMenu(window(), QStringLiteral("menuReconnectNodes")));
        QTRY_COMPARE(rounds.count(), 2);
        QCOMPARE(rounds.at(1).at(1).toInt(), 1);
        QCOMPARE(since(r), QString());
        QTRY_COMPARE(cell(nodes->nodesTable(), QStringLiteral("r"), NodeModel::StateColumn), QStringLiteral("Connected"));
    }
};

QTEST_MAIN(TestGuiAgentNodes)
#include "tst_gui_agentnodes.moc"
