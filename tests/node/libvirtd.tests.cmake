# Against a real libvirtd (qemu driver) on a private socket, started by the test itself
# (tests/support/LibvirtdProcess.h): the fixture and the XML validator themselves. Label libvirt;
# skipped, naming why, when the daemon cannot start here.
passdeck_add_test(tst_libvirtd_fixture SOURCES node/tst_libvirtd_fixture.cpp support/LibvirtdProcess.h support/DomainXmlValidate.h
    LABELS libvirt)
