# The hypervisor types and domain jobs on the wire (docs/libvirt.md).
passdeck_add_test(tst_nodecodec_hypervisor SOURCES core/tst_nodecodec_hypervisor.cpp LIBS passdeck_core LABELS unit)
