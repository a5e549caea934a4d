// JobManager, the domain jobs (docs/libvirt.md, "The agent"): change-domain, attach-live and
// undefine-domain. Journaled like an apply before their first effect, with the domain's
// persistent XML and run state, so that an agent killed during one defines the previous XML
// again at its next start.
#include "remote/server/JobManager.h"

#include "core/NodeCodec.h"
#include "node/LocalNode.h"
#include "node/hypervisor/Hypervisor.h"

#include <QCoreApplication>
#include <QMutexLocker>

namespace passdeck {

bool JobManager::isDomainJob(const JobRequest &request)
{
    return request.kind == JobRequest::Kind::ChangeDomain || request.kind == JobRequest::Kind::AttachLive
           || request.kind == JobRequest::Kind::UndefineDomain;
}

QString JobManager::domainOf(const JobRequest &request)
{
    return request.kind == JobRequest::Kind::ChangeDomain ? request.change.name : request.domain;
}

Status JobManager::journalDomain(JournalEntry &entry, Node &node) const
{
    const QString name = domainOf(entry.request);
    Result<QString> xml = node.domainXml(name);
    if (!xml)
        return xml.error();
    Result<QList<DomainInfo>> domains = node.domains();
    if (!domains)
        return domains.error();
    entry.domainXml = *xml;
    entry.domainWasActive = false;
    for (const DomainInfo &d : *domains)
        if (d.name == name)
            entry.domainWasActive = domainStateIsActive(d.state);
    return {};
}

void JobManager::runDomainJob(Job &job, const JournalEntry &entry)
{
    const JobRequest &r = entry.request;
    Node &node = *job.node;
    const QString step = jobKindName(r.kind);
    // Before the first effect, and after the last one before the outcome is journaled: the
    // points where PASSDECK_TEST_JOB_KILL_AT stops the agent.
    onProgress(job, 0, 1, step);
    QJsonValue result;
    bool ok = false;
    switch (r.kind) {
    case JobRequest::Kind::ChangeDomain: {
        const Result<DomainInfo> info = node.changeDomain(r.change);
        ok = info.ok();
        result = nodecodec::resultToJson(info);
        break;
    }
    case JobRequest::Kind::AttachLive: {
        const Result<DomainInfo> info = node.attachLive(r.domain, r.addresses);
        ok = info.ok();
        result = nodecodec::resultToJson(info);
        break;
    }
    case JobRequest::Kind::UndefineDomain: {
        const Status st = node.undefineDomain(r.domain);
        ok = st.ok();
        result = nodecodec::resultToJson(st);
        break;
    }
    default:
        break;
    }
    onProgress(job, 1, 1, step);
    finish(job, ok ? jobstate::kSucceeded : jobstate::kFailed, result);
}

Status JobManager::rollBackDomain(const JournalEntry &entry)
{
    if (entry.domainXml.isEmpty())
        return {};
    Result<std::unique_ptr<Node>> made = m_makeNode();
    if (!made)
        return made.error();
    auto *local = dynamic_cast<LocalNode *>(made->get());
    if (!local)
        return Error::make(ErrorCode::DomainFailed, tr("Putting back the definition of VM '%1'").arg(domainOf(entry.request)),
                           tr("this agent's node has no libvirt connection of its own"));
    return Hypervisor(local->hypervisorTarget()).restoreDefinition(domainOf(entry.request), entry.domainXml, entry.domainWasActive);
}

} // namespace passdeck
