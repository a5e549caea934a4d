#pragma once

#include "service/DomainService.h"

#include <QString>

#include <memory>

namespace passdeck {

// The demo environment: two simulated nodes (resources/demo/node-a.json, node-b.json) in a
// directory of their own, with a store beside them that knows both nodes. Nothing of it touches
// the real /sys; `passdeck --demo` and the screenshots run on it.
// What a new demo store starts with: the nodes only (tests that build their own scenario), or
// the nodes plus the example content of seed() (`passdeck --demo`).
enum class DemoContent { NodesOnly, Seeded };

class DemoEnvironment
{
public:
    // <AppLocalDataLocation>/demo, e.g. ~/.local/share/passdeck/demo.
    static QString defaultDirectory();

    // Builds what is missing under dir (nodes/<name> roots, passdeck.db) and opens the service;
    // with DemoContent::Seeded a new store is seeded (seed()); an existing one is left as it is.
    // Without options.nodeFactory the nodes are reached with localNodes().
    // reset: start over from the descriptions (the simulated roots and the store are replaced).
    static Result<std::unique_ptr<DomainService>> open(const QString &dir, bool reset = false,
                                                       ServiceOptions options = {},
                                                       DemoContent content = DemoContent::NodesOnly);

    // The node names and their descriptions (Qt resources).
    static QList<std::pair<QString, QString>> nodes();

    // What a new demo store starts with, all made through the service on the simulated nodes:
    // groups "GPUs", "NVMe" and "NIC VFs" with devices of both nodes made resources; VMs
    // "render-01" (running, a GPU allocated), "db-01" (restart needed), "web-01"; tenant
    // "Acme Corp" with tenant node "acme-a" on node-a, its group "Acme VFs" and VM "acme-app-01".
    static Status seed(DomainService &service);
};

} // namespace passdeck
