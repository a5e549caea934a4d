# The PCI tree of a node: the extended-capability walker, the inventory's link/ACS/parent reads on
# a crafted simulated tree, and service/Topology's facts (degraded links, ACS above).
passdeck_add_test(tst_topology SOURCES service/tst_topology.cpp support/SimTestUtil.h
    LIBS passdeck_backend LABELS unit)
