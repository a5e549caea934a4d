#include "remote/client/RemoteNode.h"

#include "core/JobCodec.h"
#include "core/NodeCodec.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>
#include <QUrl>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("RemoteNode", text);
}

// The API version this client speaks (the /api/v1/ prefix, "api_version" of GET /api/v1/node).
constexpr int kApiVersion = 1;

// A 2xx answer that does not decode is not the API this client speaks.
Error protocolError(const QString &address, const QString &why)
{
    return Error::make(ErrorCode::AgentProtocol, QCoreApplication::translate("RemoteNode", "Reading the answer of the node agent at %1").arg(address),
                       why, QCoreApplication::translate("RemoteNode", "Check that the agent is a passdeckd of this Passdeck version."));
}

// A PCI address in a path or a query: ':' stays as it is (the API's paths carry addresses
// verbatim); anything else that could end the segment is escaped.
QString pathPart(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text, QByteArrayLiteral(":")));
}

} // namespace

RemoteNode::RemoteNode(AgentAddress address, QString token, QString fingerprint, bool simulated, RemoteNodeOptions options)
    : m_client(std::move(address), std::move(token), std::move(fingerprint), options.timeouts)
    , m_simulated(simulated)
    , m_options(options)
{
}

Result<std::unique_ptr<RemoteNode>> RemoteNode::open(const NodeInfo &node, RemoteNodeOptions options)
{
    Result<AgentAddress> address = AgentAddress::parse(node.hostRoot);
    if (!address)
        return address.error();
    Result<QString> fingerprint = AgentAddress::normalizeFingerprint(node.agentFingerprint);
    if (!fingerprint)
        return fingerprint.error();
    Result<QString> token = AgentAddress::normalizeToken(node.agentToken);
    if (!token)
        return token.error();
    return std::make_unique<RemoteNode>(*address, *token, *fingerprint, node.simulated, options);
}

template<typename T>
Result<T> RemoteNode::getAs(const QString &pathAndQuery)
{
    Result<AgentClient::Reply> reply = m_client.get(pathAndQuery);
    if (!reply)
        return reply.error();
    Result<T> value = nodecodec::fromJson<T>(reply->body);
    if (!value)
        return protocolError(address(), value.error().why);
    return value;
}

// RemoteNodeDomains.cpp reads the domain list through it.
template Result<QList<DomainInfo>> RemoteNode::getAs<QList<DomainInfo>>(const QString &);

Result<NodeIdentity> RemoteNode::identity()
{
    Result<AgentClient::Reply> reply = m_client.get(QStringLiteral("/api/v1/node"));
    if (!reply)
        return reply.error();
    const QJsonValue version = reply->body.value(QStringLiteral("api_version"));
    if (version.toInt(-1) != kApiVersion)
        return protocolError(address(), tr("the agent speaks API version %1, this Passdeck version %2")
                                            .arg(version.isDouble() ? QString::number(version.toInt()) : tr("(none)"))
                                            .arg(kApiVersion));
    Result<NodeIdentity> id = nodecodec::fromJson<NodeIdentity>(reply->body);
    if (!id)
        return protocolError(address(), id.error().why);
    // The agent names its host root; the desktop reaches the node by the agent's address.
    id.value().address = address();
    m_simulated = id->simulated;
    return id;
}

Result<InventorySnapshot> RemoteNode::inventory()
{
    return getAs<InventorySnapshot>(QStringLiteral("/api/v1/devices"));
}

Result<HostMounts> RemoteNode::hostMounts()
{
    return getAs<HostMounts>(QStringLiteral("/api/v1/mounts"));
}

Result<NodeCapabilities> RemoteNode::capabilities(int recordedIommuGroup)
{
    return getAs<NodeCapabilities>(QStringLiteral("/api/v1/capabilities?iommu_group=%1").arg(recordedIommuGroup));
}

Result<BindPlan> RemoteNode::plan(const QStringList &addresses, BindTarget target)
{
    const QJsonObject body{{QStringLiteral("addresses"), QJsonArray::fromStringList(addresses)},
                           {QStringLiteral("target"), nodecodec::targetName(target)}};
    Result<AgentClient::Reply> reply = m_client.post(QStringLiteral("/api/v1/plan"), body);
    if (!reply)
        return reply.error();
    Result<BindPlan> plan = nodecodec::fromJson<BindPlan>(reply->body);
    if (!plan)
        return protocolError(address(), plan.error().why);
    return plan;
}

Result<QMap<QString, DriverState>> RemoteNode::driverStates(const QStringList &addresses)
{
    QStringList encoded;
    for (const QString &a : addresses)
        encoded.append(pathPart(a));
    return getAs<QMap<QString, DriverState>>(QStringLiteral("/api/v1/driver-states?addresses=") + encoded.join(u','));
}

Result<SriovState> RemoteNode::sriovState(const QString &pfAddress)
{
    return getAs<SriovState>(QStringLiteral("/api/v1/sriov/") + pathPart(pfAddress));
}

Result<QList<Finding>> RemoteNode::vfCountImpact(const QString &pfAddress, int count)
{
    Result<AgentClient::Reply> reply = m_client.get(QStringLiteral("/api/v1/sriov/%1/impact?count=%2").arg(pathPart(pfAddress)).arg(count));
    if (!reply)
        return reply.error();
    const QJsonValue findings = reply->body.value(QStringLiteral("findings"));
    if (!findings.isArray())
        return protocolError(address(), tr("the answer has no \"findings\" array"));
    QList<Finding> out;
    const QJsonArray array = findings.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        Result<Finding> f = nodecodec::fromJson<Finding>(array.at(i));
        if (!f)
            return protocolError(address(), QStringLiteral("findings[%1]: %2").arg(i).arg(f.error().why));
        out.append(*f);
    }
    return out;
}

