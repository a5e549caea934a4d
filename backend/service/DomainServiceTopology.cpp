// DomainService::topology: the PCI tree of a node, read live (the store keeps no bridges' links).
#include "service/DomainService.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "service/Topology.h"

namespace passdeck {

Result<Topology> DomainService::topology(qint64 nodeId) const
{
    auto info = DomainServiceQueries::node(m_ctx->db(), nodeId);
    if (!info)
        return info.error();
    auto node = m_ctx->node(*info);
    if (!node)
        return node.error();
    auto snapshot = (*node)->inventory();
    if (!snapshot)
        return snapshot.error();
    return Topology::build(*snapshot);
}

} // namespace passdeck
