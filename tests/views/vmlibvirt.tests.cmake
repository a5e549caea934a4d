# VMs are libvirt domains through the real MainWindow (an in-memory hypervisor, FakeHypervisor.h).
passdeck_add_test(tst_gui_vm_libvirt SOURCES views/tst_gui_vm_libvirt.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    support/FakeHypervisor.h support/VmDomainXmlCheck.h LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
