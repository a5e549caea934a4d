# The node's hypervisor (libvirt) on simulated roots through the test driver file.
passdeck_add_test(tst_hypervisor SOURCES node/tst_hypervisor.cpp node/HypervisorTestUtil.h LIBS passdeck_node LABELS unit)
passdeck_add_test(tst_hypervisor_change SOURCES node/tst_hypervisor_change.cpp node/HypervisorTestUtil.h LIBS passdeck_node LABELS unit)
