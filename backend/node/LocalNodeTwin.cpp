// LocalNode: a twin of this host root (docs/simulated-nodes.md, "Twins").
#include "node/LocalNode.h"

#include "sim/SimCapture.h"

namespace passdeck {

Result<QStringList> LocalNode::captureTwin(const QString &dir, const QString &nodeName, const QString &twinName)
{
    SimCaptureOptions options;
    options.nodeName = twinName;
    options.capturedFrom = nodeName;
    Result<SimCaptureReport> report = SimCapture::capture(m_root.root(), dir, options);
    if (!report)
        return report.error();
    return report->warnings;
}

} // namespace passdeck
