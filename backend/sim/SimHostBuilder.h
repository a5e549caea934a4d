#pragma once

#include "core/Error.h"
#include "sim/SimHostDescription.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace passdeck {

// What differs between one boot of a simulated node and the next: driver_override values from
// the persistent configuration (udev rules) and modules loaded by modules-load.d.
struct SimBootOptions
{
    QMap<QString, QString> overrides; // address -> driver (set before probing, like udev does)
    bool loadVfioPci = false;         // vfio-pci loaded even if the description says it is not
};

struct SimBuildOptions
{
    bool force = false; // replace an existing simulated root
};

// Writes a simulated host root from a declarative description (docs/simulated-nodes.md), laid
// out as the kernel lays out sysfs, so libpci, lspci and the inventory read it like a real host.
// The tree is built in a sibling temporary directory and renamed into place: on error nothing
// is left half-written.
class SimHostBuilder
{
public:
    using Options = SimBuildOptions;

    // rootDir must not exist, be empty, or (with force) be a simulated root already; never "/".
    static Status build(const QJsonObject &description, const QString &rootDir, const Options &options = {});
    // A file path or a Qt resource such as ":/demo/node-a.json".
    static Status buildFromFile(const QString &descriptionPath, const QString &rootDir, const Options &options = {});

    // The directory holds a tree written by this builder (<dir>/.passdeck-sim/description.json).
    static bool isSimulatedRoot(const QString &dir);

    // The hidden simulator state directory of a root, and the files in it.
    static QString stateDir(const QString &root) { return root + QLatin1String("/.passdeck-sim"); }
    static QString descriptionFile(const QString &root) { return stateDir(root) + QLatin1String("/description.json"); }
    static QString stateFile(const QString &root) { return stateDir(root) + QLatin1String("/state.json"); }

    // Writes sys/, proc/, dev/ and the simulator state of one boot into dir (which must exist).
    // Used by build() and by SimKernel::reboot(). Returns the next free IOMMU group number.
    static Result<int> writeTree(const SimHostDescription &description, const QJsonObject &json,
                                 const QString &dir, const SimBootOptions &boot = {});
};

} // namespace passdeck
