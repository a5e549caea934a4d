#pragma once

#include "core/BindTypes.h"
#include "core/Error.h"
#include "core/PciDevice.h"
#include "core/ReadinessFacts.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace passdeck {

class Node;

// One thing that stands between a host and passthrough (docs/readiness.md).
struct ReadinessFinding
{
    QString code;         // stable: "iommu-off", "interrupt-remapping-off", "vfio-missing", ...
    Severity severity = Severity::Info;
    QString device;       // the address concerned; "" for the host as a whole
    QString message;      // what is wrong, in a sentence
    QString action;       // what to do about it
};

// The readiness of one node: its findings, worst first.
struct ReadinessReport
{
    QString node;                     // the node's name (or address when it has none)
    QList<ReadinessFinding> findings;

    int count(Severity severity) const;
    // No blocker: devices can be passed through (warnings may still apply).
    bool ready() const { return count(Severity::Blocker) == 0; }
    // "Ready for passthrough", "Ready for passthrough, with 2 warnings", "3 blockers, 2 warnings".
    QString summary() const;
};

// Words a node's readiness facts and inventory as findings. The rules are written down in
// docs/readiness.md; this is the one place that words them (the node only reports facts).
class Readiness
{
    Q_DECLARE_TR_FUNCTIONS(Readiness)
public:
    // From what the node reported (NodeCapabilities::facts) and its inventory.
    static ReadinessReport assess(const QString &nodeName, const ReadinessFacts &facts,
                                  const InventorySnapshot &inventory);
    // Asks the node (capabilities, inventory) and assesses. An unreadable node is an Error.
    static Result<ReadinessReport> check(Node &node, const QString &nodeName);

    static QString severityName(Severity severity); // "blocker", "warning", "info"
};

} // namespace passdeck