Result<ApplyResult> RemoteNode::apply(const BindPlan &plan, const ApplyOptions &options, const NodeProgress &progress)
{
    JobRequest request;
    request.kind = JobRequest::Kind::Apply;
    request.plan = plan;
    request.options = options;
    request.options.progress = nullptr; // fed from the job's progress instead
    Result<QJsonValue> result = runJob(request, progress ? progress : NodeProgress(options.progress));
    if (!result)
        return result.error();
    // The node's own Error as it is; a value that does not decode is not the API.
    Result<QJsonValue> value = nodecodec::unwrapResult(*result);
    if (!value)
        return value.error();
    Result<ApplyResult> applied = nodecodec::fromJson<ApplyResult>(*value);
    if (!applied)
        return protocolError(address(), applied.error().why);
    return applied;
}

Status RemoteNode::restore(const RestoreRequest &request)
{
    JobRequest job;
    job.kind = JobRequest::Kind::Restore;
    job.restore = request;
    Result<QJsonValue> result = runJob(job, {});
    if (!result)
        return result.error();
    return nodecodec::statusFromJson(*result);
}

Result<QStringList> RemoteNode::setVfCount(const QString &pfAddress, int count, const VfCountOptions &options)
{
    JobRequest job;
    job.kind = JobRequest::Kind::SetVfCount;
    job.pf = pfAddress;
    job.count = count;
    job.vfOptions = options;
    Result<QJsonValue> result = runJob(job, {});
    if (!result)
        return result.error();
    return vfListResultFromJson(*result);
}

Status RemoteNode::reboot()
{
    JobRequest job;
    job.kind = JobRequest::Kind::Reboot;
    Result<QJsonValue> result = runJob(job, {});
    if (!result)
        return result.error();
    return nodecodec::statusFromJson(*result);
}

Result<QJsonValue> RemoteNode::runJob(const JobRequest &request, const NodeProgress &progress)
{
    Result<AgentClient::Reply> submitted = m_client.post(QStringLiteral("/api/v1/jobs"), jobRequestToJson(request));
    if (!submitted)
        return submitted.error();
    const QString id = submitted->body.value(QStringLiteral("id")).toString();
    if (id.isEmpty() || id.size() > 128)
        return protocolError(address(), tr("the answer to a new job has no job id"));
    m_lastJobId = id;
    if (m_options.jobSubmitted)
        m_options.jobSubmitted(id);
    return followJob(id, progress);
}

Result<QJsonValue> RemoteNode::followJob(const QString &id, const NodeProgress &progress)
{
    int pollMs = m_options.pollFirstMs;
    int retryMs = m_options.retryFirstMs;
    QElapsedTimer unanswered; // runs while the agent does not answer
    int lastDone = -1, lastTotal = -1;
    QString lastStep;
    for (;;) {
        Result<AgentClient::Reply> reply = m_client.get(QStringLiteral("/api/v1/jobs/") + pathPart(id));
        if (!reply) {
            // Only a dropped link is waited out: the agent carries the job on by itself and
            // keeps its outcome, so it is looked up again by id when the agent answers.
            if (reply.error().code != ErrorCode::NodeUnreachable)
                return reply.error();
            ++m_unansweredPolls;
            if (!unanswered.isValid())
                unanswered.start();
            const qint64 left = m_options.reconnectWindowMs - unanswered.elapsed();
            if (left <= 0) {
                return Error::make(ErrorCode::NodeUnreachable, tr("Following job %1 on the node agent at %2").arg(id, address()),
                                   tr("the agent has not answered for %1 s while job %2 ran (%3); its outcome is not known here")
                                       .arg(m_options.reconnectWindowMs / 1000.0).arg(id, reply.error().why),
                                   tr("The agent finishes or rolls back job %1 on its own; Passdeck's journal puts the devices "
                                      "back when the node answers again. Check that passdeckd runs on the node.").arg(id));
            }
            QThread::msleep(static_cast<unsigned long>(std::min<qint64>(retryMs, left)));
            retryMs = std::min(retryMs * 2, m_options.retryMaxMs);
            continue;
        }
        unanswered.invalidate();
        retryMs = m_options.retryFirstMs;
        Result<JobStatus> status = jobStatusFromJson(reply->body);
        if (!status)
            return protocolError(address(), status.error().why);
        if (status->id != id)
            return protocolError(address(), tr("asked for job %1, the agent answered with job %2").arg(id, status->id));
        if (progress && (status->done != lastDone || status->total != lastTotal || status->step != lastStep)) {
            lastDone = status->done;
            lastTotal = status->total;
            lastStep = status->step;
            progress(status->done, status->total, status->step);
        }
        if (jobstate::isEnded(status->state)) {
            if (!status->result.isObject())
                return Error::make(ErrorCode::JobLost, tr("Following job %1 on the node agent at %2").arg(id, address()),
                                   tr("the job ended (%1) without a result").arg(status->state),
                                   tr("Read the node's devices again (refresh the node) to see where they are."));
            return status->result;
        }
        QThread::msleep(static_cast<unsigned long>(pollMs));
        pollMs = std::min(pollMs * 2, m_options.pollMaxMs);
    }
}

} // namespace passdeck
