#pragma once

#include "core/Node.h"

#include <QDateTime>

namespace passdeck {

struct ServiceContext;

// Since-when text of an unreachable node, the same in errors, the CLI and the dashboards:
// "2026-12-01 22:10:03 UTC".
QString unreachableSinceText(const QDateTime &since);

// A stored node as the service reaches it (ServiceContext::node wraps what the node factory
// gives): every call goes to the node unchanged, and its answer tells whether the node is
// reachable (docs/store.md, "Nodes behind an agent"). An answer "node-unreachable" notes since
// when (the first time only) and comes back naming the node and that time; any successful
// answer clears the note and re-reads the agent's version. The note is written by the
// ServiceContext outside the operation's transaction, so a refused flow still leaves it. The
// node's stored inventory is never touched here: an unreachable node keeps its last one.
class TrackedNode : public Node
{
public:
    TrackedNode(std::unique_ptr<Node> inner, NodeInfo info, const ServiceContext &ctx);

    QString address() const override { return m_inner->address(); }
    bool isSimulated() const override { return m_inner->isSimulated(); }
    Result<NodeIdentity> identity() override;
    Result<InventorySnapshot> inventory() override;
    Result<HostMounts> hostMounts() override;
    Result<NodeCapabilities> capabilities(int recordedIommuGroup) override;
    Result<BindPlan> plan(const QStringList &addresses, BindTarget target) override;
    Result<ApplyResult> apply(const BindPlan &plan, const ApplyOptions &options, const NodeProgress &progress = {}) override;
    Status restore(const RestoreRequest &request) override;
    Result<QMap<QString, DriverState>> driverStates(const QStringList &addresses) override;
    Result<SriovState> sriovState(const QString &pfAddress) override;
    Result<QList<Finding>> vfCountImpact(const QString &pfAddress, int count) override;
    Result<QStringList> setVfCount(const QString &pfAddress, int count, const VfCountOptions &options) override;
    Status reboot() override;
    Result<QList<DomainInfo>> domains() override;
    Result<QString> domainXml(const QString &name) override;
    Result<DomainInfo> defineDomain(const DomainDefinition &definition) override;
    Result<DomainInfo> changeDomain(const DomainChange &change) override;
    Result<DomainInfo> attachLive(const QString &name, const QStringList &addresses) override;
    Status undefineDomain(const QString &name) override;

    // The refusal of a flow that needs an unreachable node, worded like the node's own answer.
    static Error unreachable(const NodeInfo &node, const Error &answer);

private:
    template<typename R>
    R observe(R result);
    // After a successful answer: clears the note (with the agent's version, read now).
    void answered();
    // After "node-unreachable": notes it (first time only) and words the error.
    Error notAnswered(const Error &answer);

    std::unique_ptr<Node> m_inner;
    NodeInfo m_info;
    const ServiceContext &m_ctx;
};

} // namespace passdeck
