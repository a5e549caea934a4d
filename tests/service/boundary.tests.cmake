# The node boundary (docs/node-boundary.md): the central side names nothing of the node side,
# the service links no node library, a missing node factory is refused, a stale plan is
# refused by the node, and the node's restore puts devices and persistence back.
passdeck_add_test(tst_node_boundary SOURCES service/tst_node_boundary.cpp LIBS passdeck_backend LABELS unit)
