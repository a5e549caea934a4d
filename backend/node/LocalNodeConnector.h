#pragma once

#include "core/Node.h"
#include "node/inventory/Inventory.h"

namespace passdeck {

// The node factory for nodes on this machine: a LocalNode on the stored host root, simulated
// or real (LocalNode::open checks the root first). Whoever builds a DomainService passes it as
// ServiceOptions::nodeFactory; the service itself links nothing of node/ (docs/node-boundary.md).
NodeFactory localNodes(InventoryOptions options = {});

} // namespace passdeck
