#pragma once

#include "core/Error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace passdeck {

struct SimCaptureOptions
{
    QString nodeName = QStringLiteral("twin"); // the twin's node name in its description
    QString capturedFrom;                      // what the marker names ("node-a"); default: the source path
    bool force = false;                        // replace an existing simulated root at the target
    int maxDevices = 8192;                     // a real machine has hundreds; more is not a kernel's tree
};

struct SimCaptureReport
{
    QJsonObject description; // what the twin was built from (docs/simulated-nodes.md format)
    QStringList warnings;    // one sentence per entry that could not be captured; the rest was
    int devices = 0;         // PCI functions described (VFs are re-created from their PF)
};

// A twin of any host (docs/simulated-nodes.md, "Twins"): reads a host root laid out as the
// kernel lays out sysfs — the real "/" or any tree — and writes a simulated node with the same
// devices, ids, classes, drivers, IOMMU groups, NUMA nodes, SR-IOV PFs and VFs, network
// interfaces, block devices, slots, config space, proc/mounts, proc/swaps and proc/cmdline.
// The source is only read: files are opened O_RDONLY|O_NONBLOCK inside the source root,
// regular files only, each read capped; what cannot be read is a warning, never a stop.
// The twin is built by SimHostBuilder from the captured description, so it boots (and reboots)
// like any simulated node; the driver each device had is its native driver, so unbinding and
// probing give it back.
class SimCapture
{
public:
    // The description of src, without writing anything.
    static Result<SimCaptureReport> describe(const QString &src, const SimCaptureOptions &options = {});
    // describe(), then SimHostBuilder::build into dir and the marker .passdeck-sim/captured-from.
    static Result<SimCaptureReport> capture(const QString &src, const QString &dir, const SimCaptureOptions &options = {});
    // What a twin was captured from (the marker's first line), empty for any other root.
    static QString capturedFrom(const QString &root);
    static QString markerFile(const QString &root) { return root + QLatin1String("/.passdeck-sim/captured-from"); }
};

} // namespace passdeck
