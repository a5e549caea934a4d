// NodeService: a twin of a node (docs/simulated-nodes.md, "Twins"): the node copies itself into
// a directory as a simulated node, which is then added beside it.
#include "service/NodeService.h"

#include "core/Node.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "store/Store.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("NodeService", text);
}
} // namespace

Result<RefreshReport> NodeService::captureTwin(qint64 nodeId, const QString &dir, const ProgressFn &progress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    // "<node>-twin", then "-twin-2"...: a name no node has yet.
    QString twinName;
    for (int i = 1; i < 1000 && twinName.isEmpty(); ++i) {
        const QString candidate = n->name.left(110) + (i == 1 ? QStringLiteral("-twin") : QStringLiteral("-twin-%1").arg(i));
        if (!DomainServiceQueries::nodeByName(m_ctx.db(), candidate))
            twinName = candidate;
    }
    // The twin's directory: given, or next to a store file (twins/<name>), else the user's data.
    QString root = dir;
    if (root.isEmpty()) {
        const QFileInfo store(m_ctx.store->path());
        const QString base = store.isAbsolute() && !m_ctx.store->path().contains(QLatin1String("://"))
                                 ? store.absolutePath()
                                 : QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
        root = base + QLatin1String("/twins/") + twinName;
    }
    if (progress)
        progress(0, 2, tr("Capturing %1 into %2").arg(n->name, root));
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    Result<QStringList> captured = (*host)->captureTwin(root, n->name, twinName);
    m_ctx.flushReachability();
    if (!captured)
        return captured.error();
    auto report = add(twinName, root, true, progress);
    if (!report)
        return report.error();
    report->warnings = *captured + report->warnings;
    // Marked, so that its dashboard says whose twin it is.
    Status marked = m_ctx.change(QStringLiteral("node.twin"), tr("node '%1' (twin of '%2')").arg(twinName, n->name),
                                 ServiceContext::Nodes, [&](StoreTransaction &) {
                                     return StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE nodes SET twin_of = ? WHERE id = ?"),
                                                            {n->name, report->node.id}, tr("Marking node '%1' as a twin").arg(twinName));
                                 });
    if (!marked)
        return marked.error();
    return report;
}

} // namespace passdeck
