# The device entry form in passthrough units, through the real main window (one owner per IOMMU group).
passdeck_add_test(tst_gui_device_units SOURCES views/tst_gui_device_units.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
