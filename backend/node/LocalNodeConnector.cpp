#include "node/LocalNodeConnector.h"

#include "node/LocalNode.h"

namespace passdeck {

NodeFactory localNodes(InventoryOptions options)
{
    return [options](const NodeInfo &node) -> Result<std::unique_ptr<Node>> {
        auto local = LocalNode::open(node.hostRoot, node.simulated, options);
        if (!local)
            return local.error();
        local.value()->setLibvirtUri(node.libvirtUri);
        return std::unique_ptr<Node>(std::move(local.value()));
    };
}

} // namespace passdeck
