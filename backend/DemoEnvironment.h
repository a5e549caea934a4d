#pragma once

#include "DomainService.h"

#include <QString>

#include <memory>

namespace passdeck {

// The demo environment: two simulated nodes (resources/demo/node-a.json, node-b.json) in a
// directory of their own, with a store beside them that knows both nodes. Nothing of it touches
// the real /sys; `passdeck --demo` and the screenshots run on it.
class DemoEnvironment
{
public:
    // <AppLocalDataLocation>/demo, e.g. ~/.local/share/passdeck/demo.
    static QString defaultDirectory();

    // Builds what is missing under dir (nodes/<name> roots, passdeck.db) and opens the service.
    // reset: start over from the descriptions (the simulated roots and the store are replaced).
    static Result<std::unique_ptr<DomainService>> open(const QString &dir, bool reset = false,
                                                       ServiceOptions options = {});

    // The node names and their descriptions (Qt resources).
    static QList<std::pair<QString, QString>> nodes();
};

} // namespace passdeck
