// LocalNode's hypervisor calls (docs/libvirt.md, "On the node"): each one a Hypervisor call on
// this node's target, refused like every other call when the root failed its checks.
#include "node/LocalNode.h"

#include "node/hypervisor/Hypervisor.h"

namespace passdeck {

HypervisorTarget LocalNode::hypervisorTarget() const
{
    HypervisorTarget target;
    target.nodeAddress = address();
    if (m_simulated)
        target.testRoot = m_root.root();
    else
        target.uri = m_libvirtUri;
    return target;
}

Result<QList<DomainInfo>> LocalNode::domains()
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Hypervisor(hypervisorTarget()).domains();
}

Result<QString> LocalNode::domainXml(const QString &name)
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Hypervisor(hypervisorTarget()).domainXml(name);
}

Result<DomainInfo> LocalNode::defineDomain(const DomainDefinition &definition)
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Hypervisor(hypervisorTarget()).defineDomain(definition);
}

Result<DomainInfo> LocalNode::changeDomain(const DomainChange &change)
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Hypervisor(hypervisorTarget()).changeDomain(change);
}

Result<DomainInfo> LocalNode::attachLive(const QString &name, const QStringList &addresses)
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Hypervisor(hypervisorTarget()).attachLive(name, addresses);
}

Status LocalNode::undefineDomain(const QString &name)
{
    if (!m_openStatus)
        return m_openStatus.error();
    return Hypervisor(hypervisorTarget()).undefineDomain(name);
}

} // namespace passdeck
