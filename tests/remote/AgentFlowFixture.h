#pragma once
// The service's flows with node a behind a passdeckd on 127.0.0.1 (header-only): node-a's demo
// description built into a simulated root, an agent started on it (stopped in the destructor,
// also when the test fails half way), and a DomainService whose node factory is the apps' one
// (backend/connect): node a is stored as the agent's HOST:PORT, token and pinned fingerprint, so
// every call to it goes through the agent.
#include "RemoteTestUtil.h"
#include "SimTestUtil.h"

#include "connect/NodeConnector.h"
#include "core/AgentAddress.h"
#include "service/DomainService.h"
#include "store/Store.h"
#include "store/StoreQuery.h"

#include <QSqlDatabase>
#include <QTemporaryDir>

#include <memory>

namespace passdeck::test {

class AgentFlowFixture
{
public:
    QTemporaryDir dir;
    QString rootA;
    std::unique_ptr<AgentProcess> agent;
    std::unique_ptr<DomainService> service;
    qint64 nodeA = 0;
    int remoteCalls = 0; // nodes the factory opened through the agent

    ~AgentFlowFixture()
    {
        service.reset();
        agent.reset();
    }

    // Empty on success, else what went wrong (for QVERIFY2).
    QString setUp()
    {
        if (!dir.isValid())
            return QStringLiteral("no temporary directory");
        Error e;
        rootA = buildSimRoot(dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("a"), &e);
        if (rootA.isEmpty())
            return e.message();
        agent = std::make_unique<AgentProcess>(rootA);
        if (!agent->start())
            return agent->lastError();
        ServiceOptions options;
        options.user = QStringLiteral("tester");
        ConnectOptions connect;
        connect.inventory.pciIdsPath = QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
        connect.remote = quickRemoteOptions();
        const NodeFactory apps = nodeFactory(connect);
        // The apps' factory, counting the nodes it opens through an agent.
        options.nodeFactory = [this, apps](const NodeInfo &node) -> Result<std::unique_ptr<Node>> {
            if (AgentAddress::isAgentAddress(node.hostRoot))
                ++remoteCalls;
            return apps(node);
        };
        auto s = DomainService::open(dir.filePath(QStringLiteral("passdeck.db")), options);
        if (!s)
            return s.error().message();
        service = std::move(s).value();
        // Node a is stored as the agent's HOST:PORT with its token and pinned fingerprint.
        auto a = service->addAgentNode(AgentNodeSpec{QStringLiteral("a"), agent->address(), agent->token(), agent->fingerprint()});
        if (!a)
            return a.error().message();
        nodeA = a->node.id;
        return {};
    }

    // Stops the agent and starts it again on the same port (the stored address), same state dir.
    bool restartAgentOnSamePort()
    {
        const quint16 port = agent->port();
        agent->stop();
        agent->setExtraArguments({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)});
        return agent->restart() && agent->port() == port;
    }

    QSqlDatabase db() const { return service->store().connection(); }
    QVariant scalar(const QString &statement, const QVariantList &values = {}) const
    {
        auto v = StoreQuery::scalar(db(), statement, values, QStringLiteral("test query"));
        return v ? *v : QVariant();
    }
    int count(const QString &statement, const QVariantList &values = {}) const { return scalar(statement, values).toInt(); }

    qint64 groupWith(const QString &name, const QStringList &addresses)
    {
        auto g = service->createGroup(GroupSpec{name, {}, GroupClass::Other});
        if (!g)
            return 0;
        auto r = service->makeResource(g->id, nodeA, addresses);
        if (!r) {
            qWarning() << r.error().message();
            return 0;
        }
        return g->id;
    }
    qint64 hostVm(const QString &name)
    {
        auto v = service->createVm(VmSpec{name, {}, nodeA, 0, 0});
        return v ? v->id : 0;
    }
    QString driverA(const QString &address) const { return driverOf(rootA, address); }
    QByteArray overrideA(const QString &address) const
    {
        return readRootFile(rootA, QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(address)).trimmed();
    }
    QString storedDriver(const QString &address) const
    {
        return scalar(QStringLiteral("SELECT driver FROM devices WHERE address = ? AND node_id = ?"), {address, nodeA}).toString();
    }
};

} // namespace passdeck::test
