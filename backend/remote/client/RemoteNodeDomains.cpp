// RemoteNode, the hypervisor calls (docs/libvirt.md, "The agent"): reads and the define as
// plain requests, changeDomain, attachLive and undefineDomain as the agent's jobs.
#include "remote/client/RemoteNode.h"

#include "core/JobCodec.h"
#include "core/NodeCodec.h"

#include <QCoreApplication>
#include <QUrl>

namespace passdeck {

namespace {

Error protocolError(const QString &address, const QString &why)
{
    return Error::make(ErrorCode::AgentProtocol,
                       QCoreApplication::translate("RemoteNode", "Reading the answer of the node agent at %1").arg(address), why,
                       QCoreApplication::translate("RemoteNode", "Check that the agent is a passdeckd of this Passdeck version."));
}

QString pathPart(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace

Result<QList<DomainInfo>> RemoteNode::domains()
{
    return getAs<QList<DomainInfo>>(QStringLiteral("/api/v1/domains"));
}

Result<QString> RemoteNode::domainXml(const QString &name)
{
    Result<AgentClient::Reply> reply = m_client.get(QStringLiteral("/api/v1/domains/%1/xml").arg(pathPart(name)));
    if (!reply)
        return reply.error();
    const QJsonValue xml = reply->body.value(QStringLiteral("xml"));
    if (!xml.isString())
        return protocolError(address(), QCoreApplication::translate("RemoteNode", "the answer has no \"xml\" string"));
    return xml.toString();
}

Result<DomainInfo> RemoteNode::defineDomain(const DomainDefinition &definition)
{
    Result<AgentClient::Reply> reply = m_client.post(QStringLiteral("/api/v1/domains"), nodecodec::toJson(definition));
    if (!reply)
        return reply.error();
    Result<DomainInfo> info = nodecodec::fromJson<DomainInfo>(reply->body);
    if (!info)
        return protocolError(address(), info.error().why);
    return info;
}

Result<DomainInfo> RemoteNode::domainJob(const JobRequest &request)
{
    Result<QJsonValue> result = runJob(request, {});
    if (!result)
        return result.error();
    Result<QJsonValue> value = nodecodec::unwrapResult(*result);
    if (!value)
        return value.error();
    Result<DomainInfo> info = nodecodec::fromJson<DomainInfo>(*value);
    if (!info)
        return protocolError(address(), info.error().why);
    return info;
}

Result<DomainInfo> RemoteNode::changeDomain(const DomainChange &change)
{
    JobRequest job;
    job.kind = JobRequest::Kind::ChangeDomain;
    job.change = change;
    return domainJob(job);
}

Result<DomainInfo> RemoteNode::attachLive(const QString &name, const QStringList &addresses)
{
    JobRequest job;
    job.kind = JobRequest::Kind::AttachLive;
    job.domain = name;
    job.addresses = addresses;
    return domainJob(job);
}

Status RemoteNode::undefineDomain(const QString &name)
{
    JobRequest job;
    job.kind = JobRequest::Kind::UndefineDomain;
    job.domain = name;
    Result<QJsonValue> result = runJob(job, {});
    if (!result)
        return result.error();
    return nodecodec::statusFromJson(*result);
}

} // namespace passdeck
