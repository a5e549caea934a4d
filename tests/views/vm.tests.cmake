# GUI automation of flows 1.2 and 1.3: the real MainWindow on a demo environment.
passdeck_add_test(tst_gui_vm SOURCES views/tst_gui_vm.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_tenant SOURCES views/tst_gui_tenant.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_vm_screenshots SOURCES views/tst_gui_vm_screenshots.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
