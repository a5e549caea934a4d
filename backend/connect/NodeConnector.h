#pragma once

#include "core/Node.h"
#include "node/inventory/Inventory.h"
#include "remote/client/RemoteNode.h"

#include <optional>

namespace passdeck {

// How the apps reach their nodes.
struct ConnectOptions
{
    InventoryOptions inventory;      // LocalNode's (pci.ids for names)
    RemoteNodeOptions remote;        // timeouts and the reconnect window of nodes behind agents

    // The real host ("/", not simulated) when this process is not root: through the agent on
    // this machine, whose token and certificate a member of the group passdeck can read.
    QString localAgentAddress = QStringLiteral("127.0.0.1:7443"); // passdeckd's default port
    QString localAgentStateDir = QStringLiteral("/var/lib/passdeckd");
    // Whether this process runs as root; unset: asked (geteuid). Tests set it.
    std::optional<bool> runningAsRoot;
};

// The one NodeFactory the apps give the service (docs/agent-api.md, "The desktop side"):
//   - a stored address that is a path → LocalNode on that host root (as localNodes() does),
//     except the real host "/" when this process is not root, which goes through the local agent;
//   - HOST:PORT → RemoteNode with the node's pinned fingerprint and token.
NodeFactory nodeFactory(const ConnectOptions &options = {});

// The stored-node form of the local agent (address, token, fingerprint from its state dir), or
// an Error that says how to start the agent or join the group passdeck.
Result<NodeInfo> localAgentNode(const NodeInfo &realHost, const ConnectOptions &options);

} // namespace passdeck
