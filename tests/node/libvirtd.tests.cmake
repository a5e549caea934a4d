# Against a real libvirtd (qemu driver) on a private socket, started by the test itself
# (tests/support/LibvirtdProcess.h): the fixture and the XML validator themselves. Label libvirt.
# When the daemon cannot start here the test QSKIPs naming why; QtTest then exits 0, so ctest is
# told by the message to report it as skipped, not passed.
passdeck_add_test(tst_libvirtd_fixture SOURCES node/tst_libvirtd_fixture.cpp support/LibvirtdProcess.h support/DomainXmlValidate.h
    LABELS libvirt)
set_tests_properties(tst_libvirtd_fixture PROPERTIES SKIP_REGULAR_EXPRESSION "a private libvirtd could not be started here")

# The node's Hypervisor (backend/node/hypervisor) against that daemon: define, read back, hostdevs
# changed without starting anything, undefine, every XML validated.
find_package(Qt6 6.4 REQUIRED COMPONENTS Xml)
passdeck_add_test(tst_libvirtd_real SOURCES node/tst_libvirtd_real.cpp support/LibvirtdProcess.h support/DomainXmlValidate.h
    LIBS passdeck_node_hypervisor Qt6::Xml LABELS libvirt)
set_tests_properties(tst_libvirtd_real PROPERTIES SKIP_REGULAR_EXPRESSION "a private libvirtd could not be started here")
