// The apps' node factory (backend/connect): a host root path → LocalNode, HOST:PORT → RemoteNode,
// the real host of a process that is not root → the local agent, or the Error that says how to
// start it or join the group passdeck.
#include "RemoteTestUtil.h"
#include "SimTestUtil.h"

#include "connect/NodeConnector.h"
#include "node/LocalNode.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

class TstConnector : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Error e;
        m_root = buildSimRoot(m_dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("a"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
    }

    void pathIsLocalNode()
    {
        NodeInfo info;
        info.name = QStringLiteral("a");
        info.hostRoot = m_root;
        info.simulated = true;
        ConnectOptions options;
        options.runningAsRoot = false; // a simulated root is local whoever runs
        auto node = nodeFactory(options)(info);
        QVERIFY2(node, node ? "" : qPrintable(node.error().message()));
        QVERIFY(dynamic_cast<LocalNode *>(node->get()));
        QCOMPARE((*node)->address(), m_root);
    }

    void realHostAsRootIsLocalNode()
    {
        NodeInfo info;
        info.hostRoot = QStringLiteral("/");
        ConnectOptions options;
        options.runningAsRoot = true;
        options.localAgentStateDir = m_dir.filePath(QStringLiteral("no-agent"));
        auto node = nodeFactory(options)(info);
        QVERIFY2(node, node ? "" : qPrintable(node.error().message()));
        QVERIFY(dynamic_cast<LocalNode *>(node->get())); // opened only: nothing is written
    }

    void agentAddressIsRemoteNode()
    {
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        auto node = nodeFactory(ConnectOptions{})(agentNodeInfo(agent));
        QVERIFY2(node, node ? "" : qPrintable(node.error().message()));
        auto *remote = dynamic_cast<RemoteNode *>(node->get());
        QVERIFY(remote);
        QCOMPARE(remote->address(), agent.address());
        Result<InventorySnapshot> inventory = remote->inventory();
        QVERIFY2(inventory, inventory ? "" : qPrintable(inventory.error().message()));
        QVERIFY(inventory->find(QStringLiteral("0000:17:00.0")));

        // A stored pin or token that is not in its form is refused before any connection.
        NodeInfo bad = agentNodeInfo(agent);
        bad.agentFingerprint = QStringLiteral("SHA256:1234");
        auto refused = nodeFactory(ConnectOptions{})(bad);
        QVERIFY(!refused);
        QCOMPARE(errorCodeName(refused.error().code), QStringLiteral("agent-address"));
    }

    void realHostNotRootGoesThroughLocalAgent()
    {
        // The agent's state dir readable (a member of the group passdeck): "/" is reached
        // through the agent at the given address, pinned to the certificate in that dir.
        AgentProcess agent(m_root);
        QVERIFY2(agent.start(), qPrintable(agent.lastError()));
        NodeInfo info;
        info.name = QStringLiteral("this-host");
        info.hostRoot = QStringLiteral("/");
        ConnectOptions options;
        options.runningAsRoot = false;
        options.localAgentAddress = agent.address();
        options.localAgentStateDir = agent.stateDir();
        auto node = nodeFactory(options)(info);
        QVERIFY2(node, node ? "" : qPrintable(node.error().message()));
        auto *remote = dynamic_cast<RemoteNode *>(node->get());
        QVERIFY(remote);
        Result<NodeIdentity> id = remote->identity();
        QVERIFY2(id, id ? "" : qPrintable(id.error().message()));
        QCOMPARE(id->address, agent.address());

        // The agent down: the hint says how to start it.
        agent.stop();
        Result<InventorySnapshot> down = remote->inventory();
        QVERIFY(!down);
        QCOMPARE(errorCodeName(down.error().code), QStringLiteral("node-unreachable"));
        QVERIFY2(down.error().hint.contains(QStringLiteral("systemctl start passdeckd")), qPrintable(down.error().message()));
    }

    void realHostNotRootWithoutTokenSaysWhatToDo()
    {
        const QString state = m_dir.filePath(QStringLiteral("unreadable-state"));
        QVERIFY(QDir().mkpath(state));
        NodeInfo info;
        info.hostRoot = QStringLiteral("/");
        ConnectOptions options;
        options.runningAsRoot = false;
        options.localAgentStateDir = state; // no token there (as for a user outside passdeck)
        auto node = nodeFactory(options)(info);
        QVERIFY(!node);
        const Error &e = node.error();
        QCOMPARE(errorCodeName(e.code), QStringLiteral("node-unreachable"));
        QVERIFY2(e.why.contains(state + QStringLiteral("/token")), qPrintable(e.message()));
        QVERIFY2(e.hint.contains(QStringLiteral("sudo systemctl start passdeckd")), qPrintable(e.message()));
        QVERIFY2(e.hint.contains(QStringLiteral("sudo usermod -aG passdeck $USER")), qPrintable(e.message()));

        // A simulated root is never sent to the agent.
        info.hostRoot = m_root;
        info.simulated = true;
        QVERIFY(nodeFactory(options)(info));
    }
};

QTEST_GUILESS_MAIN(TstConnector)
#include "tst_connector.moc"
