#pragma once

#include "core/AgentAddress.h"
#include "core/Node.h"
#include "remote/client/AgentClient.h"

#include <QJsonValue>

#include <functional>
#include <memory>

namespace passdeck {

struct JobRequest;

struct RemoteNodeOptions
{
    AgentTimeouts timeouts;
    // How long a job is followed through a dropped link before the call gives up: the agent
    // carries the job on by itself, so the outcome is looked up by id when it answers again.
    int reconnectWindowMs = 5 * 60 * 1000;
    // Polling a running job: the first interval, doubled up to the last.
    int pollFirstMs = 5;
    int pollMaxMs = 20;
    // Retrying an unreachable agent while a job runs: the first wait, doubled up to the last.
    int retryFirstMs = 100;
    int retryMaxMs = 5000;
    // Called with a job's id as soon as the agent accepted it (before it is followed): what a
    // caller records to look the job up after a crash of its own.
    std::function<void(const QString &jobId)> jobSubmitted;
};

// A node behind a node agent (docs/agent-api.md): every Node call is one HTTPS request, its
// body in core/NodeCodec.h's JSON, so the service cannot tell it from a LocalNode — an Error the
// node sends comes back with the same code. Changes (apply, restore, VF count, reboot) run as
// the agent's jobs: submitted, then polled to their end, the progress fed from the job's.
//
// One caller at a time (like LocalNode): the factory makes one per operation.
class RemoteNode : public Node
{
public:
    RemoteNode(AgentAddress address, QString token, QString fingerprint, bool simulated, RemoteNodeOptions options = {});

    // From a stored node: address HOST:PORT, agentToken, agentFingerprint (Error "agent-address"
    // naming the part that is not in its form).
    static Result<std::unique_ptr<RemoteNode>> open(const NodeInfo &node, RemoteNodeOptions options = {});

    AgentClient &client() { return m_client; }
    const RemoteNodeOptions &options() const { return m_options; }
    // The id of the last job this node submitted ("" before any).
    QString lastJobId() const { return m_lastJobId; }
    // How many polls of a running job went unanswered (a dropped link waited out).
    int unansweredPolls() const { return m_unansweredPolls; }

    QString address() const override { return m_client.address().toString(); }
    bool isSimulated() const override { return m_simulated; }
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
    // The hypervisor (RemoteNodeDomains.cpp): reads and define as requests, changes as jobs.
    Result<QList<DomainInfo>> domains() override;
    Result<QString> domainXml(const QString &name) override;
    Result<DomainInfo> defineDomain(const DomainDefinition &definition) override;
    Result<DomainInfo> changeDomain(const DomainChange &change) override;
    Result<DomainInfo> attachLive(const QString &name, const QStringList &addresses) override;
    Status undefineDomain(const QString &name) override;

private:
    // Submits the job and follows it to its end; the job's "result" member.
    Result<QJsonValue> runJob(const JobRequest &request, const NodeProgress &progress);
    Result<QJsonValue> followJob(const QString &id, const NodeProgress &progress);
    // A change-domain or attach-live job; its Result<DomainInfo>.
    Result<DomainInfo> domainJob(const JobRequest &request);
    // A GET whose whole answer decodes as T.
    template<typename T>
    Result<T> getAs(const QString &pathAndQuery);

    AgentClient m_client;
    bool m_simulated = false;
    RemoteNodeOptions m_options;
    QString m_lastJobId;
    int m_unansweredPolls = 0;
};

} // namespace passdeck
