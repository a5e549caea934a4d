#pragma once

#include "BindTypes.h"
#include "DomainTypes.h"
#include "Error.h"

namespace passdeck {

class DomainService;

// The impact check of flow 1.1 for a selection that may span nodes: the binder's plan per node
// (IOMMU companions, host use, boot VGA, bridges...) plus what the store knows (a device
// already in a group or held by a VM or tenant). Read-only: nothing is changed.
struct NodeImpact
{
    qint64 nodeId = 0;
    QString nodeName;
    QStringList requested;
    BindPlan plan;
};

struct MakeResourceImpact
{
    QList<NodeImpact> nodes;
    QList<Finding> findings;   // all nodes; Finding::device is "node/address" when nodes differ
    int blockerCount = 0;
    int warningCount = 0;
    int deviceCount = 0;        // requested + companions, all nodes
    QList<DeviceRecord> moving; // those devices as the store knows them (names, driver now)
};

class MakeResourcePlanner
{
public:
    static Result<MakeResourceImpact> plan(const DomainService &service, const QList<DeviceRecord> &selection,
                                           const QString &pciIdsPath = {});
};

} // namespace passdeck
