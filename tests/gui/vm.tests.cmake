# GUI automation of flows 1.2 and 1.3 (issue 6): the real MainWindow on a demo environment.
passdeck_add_test(tst_gui_vm SOURCES gui/tst_gui_vm.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_tenant SOURCES gui/tst_gui_tenant.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_vm_screenshots SOURCES gui/tst_gui_vm_screenshots.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
