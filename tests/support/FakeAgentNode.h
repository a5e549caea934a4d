#pragma once
// Nodes "behind an agent" for service, view and model tests, without a network: a Node that
// forwards to a simulated LocalNode and that the test can make answer like an agent that is
// down ("node-unreachable"), presents another certificate ("certificate-mismatch") or refuses
// the token ("unauthorized"), and whose agent version it chooses. fakeAgentNodes() is a
// NodeFactory: an agent address (HOST:PORT) the control knows gives such a node; any other
// agent address is unreachable; a host root path goes to localNodes().
#include "core/AgentAddress.h"
#include "core/Node.h"
#include "node/LocalNode.h"
#include "node/LocalNodeConnector.h"

#include <QMap>

#include <memory>

namespace passdeck::test {

struct FakeAgentControl
{
    struct Agent
    {
        QString root;                 // the simulated host root the agent serves
        QString token;                // what it accepts (empty: any)
        QString fingerprint;          // its certificate's (empty: any)
        std::optional<Error> answer;  // when set, every call answers this error
        QString version = QStringLiteral("0.9.0");
    };
    QMap<QString, Agent> agents;      // HOST:PORT -> agent
    InventoryOptions inventory;
    int opened = 0;                   // how often the factory was asked for a node behind an agent

    static Error unreachable(const QString &address)
    {
        return Error::make(ErrorCode::NodeUnreachable, QStringLiteral("Reaching the agent at %1").arg(address),
                           QStringLiteral("the connection was refused"),
                           QStringLiteral("Start the agent on the node (systemctl start passdeckd) and check the firewall."));
    }
    static Error certificateMismatch(const QString &address)
    {
        return Error::make(ErrorCode::CertificateMismatch, QStringLiteral("Reaching the agent at %1").arg(address),
                           QStringLiteral("its certificate is SHA256:%1, not the pinned one").arg(QString(64, u'e')),
                           QStringLiteral("If the agent was reinstalled, compare the fingerprint it prints and add the node again."));
    }
    static Error unauthorized(const QString &address)
    {
        return Error::make(ErrorCode::AgentUnauthorized, QStringLiteral("Reaching the agent at %1").arg(address),
                           QStringLiteral("the agent refused the token"),
                           QStringLiteral("Copy the token from /var/lib/passdeckd/token on the node again."));
    }
};

class FakeAgentNode : public Node
{
public:
    FakeAgentNode(std::shared_ptr<FakeAgentControl> control, QString address, std::unique_ptr<LocalNode> inner)
        : m_control(std::move(control)), m_address(std::move(address)), m_inner(std::move(inner))
    {
    }

    QString address() const override { return m_address; }
    bool isSimulated() const override { return m_inner->isSimulated(); }
    Result<NodeIdentity> identity() override
    {
        if (auto e = refusal())
            return *e;
        auto id = m_inner->identity();
        if (id) {
            id.value().address = m_address;
            id.value().agentVersion = agent().version;
        }
        return id;
    }
    Result<InventorySnapshot> inventory() override { return call([&] { return m_inner->inventory(); }); }
    Result<HostMounts> hostMounts() override { return call([&] { return m_inner->hostMounts(); }); }
    Result<NodeCapabilities> capabilities(int g) override { return call([&] { return m_inner->capabilities(g); }); }
    Result<BindPlan> plan(const QStringList &a, BindTarget t) override { return call([&] { return m_inner->plan(a, t); }); }
    Result<ApplyResult> apply(const BindPlan &p, const ApplyOptions &o, const NodeProgress &progress = {}) override
    {
        return call([&] { return m_inner->apply(p, o, progress); });
    }
    Status restore(const RestoreRequest &r) override { return call([&] { return m_inner->restore(r); }); }
    Result<QMap<QString, DriverState>> driverStates(const QStringList &a) override { return call([&] { return m_inner->driverStates(a); }); }
    Result<SriovState> sriovState(const QString &pf) override { return call([&] { return m_inner->sriovState(pf); }); }
    Result<QList<Finding>> vfCountImpact(const QString &pf, int n) override { return call([&] { return m_inner->vfCountImpact(pf, n); }); }
    Result<QStringList> setVfCount(const QString &pf, int n, const VfCountOptions &o) override
    {
        return call([&] { return m_inner->setVfCount(pf, n, o); });
    }
    Status reboot() override { return call([&] { return m_inner->reboot(); }); }

private:
    const FakeAgentControl::Agent &agent() const { return m_control->agents[m_address]; }
    std::optional<Error> refusal() const
    {
        if (!m_control->agents.contains(m_address))
            return FakeAgentControl::unreachable(m_address);
        return agent().answer;
    }
    template<typename F>
    auto call(F &&f) -> decltype(f())
    {
        if (auto e = refusal())
            return *e;
        return f();
    }

    std::shared_ptr<FakeAgentControl> m_control;
    QString m_address;
    std::unique_ptr<LocalNode> m_inner;
};

inline NodeFactory fakeAgentNodes(std::shared_ptr<FakeAgentControl> control)
{
    NodeFactory local = localNodes(control->inventory);
    return [control, local](const NodeInfo &info) -> Result<std::unique_ptr<Node>> {
        if (!AgentAddress::isAgentAddress(info.hostRoot))
            return local(info);
        ++control->opened;
        const auto it = control->agents.constFind(info.hostRoot);
        if (it == control->agents.cend())
            return FakeAgentControl::unreachable(info.hostRoot);
        // What a client checks on connecting: the pinned certificate, then the token.
        if (!it->fingerprint.isEmpty() && it->fingerprint != info.agentFingerprint)
            return FakeAgentControl::certificateMismatch(info.hostRoot);
        if (!it->token.isEmpty() && it->token != info.agentToken)
            return FakeAgentControl::unauthorized(info.hostRoot);
        auto inner = LocalNode::open(it->root, true, control->inventory);
        if (!inner)
            return inner.error();
        return std::unique_ptr<Node>(std::make_unique<FakeAgentNode>(control, info.hostRoot, std::move(inner).value()));
    };
}

} // namespace passdeck::test
