#include "service/TrackedNode.h"

#include "service/DomainServiceContext.h"

#include <QCoreApplication>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}
} // namespace

QString unreachableSinceText(const QDateTime &since)
{
    return since.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

TrackedNode::TrackedNode(std::unique_ptr<Node> inner, NodeInfo info, const ServiceContext &ctx)
    : m_inner(std::move(inner)), m_info(std::move(info)), m_ctx(ctx)
{
}

Error TrackedNode::unreachable(const NodeInfo &node, const Error &answer)
{
    Error e = answer;
    const QString since = unreachableSinceText(node.unreachableSince.isValid() ? node.unreachableSince
                                                                                : QDateTime::currentDateTimeUtc());
    e.why = answer.why.isEmpty() ? tr("node '%1' is unreachable since %2").arg(node.name, since)
                                 : tr("node '%1' is unreachable since %2: %3").arg(node.name, since, answer.why);
    const QString kept = tr("Its devices are kept as last seen; Passdeck tries the node again at every refresh and "
                            "flows that do not need it go on.");
    e.hint = answer.hint.isEmpty() ? kept : answer.hint + u' ' + kept;
    return e;
}

template<typename R>
R TrackedNode::observe(R result)
{
    if (result.ok())
        answered();
    else if (result.error().code == ErrorCode::NodeUnreachable)
        return R(notAnswered(result.error()));
    return result;
}

void TrackedNode::answered()
{
    if (!m_info.unreachableSince.isValid())
        return;
    m_info.unreachableSince = {};
    // Back: the agent may have been updated meanwhile.
    QString version = m_info.agentVersion;
    if (Result<NodeIdentity> id = m_inner->identity(); id)
        version = id->agentVersion;
    m_info.agentVersion = version;
    m_ctx.noteReachability(m_info.id, {}, version);
}

Error TrackedNode::notAnswered(const Error &answer)
{
    if (!m_info.unreachableSince.isValid()) {
        // Whole seconds: what the dashboards and the errors show is what is stored.
        QDateTime now = QDateTime::currentDateTimeUtc();
        now.setTime(QTime(now.time().hour(), now.time().minute(), now.time().second()));
        m_info.unreachableSince = now;
        m_ctx.noteReachability(m_info.id, now, {});
    }
    return unreachable(m_info, answer);
}

Result<NodeIdentity> TrackedNode::identity()
{
    Result<NodeIdentity> r = m_inner->identity();
    if (r.ok() && m_info.unreachableSince.isValid()) {
        m_info.unreachableSince = {};
        m_info.agentVersion = r->agentVersion;
        m_ctx.noteReachability(m_info.id, {}, r->agentVersion);
        return r;
    }
    return observe(std::move(r));
}

Result<InventorySnapshot> TrackedNode::inventory() { return observe(m_inner->inventory()); }
Result<HostMounts> TrackedNode::hostMounts() { return observe(m_inner->hostMounts()); }
Result<NodeCapabilities> TrackedNode::capabilities(int recordedIommuGroup) { return observe(m_inner->capabilities(recordedIommuGroup)); }
Result<BindPlan> TrackedNode::plan(const QStringList &addresses, BindTarget target) { return observe(m_inner->plan(addresses, target)); }
Result<ApplyResult> TrackedNode::apply(const BindPlan &plan, const ApplyOptions &options, const NodeProgress &progress)
{
    return observe(m_inner->apply(plan, options, progress));
}
Status TrackedNode::restore(const RestoreRequest &request) { return observe(m_inner->restore(request)); }
Result<QMap<QString, DriverState>> TrackedNode::driverStates(const QStringList &addresses) { return observe(m_inner->driverStates(addresses)); }
Result<SriovState> TrackedNode::sriovState(const QString &pfAddress) { return observe(m_inner->sriovState(pfAddress)); }
Result<QList<Finding>> TrackedNode::vfCountImpact(const QString &pfAddress, int count) { return observe(m_inner->vfCountImpact(pfAddress, count)); }
Result<QStringList> TrackedNode::setVfCount(const QString &pfAddress, int count, const VfCountOptions &options)
{
    return observe(m_inner->setVfCount(pfAddress, count, options));
}
Status TrackedNode::reboot() { return observe(m_inner->reboot()); }
// The hypervisor calls: forwarded, an unanswered agent marks the node unreachable like the rest.
Result<QList<DomainInfo>> TrackedNode::domains() { return observe(m_inner->domains()); }
Result<QString> TrackedNode::domainXml(const QString &name) { return observe(m_inner->domainXml(name)); }
Result<DomainInfo> TrackedNode::defineDomain(const DomainDefinition &definition) { return observe(m_inner->defineDomain(definition)); }
Result<DomainInfo> TrackedNode::changeDomain(const DomainChange &change) { return observe(m_inner->changeDomain(change)); }
Result<DomainInfo> TrackedNode::attachLive(const QString &name, const QStringList &addresses)
{
    return observe(m_inner->attachLive(name, addresses));
}
Status TrackedNode::undefineDomain(const QString &name) { return observe(m_inner->undefineDomain(name)); }

} // namespace passdeck
