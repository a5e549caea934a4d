// NodeService: nodes behind an agent (docs/store.md, "Nodes behind an agent"). Added like a host root, but reached
// through the node factory only: nothing is read from this machine's file system.
#include "service/NodeService.h"

#include "core/AgentAddress.h"
#include "core/Node.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}
} // namespace

Result<RefreshReport> NodeService::addAgent(const AgentNodeSpec &spec, const ProgressFn &progress)
{
    const QString subject = tr("node '%1'").arg(spec.name);
    const QString what = tr("Adding node '%1'").arg(spec.name);
    NodeInfo probe;
    std::unique_ptr<Node> host;
    NodeIdentity identity;
    InventorySnapshot snapshot;
    HostMounts mounts;
    // Every part checked, then the agent reached, before the write lock is taken.
    auto prepare = [&]() -> Status {
        if (Status s = ServiceContext::checkName(spec.name, tr("node")); !s)
            return s;
        auto address = AgentAddress::parse(spec.address);
        if (!address)
            return address.error();
        // The token is never repeated in a message (normalizeToken's errors do not either).
        auto token = AgentAddress::normalizeToken(spec.token);
        if (!token)
            return token.error();
        auto fingerprint = AgentAddress::normalizeFingerprint(spec.fingerprint);
        if (!fingerprint)
            return fingerprint.error();
        {
            auto existing = DomainServiceQueries::nodes(m_ctx.db(), 0, spec.name);
            if (!existing)
                return existing.error();
            if (!existing->isEmpty())
                return ServiceContext::refusal(ErrorCode::Duplicate, what, tr("a node named '%1' already exists").arg(spec.name),
                                               tr("Choose another name, or refresh the existing node."));
        }
        probe.name = spec.name;
        probe.hostRoot = address->toString();
        probe.agentFingerprint = *fingerprint;
        probe.agentToken = *token;
        // The agent's refusals (unreachable, certificate-mismatch, unauthorized) come back as
        // the node factory and the node word them, hints included.
        auto opened = m_ctx.node(probe);
        if (!opened)
            return opened.error();
        host = std::move(opened.value());
        if (progress)
            progress(0, 2, tr("Asking the agent of %1 who it is").arg(spec.name));
        auto who = host->identity();
        if (!who)
            return who.error();
        identity = *who;
        if (progress)
            progress(1, 2, tr("Reading the PCI devices of %1").arg(spec.name));
        auto read = host->inventory();
        if (!read)
            return read.error();
        snapshot = std::move(read.value());
        mounts = mountsOf(*host);
        return {};
    };
    auto run = [&](StoreTransaction &tx) -> Result<RefreshReport> {
        // The same agent address (stored as the row's canonical root too), or the machine id of a
        // node already there (a host root or another address of the same host).
        const Status oneHost = refuseSecondNode(what, probe.hostRoot, identity.machineId,
                                                [&](const QString &first, bool sameAddress) {
            return sameAddress
                ? tr("the agent at %1 is already node '%2'").arg(probe.hostRoot, first)
                : tr("the host behind %1 has the machine id of node '%2' (%3)").arg(probe.hostRoot, first, identity.machineId);
        });
        if (!oneHost)
            return oneHost.error();
        StoreQuery q(m_ctx.db(), QStringLiteral(
            "INSERT INTO nodes (name, host_root, simulated, canonical_root, machine_id, agent_fingerprint, agent_token, agent_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
        // canonical_root: the address, so that the identity check at open leaves the row alone.
        q.bind(spec.name).bind(probe.hostRoot).bind(identity.simulated ? 1 : 0).bind(probe.hostRoot).bind(identity.machineId)
            .bind(probe.agentFingerprint).bind(probe.agentToken).bind(identity.agentVersion);
        if (Status s = q.exec(what); !s) {
            if (s.error().code == ErrorCode::Constraint)
                return ServiceContext::refusal(ErrorCode::Duplicate, what, tr("a node named '%1' already exists").arg(spec.name),
                                               tr("Choose another name, or refresh the existing node."));
            return s.error();
        }
        probe.id = q.returnedId();
        auto report = storeInventory(probe, snapshot, mounts);
        if (!report)
            return report.error();
        if (Status s = m_ctx.commit(tx); !s)
            return s.error();
        if (progress)
            progress(2, 2, tr("Stored %1 devices").arg(report->added));
        auto info = DomainServiceQueries::node(m_ctx.db(), probe.id);
        if (info)
            report->node = *info;
        return report;
    };
    return m_ctx.change(QStringLiteral("node.add"), subject, ServiceContext::Nodes, prepare, run);
}

} // namespace passdeck
