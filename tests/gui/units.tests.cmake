# The device entry form in passthrough units, through the real main window (one owner per IOMMU group).
passdeck_add_test(tst_gui_device_units SOURCES gui/tst_gui_device_units.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
