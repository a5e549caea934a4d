// DomainService: hardware that moved and twins (docs/moved-hardware.md, docs/simulated-nodes.md).
#include "service/DomainService.h"

#include "service/DomainServiceContext.h"
#include "service/MovedHardware.h"
#include "service/NodeService.h"
#include "store/StoreQuery.h"

namespace passdeck {

Result<QList<MovedOffer>> DomainService::movedHardware(qint64 nodeId, bool withDismissed) const
{
    return MovedHardware(*m_ctx).offers(nodeId, withDismissed);
}

Result<MovedOffer> DomainService::confirmMove(qint64 nodeId, const QString &oldAddress, const QString &newAddress)
{
    return MovedHardware(*m_ctx).confirm(nodeId, oldAddress, newAddress);
}

Result<MovedOffer> DomainService::dismissMove(qint64 nodeId, const QString &oldAddress, const QString &newAddress)
{
    return MovedHardware(*m_ctx).dismiss(nodeId, oldAddress, newAddress);
}

Result<RefreshReport> DomainService::captureTwin(qint64 nodeId, const QString &dir, const ProgressFn &progress)
{
    return m_nodes->captureTwin(nodeId, dir, progress);
}

Result<QString> DomainService::twinOf(qint64 nodeId) const
{
    auto v = StoreQuery::scalar(m_ctx->db(), QStringLiteral("SELECT twin_of FROM nodes WHERE id = ?"), {nodeId},
                                tr("Reading whose twin node #%1 is").arg(nodeId));
    if (!v)
        return v.error();
    return v->toString();
}

} // namespace passdeck
