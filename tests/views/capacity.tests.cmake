# Capacity counted once: the form, attach, move and the group's dashboards agree (a device whose
# ids changed), through the real main window.
passdeck_add_test(tst_gui_capacity SOURCES views/tst_gui_capacity.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
