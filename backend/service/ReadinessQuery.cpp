// DomainService::readinessReport: the node's readiness facts and inventory, read through the
// node and worded by service/Readiness.
#include "service/DomainService.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"

namespace passdeck {

Result<ReadinessReport> DomainService::readinessReport(qint64 nodeId) const
{
    auto n = DomainServiceQueries::node(m_ctx->db(), nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx->node(*n);
    if (!host)
        return host.error();
    Result<ReadinessReport> report = Readiness::check(**host, n->name);
    if (!report) {
        Error e = report.error();
        e.what = tr("Checking the readiness of node %1").arg(n->name);
        return e;
    }
    return report;
}

} // namespace passdeck
